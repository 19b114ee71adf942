import type { SparkConf } from "../../../core/SparkConf.js";
import { IllegalArgumentException } from "../../../core/errors.js";
import type { TopicPartition } from "../TopicPartition.js";

/**
 * Spark's `PerPartitionConfig`: settings that may differ per topic-partition, for the cases a
 * single Spark property cannot express. Subclass it and pass it to `createDirectStream`.
 */
export abstract class PerPartitionConfig {
  /** The most records per second to read from the partition; 0 means no limit. */
  abstract maxRatePerPartition(topicPartition: TopicPartition): number;

  /** The fewest records per batch-second to read when a rate limit applies (Spark's default 1). */
  minRatePerPartition(_topicPartition: TopicPartition): number {
    return 1;
  }
}

function longSetting(conf: SparkConf, key: string, dflt: number): number {
  const raw = conf.getOption(key);
  if (raw === undefined) return dflt;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new IllegalArgumentException(`${key} should be a non-negative whole number of records per second, but was ${raw}`);
  return n;
}

/** `spark.streaming.kafka.maxRatePerPartition` (0: none) and `spark.streaming.kafka.minRatePerPartition` (1) for every partition. */
export class DefaultPerPartitionConfig extends PerPartitionConfig {
  readonly maxRate: number;
  readonly minRate: number;

  constructor(conf: SparkConf) {
    super();
    this.maxRate = longSetting(conf, "spark.streaming.kafka.maxRatePerPartition", 0);
    this.minRate = longSetting(conf, "spark.streaming.kafka.minRatePerPartition", 1);
  }

  maxRatePerPartition(): number {
    return this.maxRate;
  }

  override minRatePerPartition(): number {
    return this.minRate;
  }
}
