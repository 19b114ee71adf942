import { RDD } from "../RDD.js";
import { MapPartitionsRDD } from "../MapPartitionsRDD.js";
import { UnionRDD } from "../UnionRDD.js";
import { callSite } from "../callSite.js";
import type { Fn } from "../elementOps.js";
import { userFn, positiveInt } from "./userFunction.js";
import { defaultPartitioner } from "./defaultPartitioner.js";

type Any = RDD<unknown>;

/** Tags a new RDD with the user's line, for toDebugString and the UI. */
export function at<R extends RDD<unknown>>(rdd: R, op: string): R {
  rdd.creationSite = callSite(op);
  return rdd;
}

export function narrow<U>(parent: Any, op: string, fns: Fn[], params?: unknown, preservesPartitioning = false, name = op): RDD<U> {
  return at(new MapPartitionsRDD<U, unknown>(parent, op, fns, params, preservesPartitioning), name) as unknown as RDD<U>;
}

const proto = RDD.prototype as unknown as Record<string, Function>;

proto.map = function (this: Any, f: Fn) {
  return narrow(this, "map", [userFn("map", f)]);
};
proto.flatMap = function (this: Any, f: Fn) {
  return narrow(this, "flatMap", [userFn("flatMap", f)]);
};
proto.filter = function (this: Any, f: Fn) {
  return narrow(this, "filter", [userFn("filter", f)], undefined, true);
};
proto.mapPartitions = function (this: Any, f: Fn, preservesPartitioning = false) {
  return narrow(this, "mapPartitions", [userFn("mapPartitions", f)], undefined, preservesPartitioning);
};
proto.mapPartitionsWithIndex = function (this: Any, f: Fn, preservesPartitioning = false) {
  return narrow(this, "mapPartitionsWithIndex", [userFn("mapPartitionsWithIndex", f)], undefined, preservesPartitioning);
};
proto.glom = function (this: Any) {
  return narrow(this, "glom", []);
};
proto.keyBy = function (this: Any, f: Fn) {
  return narrow(this, "keyBy", [userFn("keyBy", f)]);
};
proto.union = function (this: Any, other: Any) {
  if (!(other instanceof RDD)) throw new TypeError(`union: expected an RDD, got ${typeof other}`);
  return at(new UnionRDD(this.sc, [this, other]), "union");
};
proto.distinct = function (this: Any, numPartitions?: number) {
  const n = numPartitions === undefined ? this.getNumPartitions() : positiveInt("distinct", "numPartitions", numPartitions);
  // Spark: map(x => (x, null)).reduceByKey((x, _) => x, numPartitions).map(_._1)
  return this.map((x) => [x, null] as [unknown, null])
    .reduceByKey((a) => a, n)
    .keys();
};
proto.groupBy = function (this: Any, f: Fn, numPartitions?: number) {
  // Spark: groupBy(f, defaultPartitioner(this)), decided on this (un-keyed) RDD.
  return this.keyBy(userFn("groupBy", f)).groupByKey(numPartitions ?? defaultPartitioner(this));
};
proto.intersection = function (this: Any, other: Any, numPartitions?: number) {
  // Without a count, the cogroup's default partitioner decides (spark.default.parallelism, else the larger side).
  return this.map((v) => [v, null] as [unknown, null])
    .cogroup(other.map((v) => [v, null] as [unknown, null]), numPartitions)
    .filter(([, [a, b]]) => a.length > 0 && b.length > 0)
    .keys();
};
proto.subtract = function (this: Any, other: Any, numPartitions?: number) {
  const n = numPartitions ?? this.getNumPartitions();
  return this.map((x) => [x, null] as [unknown, null])
    .subtractByKey(other.map((x) => [x, null] as [unknown, null]), n)
    .keys();
};
proto.sortBy = function (this: Any, f: Fn, ascending = true, numPartitions?: number) {
  return this.keyBy(userFn("sortBy", f)).sortByKey(ascending, numPartitions).values();
};
