// toDebugString, printed exactly as Spark's RDD.toDebugString prints the lineage.
import { RDD } from "../RDD.js";
import { ShuffleDependency } from "../Dependency.js";
import { UnionRDD } from "../UnionRDD.js";
import { StorageLevel } from "../../storage/StorageLevel.js";

type Any = RDD<unknown>;
const proto = RDD.prototype as unknown as Record<string, Function>;

/**
 * The class name Spark would show. Some dstream classes serve several Spark classes (a union of
 * co-partitioned RDDs is Spark's PartitionerAwareUnionRDD; randomSplit and zipWithUniqueId are
 * MapPartitionsRDDs there), so an RDD may name itself with a `sparkClassName` field.
 */
export function sparkClassName(rdd: Any): string {
  const own = (rdd as unknown as { sparkClassName?: unknown }).sparkClassName;
  if (typeof own === "string") return own;
  if (rdd instanceof UnionRDD && rdd.partitioner !== undefined) return "PartitionerAwareUnionRDD";
  return rdd.constructor.name;
}

/** Spark's `RDD.toString`: "[name ]Class[id] at site". */
export function describeRDD(rdd: Any): string {
  return `${rdd.name ? rdd.name + " " : ""}${sparkClassName(rdd)}[${rdd.id}] at ${rdd.creationSite}`;
}

const UNITS: Array<[number, string]> = [
  [2 ** 60, "EiB"],
  [2 ** 50, "PiB"],
  [2 ** 40, "TiB"],
  [2 ** 30, "GiB"],
  [2 ** 20, "MiB"],
  [2 ** 10, "KiB"],
];

/** Spark's `Utils.bytesToString`: a unit is used from twice its size, one decimal, half up. */
export function bytesToString(size: number): string {
  for (const [unit, name] of UNITS) if (size >= 2 * unit) return `${(size / unit).toFixed(1)} ${name}`;
  return `${size.toFixed(1)} B`;
}

proto.toDebugString = function (this: Any): string {
  // Spark's quirk, kept: every line shows the storage level of the RDD toDebugString was called on.
  const persistence = this.storageLevel !== StorageLevel.NONE ? this.storageLevel.description() : "";

  const debugSelf = (rdd: Any): string[] => {
    const lines = [`${describeRDD(rdd)} [${persistence}]`];
    // Asked for every RDD, as Spark asks getRDDStorageInfo; it also fails on a stopped context.
    const blocks = rdd.sc.describeCachedBlocks(rdd.id);
    const memSize = blocks.reduce((n, b) => n + b.memSize, 0);
    const diskSize = blocks.reduce((n, b) => n + b.diskSize, 0);
    if (rdd.storageLevel !== StorageLevel.NONE && blocks.length > 0 && memSize + diskSize > 0) {
      lines.push(`    CachedPartitions: ${blocks.length}; MemorySize: ${bytesToString(memSize)}; DiskSize: ${bytesToString(diskSize)}`);
    }
    return lines;
  };

  const partitionPrefix = (rdd: Any): [string, string] => {
    const partitionStr = `(${rdd.getNumPartitions()})`;
    const leftOffset = Math.floor((partitionStr.length - 1) / 2);
    return [partitionStr, " ".repeat(leftOffset) + "|" + " ".repeat(partitionStr.length - leftOffset)];
  };

  const children = (rdd: Any, prefix: string): string[] => {
    const deps = rdd.dependencies();
    return deps.flatMap((d, i) => debugString(d.rdd, prefix, d instanceof ShuffleDependency, i === deps.length - 1));
  };

  const shuffleDebugString = (rdd: Any, prefix: string, isLastChild: boolean): string[] => {
    const [partitionStr, bar] = partitionPrefix(rdd);
    const thisPrefix = prefix.replace(/\|\s+$/, "");
    const nextPrefix = thisPrefix + (isLastChild ? "  " : "| ") + bar;
    const own = debugSelf(rdd).map((desc, i) => (i === 0 ? `${thisPrefix}+-${partitionStr} ${desc}` : `${nextPrefix}${desc}`));
    return [...own, ...children(rdd, nextPrefix)];
  };

  const debugString = (rdd: Any, prefix: string, isShuffle: boolean, isLastChild: boolean): string[] => {
    if (isShuffle) return shuffleDebugString(rdd, prefix, isLastChild);
    return [...debugSelf(rdd).map((desc) => prefix + desc), ...children(rdd, prefix)];
  };

  // The first RDD has no parent stage, so no "+-".
  const [partitionStr, nextPrefix] = partitionPrefix(this);
  const first = debugSelf(this).map((desc, i) => (i === 0 ? `${partitionStr} ${desc}` : `${nextPrefix} ${desc}`));
  return [...first, ...children(this, nextPrefix)].join("\n");
};
