import type { TopicPartitionLike } from "../TopicPartition.js";

/** What a fetch path reports of a partition's metadata. */
export interface PartitionLeader {
  readonly partitionsCount: number;
  readonly leader: number;
  readonly leaderEpoch: number;
}

export interface FetchOnceRequest {
  readonly tp: TopicPartitionLike;
  readonly position: number;
  readonly until: number;
  readonly leader: PartitionLeader;
  readonly readCommitted: boolean;
  readonly maxWaitMs: number;
  readonly maxBytes: number;
  readonly partitionMaxBytes: number;
  /** "topic-partition", for messages. */
  readonly where: string;
}

/** The partition's state after one fetch, and where the next read starts. */
export interface FetchOnceResult {
  readonly nextPosition: number;
  readonly logStartOffset: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  /** Bytes and offsets of the whole batches seen, to size the next fetch. */
  readonly bytes: number;
  readonly offsets: number;
}

/**
 * One way of sending a Fetch and decoding its answer into `Out`: dstream's own wire client into
 * packed `RecordBlock`s, or the client library (for SASL) into records. `KafkaConsumerClient`
 * runs the same waiting and retrying over either. Failures are thrown as errors that
 * `classifyClientError` reads.
 */
export interface FetchSource<Out> {
  /** An empty output for a range of `offsets` offsets (an upper bound on its records). */
  newOutput(offsets: number): Out;
  /** The partition's leader, or undefined when the topic is unknown; `partitionsCount` tells a missing partition. */
  topicPartitions(topic: string, refresh: boolean): Promise<{ readonly partitionsCount: number; leader(partition: number): PartitionLeader } | undefined>;
  /** Undefined when the broker answered without the partition. */
  fetchOnce(req: FetchOnceRequest, out: Out): Promise<FetchOnceResult | undefined>;
  earliestOffset(tp: TopicPartitionLike, leader: PartitionLeader | undefined): Promise<number>;
  close(): Promise<void>;
}
