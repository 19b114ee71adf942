import type { OffsetRange } from "../OffsetRange.js";
import type { TopicPartitionOffset } from "../client/KafkaAdminClient.js";

/**
 * Kafka's `OffsetCommitCallback`: told which offsets (each the next offset to read) were
 * committed, or why they were not. A function, or an object with `onComplete` as in Java.
 */
export type OffsetCommitCallback =
  | ((offsets: readonly TopicPartitionOffset[], exception: Error | undefined) => void)
  | { onComplete(offsets: readonly TopicPartitionOffset[], exception: Error | undefined): void };

/** Spark's `CanCommitOffsets`: a stream that can commit offset ranges to its consumer group. */
export interface CanCommitOffsets {
  /**
   * Queues the ranges for commit: for each partition, the largest `untilOffset` is committed to
   * the group when the next batch is generated. Call it after the batch's output has succeeded.
   * Only the most recently given callback is used.
   */
  commitAsync(offsetRanges: readonly OffsetRange[], callback?: OffsetCommitCallback): void;
}

export function callCommitCallback(cb: OffsetCommitCallback | undefined, offsets: readonly TopicPartitionOffset[], error: Error | undefined): void {
  if (cb === undefined) return;
  if (typeof cb === "function") cb(offsets, error);
  else cb.onComplete(offsets, error);
}
