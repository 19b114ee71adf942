import type { Broker, Consumer } from "@platformatic/kafka";
import { KafkaException } from "../errors.js";
import type { TopicPartitionLike } from "../TopicPartition.js";
import { decodeBatches } from "./decodeBatches.js";
import { fetchWithoutLibraryFilter } from "./fetchWithoutLibraryFilter.js";
import type { FetchOnceRequest, FetchOnceResult, FetchSource, PartitionLeader } from "./FetchSource.js";
import type { KafkaClientConfig } from "./KafkaClientConfig.js";
import { libraryBaseOptions } from "./libraryOptions.js";
import type { RawRecord } from "./RawRecord.js";

type Library = typeof import("@platformatic/kafka");

/**
 * The fetch path through the client library, for what dstream's wire client does not speak
 * (SASL). The library is imported when the first read needs it, not when this module loads.
 */
export class LibraryFetchSource implements FetchSource<RawRecord[]> {
  private readonly consumer: Promise<{ lib: Library; consumer: Consumer }>;
  private readonly topicIds = new Map<string, string>();
  private brokers: ReadonlyMap<number, Broker> = new Map();

  constructor(config: KafkaClientConfig, groupId: string, readCommitted: boolean) {
    this.consumer = import("@platformatic/kafka").then((lib) => ({
      lib,
      consumer: new lib.Consumer({
        ...libraryBaseOptions(config, 0),
        groupId,
        autocommit: false,
        isolationLevel: readCommitted ? lib.FetchIsolationLevels.READ_COMMITTED : lib.FetchIsolationLevels.READ_UNCOMMITTED,
      }),
    }));
    this.consumer.catch(() => undefined);
  }

  newOutput(): RawRecord[] {
    return [];
  }

  async topicPartitions(topic: string, refresh: boolean): Promise<{ partitionsCount: number; leader(partition: number): PartitionLeader } | undefined> {
    const { consumer } = await this.consumer;
    const md = await consumer.metadata({ topics: [topic], forceUpdate: refresh });
    const t = md.topics.get(topic);
    if (!t) return undefined;
    this.topicIds.set(topic, t.id);
    this.brokers = md.brokers;
    return {
      partitionsCount: t.partitionsCount,
      leader: (partition) => ({ partitionsCount: t.partitionsCount, leader: t.partitions[partition]!.leader, leaderEpoch: t.partitions[partition]!.leaderEpoch }),
    };
  }

  async fetchOnce(req: FetchOnceRequest, out: RawRecord[]): Promise<FetchOnceResult | undefined> {
    const { lib, consumer } = await this.consumer;
    // Not consumer.fetch: see fetchWithoutLibraryFilter for the library's read_committed bug.
    const resp = await fetchWithoutLibraryFilter(lib, consumer, this.brokers, {
      node: req.leader.leader,
      maxWaitTime: req.maxWaitMs,
      minBytes: 1,
      maxBytes: req.maxBytes,
      isolationLevel: req.readCommitted ? lib.FetchIsolationLevels.READ_COMMITTED : lib.FetchIsolationLevels.READ_UNCOMMITTED,
      topics: [
        {
          topicId: this.topicIds.get(req.tp.topic)!,
          partitions: [
            {
              partition: req.tp.partition,
              fetchOffset: BigInt(req.position),
              currentLeaderEpoch: req.leader.leaderEpoch,
              lastFetchedEpoch: -1,
              partitionMaxBytes: req.partitionMaxBytes,
            },
          ],
        },
      ],
    });
    const part = resp.responses[0]?.partitions[0];
    if (!part) return undefined;
    const batches = part.records ?? [];
    let bytes = 0;
    let offsets = 0;
    for (const b of batches) {
      // A batch's length field leaves out its 12-byte offset and length header.
      bytes += b.length + 12;
      offsets += b.lastOffsetDelta + 1;
    }
    const { nextPosition } = decodeBatches(batches, req.position, req.until, req.readCommitted ? part.abortedTransactions : undefined, out);
    return {
      nextPosition,
      bytes,
      offsets,
      logStartOffset: Number(part.logStartOffset),
      highWatermark: Number(part.highWatermark),
      lastStableOffset: Number(part.lastStableOffset),
    };
  }

  async earliestOffset(tp: TopicPartitionLike): Promise<number> {
    const { consumer } = await this.consumer;
    const offsets = await consumer.listOffsets({ topics: [tp.topic], partitions: { [tp.topic]: [tp.partition] }, timestamp: -2n });
    const v = offsets.get(tp.topic)?.[tp.partition];
    if (v === undefined) throw new KafkaException(`no earliest offset for ${tp.topic}-${tp.partition}`);
    return Number(v);
  }

  async close(): Promise<void> {
    const { consumer } = await this.consumer.catch(() => ({ consumer: undefined }));
    await consumer?.close(true);
  }
}
