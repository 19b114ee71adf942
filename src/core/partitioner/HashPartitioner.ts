/**
 * Spark's `HashPartitioner`: `nonNegativeMod(key.hashCode, numPartitions)`, with JVM-compatible
 * hash codes so keys land in the same partition index as in Spark.
 */
import { requireArg } from "../errors.js";
import { javaHashCode, nonNegativeMod } from "../util/javaHash.js";
import { Partitioner, type HashPartitionerDescriptor } from "./Partitioner.js";

export class HashPartitioner extends Partitioner {
  private readonly partitions: number;

  constructor(partitions: number) {
    super();
    requireArg(partitions >= 0, `Number of partitions (${partitions}) cannot be negative.`);
    requireArg(
      Number.isInteger(partitions) && partitions <= 2147483647,
      `Number of partitions (${partitions}) must be an int.`,
    );
    this.partitions = partitions;
  }

  get numPartitions(): number {
    return this.partitions;
  }

  /** `null` and `undefined` go to partition 0 without hashing, as Spark does for null. */
  getPartition(key: unknown): number {
    if (key === null || key === undefined) return 0;
    return nonNegativeMod(javaHashCode(key), this.partitions);
  }

  equals(other: unknown): boolean {
    return other instanceof HashPartitioner && other.partitions === this.partitions;
  }

  hashCode(): number {
    return this.partitions;
  }

  override toDescriptor(): HashPartitionerDescriptor {
    return { kind: "hash", numPartitions: this.partitions };
  }
}
