// zip, cartesian, coalesce/repartition, sampling, zipWithIndex/zipWithUniqueId and pipe, with Spark's semantics and messages.
import { RDD } from "../RDD.js";
import { ShuffledRDD } from "../ShuffledRDD.js";
import { ZippedPartitionsRDD2, ZippedWithIndexRDD } from "../ZippedPartitionsRDD.js";
import { CartesianRDD } from "../CartesianRDD.js";
import { CoalescedRDD, DistributePartitionRDD } from "../CoalescedRDD.js";
import { PartitionwiseSampledRDD, ROUNDING_EPSILON, javaDoubleString, randomSeed, type SamplerSpec } from "../samplingOps.js";
import { PipedRDD, tokenizeCommand } from "../pipeOp.js";
import { HashPartitioner } from "../../partitioner/HashPartitioner.js";
import { JavaRandom, type LongSeed } from "../../util/JavaRandom.js";
import { requireArg } from "../../errors.js";
import { logger } from "../../log.js";
import { at, narrow } from "./transformations.js";
import { describeValue } from "./userFunction.js";

type Any = RDD<unknown>;
const proto = RDD.prototype as unknown as Record<string, Function>;
const INT_MAX = 2147483647;

function requireRDD(op: string, other: unknown): asserts other is Any {
  if (!(other instanceof RDD)) throw new TypeError(`${op}: expected an RDD, got ${describeValue(other)}`);
}

function requireBoolean(op: string, name: string, v: unknown): asserts v is boolean {
  if (typeof v !== "boolean") throw new TypeError(`${op}: ${name} must be true or false, got ${describeValue(v)}`);
}

function requireNumber(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== "number") throw new TypeError(`${op}: ${name} must be a number, got ${describeValue(v)}`);
}

function requireInt(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new TypeError(`${op}: ${name} must be an integer, got ${describeValue(v)}`);
}

function seedOf(op: string, seed: unknown): LongSeed {
  if (seed === undefined) return randomSeed();
  if (typeof seed === "bigint" || (typeof seed === "number" && Number.isSafeInteger(seed))) return seed;
  throw new TypeError(`${op}: seed must be an integer (a safe integer or a bigint), got ${describeValue(seed)}`);
}

proto.zip = function (this: Any, other: unknown) {
  requireRDD("zip", other);
  return at(new ZippedPartitionsRDD2(this, other), "zip");
};

proto.cartesian = function (this: Any, other: unknown) {
  requireRDD("cartesian", other);
  return at(new CartesianRDD(this, other), "cartesian");
};

function coalesce(rdd: Any, op: string, numPartitions: unknown, shuffle: boolean): Any {
  requireInt(op, "numPartitions", numPartitions);
  requireArg(numPartitions > 0, `Number of partitions (${numPartitions}) must be positive.`);
  if (!shuffle) return at(new CoalescedRDD(rdd, numPartitions), op);
  // Spark's four RDDs: distribute (keyed by position) → hash shuffle → 1:1 coalesce → values.
  const keyed = at(new DistributePartitionRDD(rdd, numPartitions), op);
  const shuffled = at(new ShuffledRDD<number, unknown, unknown>(keyed, new HashPartitioner(numPartitions)), op);
  const coalesced = at(new CoalescedRDD(shuffled, numPartitions), op);
  return narrow(coalesced as Any, "values", [], undefined, false, op);
}

proto.coalesce = function (this: Any, numPartitions: unknown, shuffle: unknown = false) {
  requireBoolean("coalesce", "shuffle", shuffle);
  return coalesce(this, "coalesce", numPartitions, shuffle);
};

proto.repartition = function (this: Any, numPartitions: unknown) {
  return coalesce(this, "repartition", numPartitions, true);
};

proto.sample = function (this: Any, withReplacement: unknown, fraction: unknown, seed?: unknown) {
  requireBoolean("sample", "withReplacement", withReplacement);
  requireNumber("sample", "fraction", fraction);
  requireArg(fraction >= 0, `Fraction must be nonnegative, but got ${javaDoubleString(fraction)}`);
  if (!withReplacement) {
    requireArg(
      fraction >= -ROUNDING_EPSILON && fraction <= 1 + ROUNDING_EPSILON,
      `Sampling fraction (${javaDoubleString(fraction)}) must be on interval [0, 1]`,
    );
  }
  const spec: SamplerSpec = withReplacement ? { kind: "poisson", fraction } : { kind: "bernoulli", fraction };
  return at(new PartitionwiseSampledRDD(this, spec, seedOf("sample", seed)), "sample");
};

proto.randomSplit = function (this: Any, weights: unknown, seed?: unknown) {
  if (!Array.isArray(weights) || weights.some((w) => typeof w !== "number")) {
    throw new TypeError(`randomSplit: weights must be an array of numbers, got ${describeValue(weights)}`);
  }
  const ws = weights as number[];
  const shown = `[${ws.map(javaDoubleString).join(",")}]`;
  requireArg(ws.every((w) => w >= 0), `Weights must be nonnegative, but got ${shown}`);
  const sum = ws.reduce((a, b) => a + b, 0);
  requireArg(sum > 0, `Sum of weights must be positive, but got ${shown}`);
  const s = seedOf("randomSplit", seed);
  // Every split draws the same numbers per element, so the splits are disjoint and cover the input.
  const bounds = [0];
  for (const w of ws) bounds.push(bounds[bounds.length - 1]! + w / sum);
  return ws.map((_, j) => at(new PartitionwiseSampledRDD(this, { kind: "cell", lb: bounds[j]!, ub: bounds[j + 1]! }, s), "randomSplit"));
};

/** Spark's SamplingUtils.computeFractionForSampleSize: a fraction that yields `num` with high probability. */
function fractionForSampleSize(num: number, total: number, withReplacement: boolean): number {
  if (withReplacement) {
    const numStd = num < 6 ? 12 : num < 16 ? 9 : 6;
    return Math.max(num + numStd * Math.sqrt(num), 1e-10) / total;
  }
  const fraction = num / total;
  const gamma = -Math.log(1e-4) / total;
  return Math.min(1, Math.max(1e-10, fraction + gamma + Math.sqrt(gamma * gamma + 2 * gamma * fraction)));
}

/** Spark's Utils.randomizeInPlace: a Fisher-Yates shuffle driven by java.util.Random. */
function randomizeInPlace<T>(arr: T[], rand: JavaRandom): T[] {
  for (let i = arr.length - 1; i >= 1; i--) {
    const j = rand.nextInt(i + 1);
    const tmp = arr[j]!;
    arr[j] = arr[i]!;
    arr[i] = tmp;
  }
  return arr;
}

proto.takeSample = async function (this: Any, withReplacement: unknown, num: unknown, seed?: unknown) {
  requireBoolean("takeSample", "withReplacement", withReplacement);
  requireInt("takeSample", "num", num);
  requireArg(num >= 0, "Negative number of elements requested");
  requireArg(num <= INT_MAX - Math.trunc(10 * Math.sqrt(INT_MAX)), "Cannot support a sample size > Int.MaxValue - 10.0 * math.sqrt(Int.MaxValue)");
  const rand = new JavaRandom(seedOf("takeSample", seed));
  if (num === 0) return [];
  const initialCount = await this.count();
  if (initialCount === 0) return [];
  if (!withReplacement && num >= initialCount) return randomizeInPlace(await this.collect(), rand);
  const fraction = fractionForSampleSize(num, initialCount, withReplacement);
  let samples = await this.sample(withReplacement, fraction, rand.nextInt()).collect();
  // The fraction overestimates, so this rarely repeats.
  for (let iter = 0; samples.length < num; iter++) {
    logger().warn(`Needed to re-sample due to insufficient sample size. Repeat #${iter}`);
    samples = await this.sample(withReplacement, fraction, rand.nextInt()).collect();
  }
  return randomizeInPlace(samples, rand).slice(0, num);
};

proto.zipWithIndex = function (this: Any) {
  return at(new ZippedWithIndexRDD(this, "index"), "zipWithIndex");
};

proto.zipWithUniqueId = function (this: Any) {
  return at(new ZippedWithIndexRDD(this, "uniqueId"), "zipWithUniqueId");
};

proto.pipe = function (this: Any, command: unknown, env: unknown = {}) {
  let argv: string[];
  if (typeof command === "string") argv = tokenizeCommand(command);
  else if (Array.isArray(command) && command.every((c) => typeof c === "string")) argv = [...(command as string[])];
  else throw new TypeError(`pipe: command must be a string or an array of strings, got ${describeValue(command)}`);
  if (argv.length === 0) throw new TypeError(`pipe: the command is empty; pass a program and its arguments, such as "grep -v x" or ["grep", "-v", "x"]`);
  if (typeof env !== "object" || env === null || Array.isArray(env) || Object.values(env).some((v) => typeof v !== "string")) {
    throw new TypeError(`pipe: env must be an object of string values, got ${describeValue(env)}`);
  }
  return at(new PipedRDD(this, argv, { ...(env as Record<string, string>) }), "pipe");
};
