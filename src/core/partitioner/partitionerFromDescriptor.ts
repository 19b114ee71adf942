/**
 * Rebuilds a partitioner from its `toDescriptor()` form, e.g. inside a worker thread.
 * Kept apart from `Partitioner.ts` so that the base class does not import its subclasses
 * (an ESM import cycle would leave `Partitioner` uninitialised when they extend it).
 */
import { IllegalArgumentException } from "../errors.js";
import type { Ordering } from "../util/compareKeys.js";
import { HashPartitioner } from "./HashPartitioner.js";
import type { Partitioner, PartitionerDescriptor } from "./Partitioner.js";
import { RangePartitioner } from "./RangePartitioner.js";

export interface PartitionerRevivalOptions {
  /** The ordering a range partitioner was built with, required when it was a custom one. */
  readonly ordering?: Ordering<unknown>;
}

export function partitionerFromDescriptor(
  d: PartitionerDescriptor,
  options: PartitionerRevivalOptions = {},
): Partitioner {
  switch (d.kind) {
    case "hash":
      return new HashPartitioner(d.numPartitions);
    case "range":
      if (d.customOrdering && options.ordering === undefined) {
        throw new IllegalArgumentException(
          "This RangePartitioner was built with a custom ordering; pass it to partitionerFromDescriptor.",
        );
      }
      return new RangePartitioner<unknown>(d.rangeBounds, d.ascending, options.ordering);
  }
  throw new IllegalArgumentException(`Unknown partitioner kind: ${(d as { kind: unknown }).kind}`);
}
