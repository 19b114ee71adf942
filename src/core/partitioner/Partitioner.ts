/**
 * Spark's `Partitioner`: maps each key of a pair RDD to a partition id in
 * [0, numPartitions). Shuffles, co-partitioning checks (`equals`) and worker threads (via
 * `toDescriptor`, since class instances do not survive structured cloning) all go through it.
 */

/** The plain-data form of a `HashPartitioner`. */
export interface HashPartitionerDescriptor {
  readonly kind: "hash";
  readonly numPartitions: number;
}

/** The plain-data form of a `RangePartitioner`. */
export interface RangePartitionerDescriptor {
  readonly kind: "range";
  /** Upper bounds of the first numPartitions - 1 partitions, in ordering order. */
  readonly rangeBounds: readonly unknown[];
  readonly ascending: boolean;
  /**
   * True when the partitioner was built with a user-supplied ordering: functions cannot be
   * cloned, so whoever rebuilds it must hand the ordering back to `partitionerFromDescriptor`.
   */
  readonly customOrdering: boolean;
}

/** Structured-clone-able description of a partitioner, rebuilt with `partitionerFromDescriptor`. */
export type PartitionerDescriptor = HashPartitionerDescriptor | RangePartitionerDescriptor;

export abstract class Partitioner {
  abstract get numPartitions(): number;

  /** Partition id of `key`, in [0, numPartitions). */
  abstract getPartition(key: unknown): number;

  /** True when `other` sends every key to the same partition, so a shuffle can be skipped. */
  abstract equals(other: unknown): boolean;

  /** Spark's `hashCode`, consistent with `equals`. */
  abstract hashCode(): number;

  /**
   * The data an executor needs to rebuild this partitioner, or undefined when it cannot be
   * rebuilt elsewhere (the default, for partitioners dstream does not know how to describe).
   */
  toDescriptor(): PartitionerDescriptor | undefined {
    return undefined;
  }
}
