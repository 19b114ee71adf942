import { KafkaException } from "../errors.js";
import type { TopicPartitionLike } from "../TopicPartition.js";
import { decodeRecordBatches } from "./decodeRecordBatch.js";
import type { FetchOnceRequest, FetchOnceResult, FetchSource, PartitionLeader } from "./FetchSource.js";
import type { KafkaClientConfig } from "./KafkaClientConfig.js";
import { RecordBlock } from "./RecordBlock.js";
import { KafkaProtocolError } from "./wire/kafkaErrorCodes.js";
import { KafkaWireClient } from "./wire/KafkaWireClient.js";

/** The fetch path of dstream's own wire client: values stay in the fetch response, packed in a `RecordBlock`. */
export class WireFetchSource implements FetchSource<RecordBlock> {
  private readonly client: KafkaWireClient;

  constructor(config: KafkaClientConfig) {
    this.client = new KafkaWireClient(config);
  }

  newOutput(offsets: number): RecordBlock {
    return new RecordBlock(offsets);
  }

  async topicPartitions(topic: string, refresh: boolean): Promise<{ partitionsCount: number; leader(partition: number): PartitionLeader } | undefined> {
    const md = await this.client.topic(topic, refresh);
    if (!md) return undefined;
    const partitionsCount = md.partitions.length;
    return {
      partitionsCount,
      leader: (partition) => {
        const p = md.partitions[partition]!;
        if (p.errorCode !== 0) throw new KafkaProtocolError(p.errorCode, `Metadata of ${topic}-${partition}`);
        return { partitionsCount, leader: p.leader, leaderEpoch: p.leaderEpoch };
      },
    };
  }

  async fetchOnce(req: FetchOnceRequest, out: RecordBlock): Promise<FetchOnceResult | undefined> {
    const part = await this.client.fetch(req.leader.leader, {
      maxWaitMs: req.maxWaitMs,
      minBytes: 1,
      maxBytes: req.maxBytes,
      readCommitted: req.readCommitted,
      partition: { topic: req.tp.topic, partition: req.tp.partition, currentLeaderEpoch: req.leader.leaderEpoch, fetchOffset: req.position, partitionMaxBytes: req.partitionMaxBytes },
    });
    if (part.errorCode !== 0) throw new KafkaProtocolError(part.errorCode, `Fetch of ${req.where} at offset ${req.position}`);
    const [start, end] = part.records ?? [0, 0];
    const decoded = decodeRecordBatches(out, part.buffer, start, end, req.position, req.until, req.readCommitted ? (part.abortedTransactions ?? []) : null, req.where);
    return { ...decoded, logStartOffset: part.logStartOffset, highWatermark: part.highWatermark, lastStableOffset: part.lastStableOffset };
  }

  async earliestOffset(tp: TopicPartitionLike, leader: PartitionLeader | undefined): Promise<number> {
    const l = leader ?? (await this.topicPartitions(tp.topic, true))?.leader(tp.partition);
    if (!l) throw new KafkaException(`no earliest offset for ${tp.topic}-${tp.partition}: the topic is unknown`);
    return this.client.listOffset(l.leader, tp.topic, tp.partition, -2);
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
