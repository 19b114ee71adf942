import { RDD } from "../RDD.js";
import { ShuffledRDD } from "../ShuffledRDD.js";
import { CoGroupedRDD } from "../CoGroupedRDD.js";
import type { Aggregator } from "../Dependency.js";
import type { Fn } from "../elementOps.js";
import { Partitioner } from "../../partitioner/Partitioner.js";
import { HashPartitioner } from "../../partitioner/HashPartitioner.js";
import { SampledRangePartitioner } from "../../partitioner/SampledRangePartitioner.js";
import type { PartitionSketch } from "../../partitioner/RangePartitioner.js";
import { compareKeys } from "../../util/compareKeys.js";
import { copyValue } from "../../util/copyValue.js";
import { at, narrow } from "./transformations.js";
import { resolvePartitioner } from "./defaultPartitioner.js";
import { userFn, positiveInt } from "./userFunction.js";

type Pairs = RDD<[unknown, unknown]>;
const proto = RDD.prototype as unknown as Record<string, Function>;

proto.mapValues = function (this: Pairs, f: Fn) {
  return narrow(this, "mapValues", [userFn("mapValues", f)], undefined, true);
};
proto.flatMapValues = function (this: Pairs, f: Fn) {
  return narrow(this, "flatMapValues", [userFn("flatMapValues", f)], undefined, true);
};
proto.keys = function (this: Pairs) {
  return narrow(this, "keys", []);
};
proto.values = function (this: Pairs) {
  return narrow(this, "values", []);
};

/** Spark's combineByKeyWithClassTag: no shuffle when the data is already partitioned this way. */
function combine(rdd: Pairs, op: string, agg: Aggregator<unknown, unknown>, partitioner: Partitioner, mapSideCombine: boolean): RDD<[unknown, unknown]> {
  if (rdd.partitioner && rdd.partitioner.equals(partitioner)) {
    return narrow(rdd, "combineByKeyLocal", [agg.createCombiner, agg.mergeValue, agg.mergeCombiners], undefined, true, op);
  }
  return at(new ShuffledRDD(rdd, partitioner, { aggregator: agg, mapSideCombine }), op) as RDD<[unknown, unknown]>;
}

proto.combineByKey = function (this: Pairs, createCombiner: Fn, mergeValue: Fn, mergeCombiners: Fn, part?: number | Partitioner, mapSideCombine = true) {
  const agg = {
    createCombiner: userFn("combineByKey", createCombiner, "createCombiner function"),
    mergeValue: userFn("combineByKey", mergeValue, "mergeValue function"),
    mergeCombiners: userFn("combineByKey", mergeCombiners, "mergeCombiners function"),
  };
  return combine(this, "combineByKey", agg, resolvePartitioner("combineByKey", part, this), mapSideCombine);
};
proto.reduceByKey = function (this: Pairs, f: Fn, part?: number | Partitioner) {
  userFn("reduceByKey", f);
  const identity = (v: unknown) => v;
  return combine(this, "reduceByKey", { createCombiner: identity, mergeValue: f, mergeCombiners: f }, resolvePartitioner("reduceByKey", part, this), true);
};
proto.groupByKey = function (this: Pairs, part?: number | Partitioner) {
  // No map-side combine, as in Spark: it would not reduce the data and costs a hash map.
  const agg = {
    createCombiner: (v: unknown) => [v],
    mergeValue: (c: unknown[], v: unknown) => {
      c.push(v);
      return c;
    },
    mergeCombiners: (a: unknown[], b: unknown[]) => {
      for (const x of b) a.push(x);
      return a;
    },
  };
  return combine(this, "groupByKey", agg as Aggregator<unknown, unknown>, resolvePartitioner("groupByKey", part, this), false);
};
proto.aggregateByKey = function (this: Pairs, zeroValue: unknown, seqOp: Fn, combOp: Fn, part?: number | Partitioner) {
  userFn("aggregateByKey", seqOp, "seqOp function");
  userFn("aggregateByKey", combOp, "combOp function");
  // Each key starts from its own copy of the zero value, as Spark deserializes one per key.
  const createCombiner = (v: unknown) => seqOp(copyValue(zeroValue), v);
  return combine(this, "aggregateByKey", { createCombiner, mergeValue: seqOp, mergeCombiners: combOp }, resolvePartitioner("aggregateByKey", part, this), true);
};
proto.foldByKey = function (this: Pairs, zeroValue: unknown, f: Fn, part?: number | Partitioner) {
  userFn("foldByKey", f);
  const createCombiner = (v: unknown) => f(copyValue(zeroValue), v);
  return combine(this, "foldByKey", { createCombiner, mergeValue: f, mergeCombiners: f }, resolvePartitioner("foldByKey", part, this), true);
};
proto.partitionBy = function (this: Pairs, part: Partitioner | number) {
  const p = part instanceof Partitioner ? part : new HashPartitioner(positiveInt("partitionBy", "numPartitions", part));
  if (this.partitioner && this.partitioner.equals(p)) return this;
  return at(new ShuffledRDD(this, p), "partitionBy");
};

function rangePartitioner(rdd: Pairs, partitions: number, ascending: boolean, keyfunc?: Fn): SampledRangePartitioner<unknown> {
  const ordering = keyfunc ? (a: unknown, b: unknown) => compareByKey(keyfunc, a, b) : undefined;
  return new SampledRangePartitioner(partitions, ascending, async (sampleSizeFor) => {
    // The parent's partition count may itself come from a sampling job (a sort of a sort).
    await rdd.sc.prepareLineage(rdd as RDD<unknown>);
    const perPartition = sampleSizeFor(rdd.getNumPartitions());
    // Spark seeds each partition's reservoir from the RDD id and the partition index.
    return rdd.sc.runJob<PartitionSketch<unknown>>(rdd as RDD<unknown>, { name: "sampleKeys", args: [perPartition, rdd.id] });
  }, ordering);
}

function compareByKey(keyfunc: Fn, a: unknown, b: unknown): number {
  return compareKeys(keyfunc(a), keyfunc(b));
}

proto.sortByKey = function (this: Pairs, ascending = true, numPartitions?: number, keyfunc?: Fn) {
  const n = numPartitions === undefined ? this.getNumPartitions() : positiveInt("sortByKey", "numPartitions", numPartitions);
  if (keyfunc) userFn("sortByKey", keyfunc, "key function");
  const p = rangePartitioner(this, n, ascending, keyfunc);
  return at(new ShuffledRDD(this, p, { keyOrdering: { ascending, keyfunc } }), "sortByKey");
};
proto.repartitionAndSortWithinPartitions = function (this: Pairs, part: Partitioner | number, ascending = true) {
  const p = part instanceof Partitioner ? part : new HashPartitioner(positiveInt("repartitionAndSortWithinPartitions", "numPartitions", part));
  return at(new ShuffledRDD(this, p, { keyOrdering: { ascending } }), "repartitionAndSortWithinPartitions");
};

proto.cogroup = function (this: Pairs, other: Pairs, part?: number | Partitioner) {
  if (!(other instanceof RDD)) throw new TypeError(`cogroup: expected an RDD, got ${typeof other}`);
  const p = resolvePartitioner("cogroup", part, this, other);
  return at(new CoGroupedRDD<unknown>([this, other], p), "cogroup");
};

function joinWith(this: Pairs, op: string, other: Pairs, part: number | Partitioner | undefined, emit: Fn): RDD<unknown> {
  const p = resolvePartitioner(op, part, this, other);
  const grouped = at(new CoGroupedRDD<unknown>([this, other], p), op);
  return narrow(grouped, "flatMapValues", [emit], undefined, true, op);
}

proto.join = function (this: Pairs, other: Pairs, part?: number | Partitioner) {
  return joinWith.call(this, "join", other, part, ([vs, ws]: [unknown[], unknown[]]) => {
    const out: unknown[] = [];
    for (const v of vs) for (const w of ws) out.push([v, w]);
    return out;
  });
};
proto.leftOuterJoin = function (this: Pairs, other: Pairs, part?: number | Partitioner) {
  return joinWith.call(this, "leftOuterJoin", other, part, ([vs, ws]: [unknown[], unknown[]]) => {
    const out: unknown[] = [];
    for (const v of vs) {
      if (ws.length === 0) out.push([v, undefined]);
      else for (const w of ws) out.push([v, w]);
    }
    return out;
  });
};
proto.rightOuterJoin = function (this: Pairs, other: Pairs, part?: number | Partitioner) {
  return joinWith.call(this, "rightOuterJoin", other, part, ([vs, ws]: [unknown[], unknown[]]) => {
    const out: unknown[] = [];
    for (const w of ws) {
      if (vs.length === 0) out.push([undefined, w]);
      else for (const v of vs) out.push([v, w]);
    }
    return out;
  });
};
proto.fullOuterJoin = function (this: Pairs, other: Pairs, part?: number | Partitioner) {
  return joinWith.call(this, "fullOuterJoin", other, part, ([vs, ws]: [unknown[], unknown[]]) => {
    const out: unknown[] = [];
    if (vs.length === 0) for (const w of ws) out.push([undefined, w]);
    else if (ws.length === 0) for (const v of vs) out.push([v, undefined]);
    else for (const v of vs) for (const w of ws) out.push([v, w]);
    return out;
  });
};
proto.subtractByKey = function (this: Pairs, other: Pairs, numPartitions?: number) {
  const p = numPartitions !== undefined ? new HashPartitioner(positiveInt("subtractByKey", "numPartitions", numPartitions)) : (this.partitioner ?? new HashPartitioner(this.getNumPartitions()));
  const grouped = at(new CoGroupedRDD<unknown>([this, other], p), "subtractByKey");
  return narrow(grouped, "flatMap", [([k, [vs, ws]]: [unknown, [unknown[], unknown[]]]) => (ws.length > 0 ? [] : vs.map((v) => [k, v]))], undefined, true, "subtractByKey");
};

