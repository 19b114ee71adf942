/**
 * Spark's random samplers (`org.apache.spark.util.random.RandomSampler`), element for element:
 * the same seed picks the same elements as Spark 3.5 does, checked against the JVM classes.
 *
 * - Without replacement: BernoulliSampler (gap sampling up to fraction 0.4, else one draw per
 *   element) on XORShiftRandom.
 * - With replacement: PoissonSampler (gap sampling on XORShiftRandom up to fraction 0.4, else
 *   commons-math3's PoissonDistribution on a Well19937c generator).
 * - randomSplit: BernoulliCellSampler, keeping an element when its draw falls in [lb, ub).
 *
 * One exception: a Poisson mean of 40 or more (sampling with replacement at fraction >= 40) uses
 * a sum of smaller Poisson draws, deterministic for a seed but not the JVM's sequence, because
 * commons-math switches to an algorithm built on its own exponential and Gaussian samplers.
 */
import { RDD } from "./RDD.js";
import { IndexedNarrowRDD } from "./ZippedPartitionsRDD.js";
import type { PlanArgs } from "../executor/plan.js";
import { JavaRandom, toLong, type LongSeed } from "../util/JavaRandom.js";
import { XORShiftRandom } from "../util/XORShiftRandom.js";

/** `RandomSampler.defaultMaxGapSamplingFraction`: above it, one draw per element is faster. */
const MAX_GAP_SAMPLING_FRACTION = 0.4;
/** `RandomSampler.rngEpsilon`: keeps log(u) finite in gap sampling. */
const RNG_EPSILON = 5e-11;
/** `RandomSampler.roundingEpsilon`: tolerated floating-point jitter in fraction arguments. */
export const ROUNDING_EPSILON = 1e-6;
const INT_MAX = 2147483647;

export type SamplerSpec =
  | { kind: "bernoulli"; fraction: number }
  | { kind: "poisson"; fraction: number }
  | { kind: "cell"; lb: number; ub: number };

/** Java's `Double.toString`, which Spark's messages interpolate: `1.0`, `-0.5`, `1.0E-4`. */
export function javaDoubleString(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes(".") ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Scala's `Double.toInt` for the non-negative values gap sampling produces: truncates, saturates. */
function toInt(x: number): number {
  return x >= INT_MAX ? INT_MAX : Math.trunc(x);
}

// ---- commons-math3 Well19937c, the generator behind PoissonDistribution

const WELL_R = 624;
const WELL_M1 = 70;
const WELL_M2 = 179;
const WELL_M3 = 449;
const iRm1 = new Int32Array(WELL_R);
const iRm2 = new Int32Array(WELL_R);
const i1 = new Int32Array(WELL_R);
const i2 = new Int32Array(WELL_R);
const i3 = new Int32Array(WELL_R);
for (let j = 0; j < WELL_R; j++) {
  iRm1[j] = (j + WELL_R - 1) % WELL_R;
  iRm2[j] = (j + WELL_R - 2) % WELL_R;
  i1[j] = (j + WELL_M1) % WELL_R;
  i2[j] = (j + WELL_M2) % WELL_R;
  i3[j] = (j + WELL_M3) % WELL_R;
}

/** `org.apache.commons.math3.random.Well19937c`, seeded by a long as `setSeed(long)` does. */
export class Well19937c {
  private readonly v = new Int32Array(WELL_R);
  private index = 0;

  constructor(seed: LongSeed) {
    const s = toLong(seed);
    const v = this.v;
    v[0] = Number(BigInt.asIntN(32, s >> 32n));
    v[1] = Number(BigInt.asIntN(32, s));
    for (let i = 2; i < WELL_R; i++) {
      const l = v[i - 2]!;
      v[i] = (Math.imul(1812433253, l ^ (l >> 30)) + i) | 0;
    }
  }

  private next(bits: number): number {
    const v = this.v;
    const index = this.index;
    const indexRm1 = iRm1[index]!;
    const indexRm2 = iRm2[index]!;
    const v0 = v[index]!;
    const vM1 = v[i1[index]!]!;
    const vM2 = v[i2[index]!]!;
    const vM3 = v[i3[index]!]!;
    const z0 = (0x80000000 & v[indexRm1]!) ^ (0x7fffffff & v[indexRm2]!);
    const z1 = v0 ^ (v0 << 25) ^ (vM1 ^ (vM1 >>> 27));
    const z2 = (vM2 >>> 9) ^ (vM3 ^ (vM3 >>> 1));
    const z3 = z1 ^ z2;
    let z4 = z0 ^ (z1 ^ (z1 << 9)) ^ (z2 ^ (z2 << 21)) ^ (z3 ^ (z3 >>> 21));
    v[index] = z3;
    v[indexRm1] = z4;
    v[indexRm2] = v[indexRm2]! & 0x80000000;
    this.index = indexRm1;
    // Matsumoto-Kurita tempering.
    z4 ^= (z4 << 7) & 0xe46e1700;
    z4 ^= (z4 << 15) & 0x9b868000;
    return z4 >>> (32 - bits);
  }

  /** `BitsStreamGenerator.nextDouble`: 52 random bits. */
  nextDouble(): number {
    return (this.next(26) * 67108864 + this.next(26)) * 2 ** -52;
  }
}

/** `PoissonDistribution.sample()` for means below 40: multiply uniforms until below e^-mean. */
function poissonSmallMean(rng: Well19937c, mean: number, p: number): number {
  let n = 0;
  let r = 1;
  while (n < 1000 * mean) {
    r *= rng.nextDouble();
    if (r >= p) n++;
    else return n;
  }
  return n;
}

function poissonDraw(rng: Well19937c, mean: number): () => number {
  if (mean < 40) {
    const p = Math.exp(-mean);
    return () => poissonSmallMean(rng, mean, p);
  }
  // A sum of independent Poisson(mean/k) draws is Poisson(mean): right distribution, not the JVM's draws.
  const k = Math.ceil(mean / 39);
  const part = mean / k;
  const p = Math.exp(-part);
  return () => {
    let n = 0;
    for (let i = 0; i < k; i++) n += poissonSmallMean(rng, part, p);
    return n;
  };
}

// ---- the samplers, as push-loop stages

type Sink<T> = (x: T) => void;

/** `BernoulliSampler(fraction)` after `setSeed(seed)`. */
function bernoulliSink<T>(fraction: number, seed: LongSeed, push: Sink<T>): Sink<T> {
  if (fraction <= 0) return () => undefined;
  if (fraction >= 1) return push;
  const rng = new XORShiftRandom(seed);
  if (fraction > MAX_GAP_SAMPLING_FRACTION) {
    return (x) => {
      if (rng.nextDouble() <= fraction) push(x);
    };
  }
  // GapSampling: skip a geometrically distributed number of elements between kept ones.
  const lnq = Math.log1p(-fraction);
  const advance = (): number => toInt(Math.log(Math.max(rng.nextDouble(), RNG_EPSILON)) / lnq);
  // Spark builds the gap sampler lazily, on the first element, so empty partitions draw nothing.
  let drop = -1;
  return (x) => {
    if (drop < 0) drop = advance();
    if (drop > 0) {
      drop--;
      return;
    }
    drop = advance();
    push(x);
  };
}

/** `PoissonSampler(fraction)` after `setSeed(seed)`: each element is emitted Poisson(fraction) times. */
function poissonSink<T>(fraction: number, seed: LongSeed, push: Sink<T>): Sink<T> {
  if (fraction <= 0) return () => undefined;
  if (fraction > MAX_GAP_SAMPLING_FRACTION) {
    const draw = poissonDraw(new Well19937c(seed), fraction);
    return (x) => {
      for (let c = draw(); c > 0; c--) push(x);
    };
  }
  // GapSamplingReplacement: skip elements drawn zero times, then draw a count conditioned on >= 1.
  const rng = new XORShiftRandom(seed);
  const q = Math.exp(-fraction);
  const advance = (): number => toInt(Math.log(Math.max(rng.nextDouble(), RNG_EPSILON)) / -fraction);
  const poissonGE1 = (): number => {
    let pp = q + (1 - q) * rng.nextDouble();
    let r = 1;
    pp *= rng.nextDouble();
    while (pp > q) {
      r++;
      pp *= rng.nextDouble();
    }
    return r;
  };
  let drop = -1;
  return (x) => {
    if (drop < 0) drop = advance();
    if (drop > 0) {
      drop--;
      return;
    }
    const r = poissonGE1();
    drop = advance();
    for (let c = r; c > 0; c--) push(x);
  };
}

/** `BernoulliCellSampler(lb, ub)` after `setSeed(seed)`; an empty range draws nothing. */
function cellSink<T>(lb: number, ub: number, seed: LongSeed, push: Sink<T>): Sink<T> {
  if (ub - lb <= 0) return () => undefined;
  const rng = new XORShiftRandom(seed);
  return (x) => {
    const u = rng.nextDouble();
    if (u >= lb && u < ub) push(x);
  };
}

export function samplerSink<T>(spec: SamplerSpec, seed: LongSeed, push: Sink<T>): Sink<T> {
  switch (spec.kind) {
    case "bernoulli":
      return bernoulliSink(spec.fraction, seed, push);
    case "poisson":
      return poissonSink(spec.fraction, seed, push);
    case "cell":
      return cellSink(spec.lb, spec.ub, seed, push);
  }
}

/**
 * Spark's PartitionwiseSampledRDD: one sampler per partition. `sample` seeds partition i with the
 * i-th `nextLong()` of `new java.util.Random(seed)`; randomSplit (a mapPartitionsWithIndex in
 * Spark) seeds it with `seed + i`. The partitioner is kept, as both do.
 */
export class PartitionwiseSampledRDD<T> extends IndexedNarrowRDD<T, T> {
  static override planModule = import.meta.url;
  readonly sparkClassName: string;
  private readonly spec: SamplerSpec;
  /** Per-partition seeds as JVM longs; bigints cross to executor threads unchanged. */
  private readonly seeds: bigint[];

  constructor(prev: RDD<T>, spec: SamplerSpec, seed: LongSeed) {
    super(prev, true);
    this.spec = spec;
    const n = prev.getNumPartitions();
    const base = toLong(seed);
    if (spec.kind === "cell") {
      this.sparkClassName = "MapPartitionsRDD";
      this.seeds = Array.from({ length: n }, (_, i) => BigInt.asIntN(64, base + BigInt(i)));
    } else {
      this.sparkClassName = "PartitionwiseSampledRDD";
      const r = new JavaRandom(base);
      this.seeds = Array.from({ length: n }, () => r.nextLong());
    }
  }

  protected sinkFor(split: number, push: Sink<T>): Sink<T> {
    return samplerSink(this.spec, this.seeds[split]!, push);
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ spec: this.spec, seeds: this.seeds });
  }
}

/** A seed like Spark's default `Utils.random.nextLong`: any 64-bit value. */
export function randomSeed(): bigint {
  const hi = BigInt(Math.floor(Math.random() * 2 ** 32));
  const lo = BigInt(Math.floor(Math.random() * 2 ** 32));
  return BigInt.asIntN(64, (hi << 32n) | lo);
}
