import { KafkaProtocolError } from "./kafkaErrorCodes.js";
import { ResponseReader, type RequestWriter } from "./protocolCodec.js";

/**
 * The three requests dstream's fetch path sends, in versions every broker from Kafka 2.3 to 4.x
 * accepts and without the flexible (tagged-field) encoding: Metadata v8, Fetch v11, ListOffsets v1.
 * Field layouts follow Kafka's message definitions (clients/src/main/resources/common/message).
 */
export const API = {
  fetch: { key: 1, version: 11 },
  listOffsets: { key: 2, version: 1 },
  metadata: { key: 3, version: 8 },
} as const;

export interface BrokerNode {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export interface PartitionMetadata {
  readonly errorCode: number;
  readonly partition: number;
  readonly leader: number;
  readonly leaderEpoch: number;
}

export interface TopicMetadata {
  readonly errorCode: number;
  readonly name: string;
  readonly partitions: readonly PartitionMetadata[];
}

export interface MetadataResponse {
  readonly brokers: ReadonlyMap<number, BrokerNode>;
  readonly topics: ReadonlyMap<string, TopicMetadata>;
}

export function writeMetadataRequest(w: RequestWriter, topics: readonly string[]): void {
  w.array(topics, (x, t) => x.string(t));
  // allow_auto_topic_creation, include_cluster_authorized_operations, include_topic_authorized_operations
  w.bool(false).bool(false).bool(false);
}

export function readMetadataResponse(body: Buffer): MetadataResponse {
  const r = new ResponseReader(body);
  r.int32(); // throttle_time_ms
  const brokers = new Map<number, BrokerNode>();
  for (const b of r.array((x) => ({ nodeId: x.int32(), host: x.string() ?? "", port: x.int32(), rack: x.string() }))) brokers.set(b.nodeId, b);
  r.string(); // cluster_id
  r.int32(); // controller_id
  const topics = new Map<string, TopicMetadata>();
  const ints = (x: ResponseReader): number[] => x.array((y) => y.int32());
  for (const t of r.array((x) => {
    const errorCode = x.int16();
    const name = x.string() ?? "";
    x.bool(); // is_internal
    const partitions = x.array((y) => {
      const p = { errorCode: y.int16(), partition: y.int32(), leader: y.int32(), leaderEpoch: y.int32() };
      ints(y); // replica_nodes
      ints(y); // isr_nodes
      ints(y); // offline_replicas
      return p;
    });
    x.int32(); // topic_authorized_operations
    return { errorCode, name, partitions: partitions.sort((a, b) => a.partition - b.partition) };
  })) {
    topics.set(t.name, t);
  }
  return { brokers, topics };
}

export interface FetchPartitionRequest {
  readonly topic: string;
  readonly partition: number;
  readonly currentLeaderEpoch: number;
  readonly fetchOffset: number;
  readonly partitionMaxBytes: number;
}

export interface FetchRequest {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly readCommitted: boolean;
  readonly partition: FetchPartitionRequest;
}

export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: number;
}

/** One partition's answer; `records` is [start, end) of its RecordBatches within `buffer`. */
export interface FetchedPartition {
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  readonly abortedTransactions: readonly AbortedTransaction[] | null;
  readonly buffer: Buffer;
  readonly records: readonly [number, number] | null;
}

export function writeFetchRequest(w: RequestWriter, f: FetchRequest): void {
  w.int32(-1) // replica_id: a consumer
    .int32(f.maxWaitMs)
    .int32(f.minBytes)
    .int32(f.maxBytes)
    .int8(f.readCommitted ? 1 : 0)
    .int32(0) // session_id: no fetch session, every fetch is a full one
    .int32(-1); // session_epoch
  w.array([f.partition], (x, p) => {
    x.string(p.topic);
    x.array([p], (y, q) => y.int32(q.partition).int32(q.currentLeaderEpoch).int64(q.fetchOffset).int64(-1).int32(q.partitionMaxBytes));
  });
  w.int32(0); // forgotten_topics_data
  w.string(""); // rack_id
}

/** The answer for the one partition a request asked for. */
export function readFetchResponse(body: Buffer, want: { topic: string; partition: number }): FetchedPartition {
  const r = new ResponseReader(body);
  r.int32(); // throttle_time_ms
  const errorCode = r.int16();
  r.int32(); // session_id
  if (errorCode !== 0) throw new KafkaProtocolError(errorCode, `Fetch of ${want.topic}-${want.partition}`);
  let found: FetchedPartition | undefined;
  const topics = r.int32();
  for (let i = 0; i < topics; i++) {
    const topic = r.string();
    const partitions = r.int32();
    for (let j = 0; j < partitions; j++) {
      const partition = r.int32();
      const pErrorCode = r.int16();
      const highWatermark = r.int64();
      const lastStableOffset = r.int64();
      const logStartOffset = r.int64();
      const abortedTransactions = r.nullableArray((x) => ({ producerId: x.bigint64(), firstOffset: x.int64() }));
      r.int32(); // preferred_read_replica
      const records = r.bytesRange();
      const p: FetchedPartition = { errorCode: pErrorCode, highWatermark, lastStableOffset, logStartOffset, abortedTransactions, buffer: body, records };
      if (topic === want.topic && partition === want.partition) found = p;
    }
  }
  if (!found) throw new KafkaProtocolError(-1, `Fetch of ${want.topic}-${want.partition}: the answer did not include the partition`);
  return found;
}

export function writeListOffsetsRequest(w: RequestWriter, topic: string, partition: number, timestamp: number): void {
  w.int32(-1);
  w.array([topic], (x, t) => {
    x.string(t);
    x.array([partition], (y, p) => y.int32(p).int64(timestamp));
  });
}

export function readListOffsetsResponse(body: Buffer, topic: string, partition: number): number {
  const r = new ResponseReader(body);
  for (const t of r.array((x) => ({ name: x.string(), partitions: x.array((y) => ({ partition: y.int32(), errorCode: y.int16(), timestamp: y.int64(), offset: y.int64() })) }))) {
    for (const p of t.partitions) {
      if (t.name !== topic || p.partition !== partition) continue;
      if (p.errorCode !== 0) throw new KafkaProtocolError(p.errorCode, `ListOffsets of ${topic}-${partition}`);
      return p.offset;
    }
  }
  throw new KafkaProtocolError(-1, `ListOffsets of ${topic}-${partition}: the answer did not include the partition`);
}
