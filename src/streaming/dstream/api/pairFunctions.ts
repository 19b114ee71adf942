import type { RDD } from "../../../core/rdd/RDD.js";
import type { Partitioner } from "../../../core/partitioner/Partitioner.js";
import { userFn } from "../../../core/rdd/api/userFunction.js";
import { MappedDStream } from "../MappedDStream.js";
import { TransformedDStream } from "../TransformedDStream.js";
import { at, checkStream, proto, streamPartitioner, type AnyStream, type PairStream } from "./streamOps.js";

type Fn = (...args: never[]) => unknown;
type Pairs = RDD<[unknown, unknown]>;
type Partitions = number | Partitioner | undefined;

function perBatch(parent: PairStream, op: string, kind: string, f: (rdd: Pairs) => RDD<unknown>): AnyStream {
  return at(new MappedDStream(parent as AnyStream, (rdd) => f(rdd as Pairs), kind), op);
}

proto.mapValues = function (this: PairStream, f: Fn) {
  userFn("mapValues", f);
  return perBatch(this, "mapValues", "MapValuedDStream", (rdd) => rdd.mapValues(f as (v: unknown) => unknown));
};
proto.flatMapValues = function (this: PairStream, f: Fn) {
  userFn("flatMapValues", f);
  return perBatch(this, "flatMapValues", "FlatMapValuedDStream", (rdd) => rdd.flatMapValues(f as (v: unknown) => Iterable<unknown>));
};
proto.reduceByKey = function (this: PairStream, f: Fn, partitions?: Partitions) {
  userFn("reduceByKey", f);
  const p = streamPartitioner(this as AnyStream, "reduceByKey", partitions);
  return perBatch(this, "reduceByKey", "ShuffledDStream", (rdd) => rdd.reduceByKey(f as (a: unknown, b: unknown) => unknown, p));
};
proto.groupByKey = function (this: PairStream, partitions?: Partitions) {
  const p = streamPartitioner(this as AnyStream, "groupByKey", partitions);
  return perBatch(this, "groupByKey", "ShuffledDStream", (rdd) => rdd.groupByKey(p));
};
proto.combineByKey = function (this: PairStream, createCombiner: Fn, mergeValue: Fn, mergeCombiner: Fn, partitions?: Partitions, mapSideCombine = true) {
  userFn("combineByKey", createCombiner, "createCombiner function");
  userFn("combineByKey", mergeValue, "mergeValue function");
  userFn("combineByKey", mergeCombiner, "mergeCombiner function");
  const p = streamPartitioner(this as AnyStream, "combineByKey", partitions);
  type F1 = (v: unknown) => unknown;
  type F2 = (a: unknown, b: unknown) => unknown;
  return perBatch(this, "combineByKey", "ShuffledDStream", (rdd) =>
    rdd.combineByKey(createCombiner as F1, mergeValue as F2, mergeCombiner as F2, p, mapSideCombine),
  );
};

type JoinOp = "cogroup" | "join" | "leftOuterJoin" | "rightOuterJoin" | "fullOuterJoin";
function joinWith(op: JoinOp) {
  return function (this: PairStream, other: PairStream, partitions?: Partitions) {
    checkStream(op, other);
    const p = streamPartitioner(this as AnyStream, op, partitions);
    return at(
      new TransformedDStream([this as AnyStream, other as AnyStream], (rdds) => (rdds[0] as Pairs)[op](rdds[1] as Pairs, p) as RDD<unknown>),
      op,
    );
  };
}
for (const op of ["cogroup", "join", "leftOuterJoin", "rightOuterJoin", "fullOuterJoin"] as const) proto[op] = joinWith(op);
