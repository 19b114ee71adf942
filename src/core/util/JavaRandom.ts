/**
 * `java.util.Random`, bit-for-bit: the same seed yields the same sequence as on the JVM, so
 * code ported from Spark that draws from `new Random(seed)` (e.g. `repartition`'s start
 * position, `new Random(byteswap32(index)).nextInt(numPartitions)`) lands where Spark does.
 *
 * The 48-bit LCG state is kept as two 24-bit halves in doubles: every intermediate product
 * stays below 2^53, so the arithmetic is exact without BigInt on the hot path.
 * Subclasses replace the generator by overriding `next(bits)`, as in Java.
 */
import { IllegalArgumentException } from "../errors.js";

const TWO_24 = 16777216;
const MULTIPLIER = 0x5deece66dn;
// The multiplier split at bit 24.
const MUL_HI = 0x5de;
const MUL_LO = 0xece66d;
const ADDEND = 0xb;
const DOUBLE_UNIT = 2 ** -53;
const FLOAT_UNIT = 2 ** -24;
const TWO_27 = 134217728;
const TWO_31 = 2147483648;

// 2^(48 - bits): dividing the state by it is Java's `seed >>> (48 - bits)`.
const SHIFT_DIVISORS: number[] = [];
for (let bits = 0; bits <= 32; bits++) SHIFT_DIVISORS.push(2 ** (48 - bits));

/** A JVM long seed as JS accepts it: a safe integer or a bigint (wrapped to 64 bits). */
export type LongSeed = number | bigint;

export function toLong(seed: LongSeed): bigint {
  if (typeof seed === "bigint") return BigInt.asIntN(64, seed);
  if (!Number.isSafeInteger(seed)) {
    throw new IllegalArgumentException(`seed must be a safe integer or a bigint, got ${seed}`);
  }
  return BigInt(seed);
}

export class JavaRandom {
  private hi = 0;
  private lo = 0;
  private nextNextGaussian = 0;
  private haveNextNextGaussian = false;

  constructor(seed: LongSeed) {
    this.scramble(seed);
  }

  /** Reseeds like `Random.setSeed`, which also forgets a pending Gaussian. */
  setSeed(seed: LongSeed): void {
    this.scramble(seed);
    this.haveNextNextGaussian = false;
  }

  /** The generator step: up to 32 pseudo-random bits as an int32, like `Random.next`. */
  protected next(bits: number): number {
    const lo = this.lo;
    const pLo = lo * MUL_LO + ADDEND;
    const carry = Math.floor(pLo / TWO_24);
    const newLo = pLo - carry * TWO_24;
    const newHi = (this.hi * MUL_LO + lo * MUL_HI + carry) % TWO_24;
    this.hi = newHi;
    this.lo = newLo;
    return Math.floor((newHi * TWO_24 + newLo) / SHIFT_DIVISORS[bits]!) | 0;
  }

  /** `nextInt()` (any int32) or `nextInt(bound)` (uniform in [0, bound)). */
  nextInt(bound?: number): number {
    if (bound === undefined) return this.next(32);
    if (!(bound > 0) || (bound | 0) !== bound) {
      throw new IllegalArgumentException("bound must be positive");
    }
    let r = this.next(31);
    const m = bound - 1;
    if ((bound & m) === 0) {
      // Power of two: take the high bits, exactly `(int)((bound * (long)r) >> 31)`.
      return Math.floor((bound * r) / TWO_31);
    }
    // Rejects the values that would bias the modulus; the int32 overflow is the test.
    for (let u = r; ((u - (r = u % bound) + m) | 0) < 0; u = this.next(31));
    return r;
  }

  /** `nextLong()`; a bigint because a JVM long does not fit a double. */
  nextLong(): bigint {
    const high = BigInt(this.next(32));
    const low = BigInt(this.next(32));
    return BigInt.asIntN(64, (high << 32n) + low);
  }

  nextBoolean(): boolean {
    return this.next(1) !== 0;
  }

  nextFloat(): number {
    return this.next(24) * FLOAT_UNIT;
  }

  nextDouble(): number {
    const high = this.next(26);
    return (high * TWO_27 + this.next(27)) * DOUBLE_UNIT;
  }

  /** Marsaglia's polar method, caching the second deviate as Java does. */
  nextGaussian(): number {
    if (this.haveNextNextGaussian) {
      this.haveNextNextGaussian = false;
      return this.nextNextGaussian;
    }
    let v1: number;
    let v2: number;
    let s: number;
    do {
      v1 = 2 * this.nextDouble() - 1;
      v2 = 2 * this.nextDouble() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s === 0);
    const multiplier = Math.sqrt((-2 * Math.log(s)) / s);
    this.nextNextGaussian = v2 * multiplier;
    this.haveNextNextGaussian = true;
    return v1 * multiplier;
  }

  private scramble(seed: LongSeed): void {
    const s = BigInt.asUintN(48, toLong(seed) ^ MULTIPLIER);
    this.hi = Number(s >> 24n);
    this.lo = Number(s & 0xffffffn);
  }
}
