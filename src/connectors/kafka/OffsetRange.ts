import { IllegalArgumentException } from "../../core/errors.js";
import { TopicPartition } from "./TopicPartition.js";

/**
 * Spark's `OffsetRange`: the offsets [fromOffset, untilOffset) of one topic-partition, fixed
 * when a batch is defined. Offsets are numbers: Kafka's are 64-bit, but a log would need over
 * 2^53 records before one stopped being exact.
 */
export class OffsetRange {
  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly fromOffset: number,
    readonly untilOffset: number,
  ) {}

  static create(topic: string, partition: number, fromOffset: number, untilOffset: number): OffsetRange;
  static create(topicPartition: TopicPartition, fromOffset: number, untilOffset: number): OffsetRange;
  static create(a: string | TopicPartition, b: number, c: number, d?: number): OffsetRange {
    if (a instanceof TopicPartition) return OffsetRange.make(a.topic, a.partition, b, c);
    return OffsetRange.make(a, b, c, d as number);
  }

  /** Scala's companion `apply`, the same as `create`. */
  static apply(topic: string, partition: number, fromOffset: number, untilOffset: number): OffsetRange {
    return OffsetRange.make(topic, partition, fromOffset, untilOffset);
  }

  private static make(topic: string, partition: number, fromOffset: number, untilOffset: number): OffsetRange {
    if (typeof topic !== "string" || topic.length === 0) {
      throw new IllegalArgumentException(`OffsetRange: topic must be a non-empty string, got ${String(topic)}`);
    }
    checkInt("partition", partition);
    checkInt("fromOffset", fromOffset);
    checkInt("untilOffset", untilOffset);
    return new OffsetRange(topic, partition, fromOffset, untilOffset);
  }

  topicPartition(): TopicPartition {
    return new TopicPartition(this.topic, this.partition);
  }

  /** The number of offsets in the range; on a compacted or transactional topic some hold no record. */
  count(): number {
    return this.untilOffset - this.fromOffset;
  }

  equals(other: unknown): boolean {
    return (
      other instanceof OffsetRange &&
      other.topic === this.topic &&
      other.partition === this.partition &&
      other.fromOffset === this.fromOffset &&
      other.untilOffset === this.untilOffset
    );
  }

  toString(): string {
    return `OffsetRange(topic: '${this.topic}', partition: ${this.partition}, range: [${this.fromOffset} -> ${this.untilOffset}])`;
  }
}

function checkInt(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new IllegalArgumentException(`OffsetRange: ${name} must be a non-negative integer, got ${String(v)}`);
  }
}

/** Spark's `HasOffsetRanges`: an RDD (or batch) that knows which Kafka offsets it covers. */
export interface HasOffsetRanges {
  readonly offsetRanges: readonly OffsetRange[];
}

/** Whether `x` carries offset ranges, for `foreachRDD` bodies that receive a plain RDD type. */
export function hasOffsetRanges(x: unknown): x is HasOffsetRanges {
  return typeof x === "object" && x !== null && Array.isArray((x as { offsetRanges?: unknown }).offsetRanges);
}
