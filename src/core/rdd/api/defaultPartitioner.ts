import type { RDD } from "../RDD.js";
import { Partitioner } from "../../partitioner/Partitioner.js";
import { HashPartitioner } from "../../partitioner/HashPartitioner.js";
import { positiveInt } from "./userFunction.js";

/**
 * Spark's `Partitioner.defaultPartitioner`: reuse the largest existing partitioner when it is
 * eligible (within 10x of the largest parent) or large enough; otherwise hash into
 * `spark.default.parallelism` partitions if set, else as many as the largest parent.
 */
export function defaultPartitioner(rdd: RDD<unknown>, ...others: Array<RDD<unknown>>): Partitioner {
  const rdds = [rdd, ...others];
  const withPartitioner = rdds.filter((r) => r.partitioner !== undefined && r.partitioner.numPartitions > 0);
  const maxParts = Math.max(...rdds.map((r) => r.getNumPartitions()));
  const defaultNum = rdd.sc.conf.contains("spark.default.parallelism") ? rdd.sc.defaultParallelism : maxParts;
  if (withPartitioner.length > 0) {
    const best = withPartitioner.reduce((a, b) => (b.getNumPartitions() > a.getNumPartitions() ? b : a));
    const eligible = Math.log10(maxParts) - Math.log10(best.getNumPartitions()) < 1;
    if (eligible || defaultNum <= best.getNumPartitions()) return best.partitioner!;
  }
  return new HashPartitioner(defaultNum);
}

/** The `numPartitions | partitioner` argument Spark's key-value operations accept. */
export function resolvePartitioner(op: string, arg: number | Partitioner | undefined, rdd: RDD<unknown>, ...others: Array<RDD<unknown>>): Partitioner {
  if (arg === undefined) return defaultPartitioner(rdd, ...others);
  if (arg instanceof Partitioner) return arg;
  return new HashPartitioner(positiveInt(op, "numPartitions", arg));
}
