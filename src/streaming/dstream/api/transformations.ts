import type { RDD } from "../../../core/rdd/RDD.js";
import { userFn, positiveInt } from "../../../core/rdd/api/userFunction.js";
import type { Time } from "../../Time.js";
import { DStream } from "../DStream.js";
import { MappedDStream } from "../MappedDStream.js";
import { TransformedDStream } from "../TransformedDStream.js";
import { UnionDStream } from "../UnionDStream.js";
import { at, checkStream, proto, type AnyStream } from "./streamOps.js";

type Fn = (...args: never[]) => unknown;
type AnyRDD = RDD<unknown>;

function mapped(parent: AnyStream, op: string, kind: string, f: (rdd: AnyRDD, time: Time) => AnyRDD): AnyStream {
  return at(new MappedDStream(parent, f, kind), op);
}

proto.map = function (this: AnyStream, f: Fn) {
  userFn("map", f);
  return mapped(this, "map", "MappedDStream", (rdd) => rdd.map(f as (x: unknown) => unknown));
};
proto.flatMap = function (this: AnyStream, f: Fn) {
  userFn("flatMap", f);
  return mapped(this, "flatMap", "FlatMappedDStream", (rdd) => rdd.flatMap(f as (x: unknown) => Iterable<unknown>));
};
proto.filter = function (this: AnyStream, f: Fn) {
  userFn("filter", f);
  return mapped(this, "filter", "FilteredDStream", (rdd) => rdd.filter(f as (x: unknown) => boolean));
};
proto.mapPartitions = function (this: AnyStream, f: Fn, preservePartitioning = false) {
  userFn("mapPartitions", f);
  return mapped(this, "mapPartitions", "MapPartitionedDStream", (rdd) =>
    rdd.mapPartitions(f as (it: IterableIterator<unknown>) => Iterable<unknown>, preservePartitioning),
  );
};
proto.glom = function (this: AnyStream) {
  return mapped(this, "glom", "GlommedDStream", (rdd) => rdd.glom() as AnyRDD);
};

proto.transform = function (this: AnyStream, f: Fn) {
  userFn("transform", f);
  const g = f as (rdd: AnyRDD, time: Time) => AnyRDD;
  return at(new TransformedDStream([this], (rdds, time) => g(rdds[0]!, time)), "transform");
};
proto.transformWith = function (this: AnyStream, a: unknown, b: unknown) {
  // Scala's order is (other, func); PySpark's is (func, other).
  const [other, f] = typeof a === "function" ? [b, a as Fn] : [a, b as Fn];
  const o = checkStream("transformWith", other);
  userFn("transformWith", f);
  const g = f as (x: AnyRDD, y: AnyRDD, time: Time) => AnyRDD;
  return at(new TransformedDStream([this, o], (rdds, time) => g(rdds[0]!, rdds[1]!, time)), "transformWith");
};
proto.repartition = function (this: AnyStream, numPartitions: number) {
  positiveInt("repartition", "numPartitions", numPartitions);
  return at(new TransformedDStream([this], (rdds) => rdds[0]!.repartition(numPartitions)), "repartition");
};
proto.union = function (this: AnyStream, that: AnyStream) {
  checkStream("union", that);
  return at(new UnionDStream([this, that]), "union");
};

proto.count = function (this: AnyStream) {
  // Spark adds a (null, 0) record so that an empty batch counts 0 instead of producing nothing.
  const ones = this.map(() => [null, 1] as [null, number]);
  const withZero = at(
    new TransformedDStream([ones as AnyStream], (rdds) => rdds[0]!.union(this.context.sparkContext.parallelize([[null, 0]], 1))),
    "count",
  ) as DStream<[null, number]>;
  return withZero.reduceByKey((a, b) => a + b).map((kv) => kv[1]);
};
proto.countByValue = function (this: AnyStream, numPartitions?: number) {
  const n = numPartitions ?? this.context.sparkContext.defaultParallelism;
  return this.map((x) => [x, 1] as [unknown, number]).reduceByKey((a, b) => a + b, n);
};
proto.reduce = function (this: AnyStream, f: Fn) {
  userFn("reduce", f);
  const g = f as (a: unknown, b: unknown) => unknown;
  return this.map((x) => [null, x] as [null, unknown])
    .reduceByKey(g, 1)
    .map((kv) => kv[1]);
};
