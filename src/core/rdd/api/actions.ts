import { FileSystems } from "../../fs/FileSystems.js";
import { displayPath, joinPath, qualify } from "../../fs/fsPath.js";
import { RDD } from "../RDD.js";
import type { Fn } from "../elementOps.js";
import { callSite } from "../callSite.js";
import type { ResultOpCall } from "../../scheduler/resultOps.js";
import { KeyMap } from "../../util/KeyMap.js";
import { compareKeys, reverseOrdering } from "../../util/compareKeys.js";
import { copyValue } from "../../util/copyValue.js";
import { StatCounter, type StatCounterState } from "../../util/StatCounter.js";
import { SparkException, UnsupportedOperationException } from "../../errors.js";
import { userFn } from "./userFunction.js";
import { doCheckpoint } from "./persistence.js";
import { isOutputSpecValidationEnabled } from "../outputSpecValidation.js";

type Any = RDD<unknown>;
const proto = RDD.prototype as unknown as Record<string, Function>;

/** Runs an action, then writes any checkpoint the job's lineage asked for, as Spark does after a job. */
export async function runAction<R>(rdd: Any, op: ResultOpCall, name: string, partitions?: number[]): Promise<R[]> {
  const results = await rdd.sc.runJob<R>(rdd, op, partitions, callSite(name));
  await doCheckpoint(rdd);
  return results;
}

proto.collect = async function (this: Any) {
  const parts = await runAction<unknown[]>(this, { name: "collect", args: [] }, "collect");
  return parts.flat(1);
};
proto.count = async function (this: Any) {
  const parts = await runAction<number>(this, { name: "count", args: [] }, "count");
  return parts.reduce((a, b) => a + b, 0);
};

/** Spark's take: scan one partition, then scale up by spark.rdd.limit.scaleUpFactor until enough rows. */
proto.take = async function (this: Any, num: number) {
  if (typeof num !== "number" || !Number.isInteger(num)) throw new TypeError(`take: num must be an integer, got ${String(num)}`);
  const buf: unknown[] = [];
  await this.sc.prepareLineage(this);
  const total = this.getNumPartitions();
  const scaleUp = Math.max(this.sc.conf.getInt("spark.rdd.limit.scaleUpFactor", 4), 2);
  let scanned = 0;
  while (buf.length < num && scanned < total) {
    const left = num - buf.length;
    let tryParts = 1;
    if (scanned > 0) {
      // Spark 3.x: interpolate from the rows still missing, overestimating by 50%, capped.
      tryParts = buf.length === 0 ? scanned * scaleUp : Math.min(Math.ceil((1.5 * left * scanned) / buf.length), scanned * scaleUp);
    }
    const parts: number[] = [];
    for (let p = scanned; p < Math.min(scanned + tryParts, total); p++) parts.push(p);
    const res = await runAction<unknown[]>(this, { name: "take", args: [left] }, "take", parts);
    for (const r of res) for (const x of r) if (buf.length < num) buf.push(x);
    scanned += parts.length;
  }
  return buf;
};
proto.first = async function (this: Any) {
  const r = await this.take(1);
  if (r.length === 0) throw new UnsupportedOperationException("empty collection");
  return r[0];
};
proto.isEmpty = async function (this: Any) {
  await this.sc.prepareLineage(this);
  return this.getNumPartitions() === 0 || (await this.take(1)).length === 0;
};
proto.takeOrdered = async function (this: Any, num: number, ordering?: Fn) {
  if (ordering !== undefined) userFn("takeOrdered", ordering, "ordering function");
  if (num === 0) return [];
  const cmp = ordering ?? compareKeys;
  const parts = await runAction<unknown[]>(this, { name: "takeOrdered", args: [num, ordering] }, "takeOrdered");
  return parts.flat(1).sort(cmp).slice(0, num);
};
proto.top = async function (this: Any, num: number, ordering?: Fn) {
  if (ordering !== undefined) userFn("top", ordering, "ordering function");
  return this.takeOrdered(num, reverseOrdering(ordering ?? compareKeys));
};
proto.reduce = async function (this: Any, f: Fn) {
  userFn("reduce", f);
  const parts = await runAction<unknown[]>(this, { name: "reduce", args: [f] }, "reduce");
  const values = parts.filter((p) => p.length > 0).map((p) => p[0]);
  if (values.length === 0) throw new UnsupportedOperationException("empty collection");
  return values.reduce((a, b) => f(a, b));
};
proto.fold = async function (this: Any, zeroValue: unknown, f: Fn) {
  userFn("fold", f);
  const parts = await runAction<unknown>(this, { name: "fold", args: [zeroValue, f] }, "fold");
  let acc = copyValue(zeroValue);
  for (const p of parts) acc = f(acc, p);
  return acc;
};
proto.aggregate = async function (this: Any, zeroValue: unknown, seqOp: Fn, combOp: Fn) {
  userFn("aggregate", seqOp, "seqOp function");
  userFn("aggregate", combOp, "combOp function");
  const parts = await runAction<unknown>(this, { name: "aggregate", args: [zeroValue, seqOp] }, "aggregate");
  let acc = copyValue(zeroValue);
  for (const p of parts) acc = combOp(acc, p);
  return acc;
};
proto.countByValue = async function (this: Any) {
  const parts = await runAction<Array<[unknown, number]>>(this, { name: "countByValue", args: [] }, "countByValue");
  const m = new KeyMap<unknown, number>();
  for (const p of parts) for (const [k, c] of p) m.update(k, () => c, (x) => x + c);
  return new Map(m.entries());
};
proto.foreach = async function (this: Any, f: Fn) {
  await runAction(this, { name: "foreach", args: [userFn("foreach", f)] }, "foreach");
};
proto.foreachPartition = async function (this: Any, f: Fn) {
  await runAction(this, { name: "foreachPartition", args: [userFn("foreachPartition", f)] }, "foreachPartition");
};
proto.saveAsTextFile = async function (this: Any, path: string) {
  if (typeof path !== "string" || path.length === 0) throw new TypeError("saveAsTextFile: path must be a non-empty string");
  const dir = qualify(path);
  const fs = FileSystems.get(dir, "saveAsTextFile");
  if (fs.getFileStatus(dir) && isOutputSpecValidationEnabled(this.sc.conf)) {
    throw new SparkException(`Output directory ${displayPath(dir)} already exists. Remove it or choose another path (or set spark.hadoop.validateOutputSpecs to false).`);
  }
  fs.mkdirs(dir, "saveAsTextFile");
  await runAction(this, { name: "saveAsTextFile", args: [dir] }, "saveAsTextFile");
  fs.delete(joinPath(dir, "_temporary"), true);
  fs.create(joinPath(dir, "_SUCCESS"), new Uint8Array(0), true);
};

type Pairs = RDD<[unknown, unknown]>;
proto.countByKey = async function (this: Pairs) {
  const counts = await this.mapValues(() => 1).reduceByKey((a: number, b: number) => a + b).collect();
  return new Map(counts);
};
proto.collectAsMap = async function (this: Pairs) {
  // Keys are equal as in every key-value operation (tuples structurally); the last value wins.
  return new Map(new KeyMap(await this.collect()).entries());
};
proto.lookup = async function (this: Pairs, key: unknown) {
  const parts = this.partitioner ? [this.partitioner.getPartition(key)] : undefined;
  const res = await runAction<unknown[]>(this as Any, { name: "lookup", args: [key] }, "lookup", parts);
  return res.flat(1);
};

type Nums = RDD<number>;
async function stats(rdd: Nums): Promise<StatCounter> {
  const parts = await runAction<StatCounterState>(rdd as Any, { name: "stats", args: [] }, "stats");
  // Spark reduces the per-partition counters, so an RDD without partitions has no statistics.
  if (parts.length === 0) throw new UnsupportedOperationException("empty collection");
  const s = new StatCounter();
  for (const p of parts) s.merge(StatCounter.fromJSON(p));
  return s;
}
proto.stats = function (this: Nums) {
  return stats(this);
};
proto.sum = async function (this: Nums) {
  return this.fold(0, (a: number, b: number) => a + b);
};
proto.mean = async function (this: Nums) {
  return (await stats(this)).mean;
};
proto.variance = async function (this: Nums) {
  return (await stats(this)).variance;
};
proto.stdev = async function (this: Nums) {
  return (await stats(this)).stdev;
};
proto.sampleVariance = async function (this: Nums) {
  return (await stats(this)).sampleVariance;
};
proto.sampleStdev = async function (this: Nums) {
  return (await stats(this)).sampleStdev;
};
proto.max = async function (this: Any, ordering?: Fn) {
  const cmp = ordering ? userFn("max", ordering, "ordering function") : compareKeys;
  return this.reduce((a, b) => (cmp(a, b) >= 0 ? a : b));
};
proto.min = async function (this: Any, ordering?: Fn) {
  const cmp = ordering ? userFn("min", ordering, "ordering function") : compareKeys;
  return this.reduce((a, b) => (cmp(a, b) <= 0 ? a : b));
};
