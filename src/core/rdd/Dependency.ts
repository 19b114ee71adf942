import type { RDD } from "./RDD.js";
import type { Partitioner } from "../partitioner/Partitioner.js";

/** A parent an RDD reads from. Narrow: each child partition reads a known few parent partitions in the same task. */
export abstract class Dependency {
  constructor(readonly rdd: RDD<unknown>) {}
}

export abstract class NarrowDependency extends Dependency {
  abstract getParents(partitionId: number): number[];
}

export class OneToOneDependency extends NarrowDependency {
  getParents(partitionId: number): number[] {
    return [partitionId];
  }
}

/** Union places each parent's partitions in one contiguous range of the child's. */
export class RangeDependency extends NarrowDependency {
  constructor(rdd: RDD<unknown>, readonly inStart: number, readonly outStart: number, readonly length: number) {
    super(rdd);
  }
  getParents(partitionId: number): number[] {
    return partitionId >= this.outStart && partitionId < this.outStart + this.length
      ? [partitionId - this.outStart + this.inStart]
      : [];
  }
}

/** Any other fixed mapping (coalesce, cartesian, zip). */
export class MappedDependency extends NarrowDependency {
  constructor(rdd: RDD<unknown>, private readonly mapping: (partitionId: number) => number[]) {
    super(rdd);
  }
  getParents(partitionId: number): number[] {
    return this.mapping(partitionId);
  }
}

/** How map-side and reduce-side combining build one value per key. */
export interface Aggregator<V, C> {
  createCombiner: (v: V) => C;
  mergeValue: (c: C, v: V) => C;
  mergeCombiners: (a: C, b: C) => C;
}

/** A stage boundary: the parent is written out by key, then read back grouped by partition. */
export class ShuffleDependency<K, V, C> extends Dependency {
  constructor(
    rdd: RDD<[K, V]>,
    readonly shuffleId: number,
    readonly partitioner: Partitioner,
    readonly aggregator: Aggregator<V, C> | undefined,
    readonly mapSideCombine: boolean,
  ) {
    super(rdd as RDD<unknown>);
    // Its map output lives as long as something can still read through this dependency.
    rdd.sc?.cleaner?.registerShuffleForCleanup(this, shuffleId);
  }
}
