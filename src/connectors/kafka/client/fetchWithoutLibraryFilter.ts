import type { Broker, Consumer, fetchV17 } from "@platformatic/kafka";

type Library = typeof import("@platformatic/kafka");

type FetchRequestTopic = fetchV17.FetchRequestTopic;
type FetchResponse = fetchV17.FetchResponse;

export interface FetchRequestOptions {
  /** The node id of the partition's leader. */
  readonly node: number;
  readonly maxWaitTime: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly isolationLevel: number;
  readonly topics: FetchRequestTopic[];
}

type FetchArguments = [maxWaitMs: number, minBytes: number, maxBytes: number, isolationLevel: number, sessionId: number, sessionEpoch: number, topics: FetchRequestTopic[], forgottenTopicsData: [], rackId: string];

/**
 * One Fetch request to the broker `request.node`, answered with the batches exactly as the broker sent them.
 *
 * The client library's own `fetch` drops aborted batches itself under read_committed, and gets
 * it wrong: it keeps one range per producer id, from the first offset of the last aborted
 * transaction it was told of to the last abort marker in the response. A transactional.id keeps
 * its producer id across transactions, so committed transactions between two aborts of the same
 * producer were dropped (silently: the records of a committed batch never reached the stream),
 * and earlier aborted ones let through. `decodeBatches` filters as Kafka's consumer does, and
 * needs the batches and the aborted-transaction list untouched, so the request goes through the
 * library's connection and API-version choice but not through its filter. The library module is
 * passed in because its callers import it only when a read first needs it.
 */
export function fetchWithoutLibraryFilter(lib: Library, consumer: Consumer, brokers: ReadonlyMap<number, Broker>, request: FetchRequestOptions): Promise<FetchResponse> {
  return new Promise((resolve, reject) => {
    const broker = brokers.get(request.node);
    // The library's own fetch fails the same way.
    if (broker === undefined) return reject(new Error(`Cannot find broker with node id ${request.node}`));
    consumer[lib.kGetApi]<FetchArguments, FetchResponse>("Fetch", (apiError, api) => {
      if (apiError || !api) return reject(apiError);
      consumer[lib.kGetConnection](broker, (connectionError, connection) => {
        if (connectionError || !connection) return reject(connectionError);
        // Session 0, epoch 0: a full fetch with no incremental session, as the library sends.
        api(connection, request.maxWaitTime, request.minBytes, request.maxBytes, request.isolationLevel, 0, 0, request.topics, [], "", (error, response) => (error || !response ? reject(error) : resolve(response)));
      });
    });
  });
}
