/**
 * Spark's `org.apache.spark.util.random.XORShiftRandom`: Marsaglia's xorshift (21, 35, 4) on a
 * 64-bit state, plugged into `java.util.Random`'s derived methods (`nextInt(bound)`,
 * `nextDouble`, `nextGaussian`, …) through `next(bits)`, exactly as Spark subclasses
 * `java.util.Random`. Same seed, same sequence as Spark's samplers.
 *
 * The 64-bit state is two int32 words, so a step is a handful of 32-bit ops and allocates
 * nothing.
 */
import { JavaRandom, toLong, type LongSeed } from "./JavaRandom.js";
import { bytesHash } from "./scalaHashing.js";

/**
 * `XORShiftRandom.hashSeed`: MurmurHash3 of the seed's 8 big-endian bytes, then again seeded
 * with the first hash, to spread a small seed's bits over the whole 64-bit state. (Spark 1.x
 * hashed 64 bytes, `Long.SIZE` being in bits; current Spark hashes `Long.BYTES`.)
 */
export function hashSeed(seed: LongSeed): { hi: number; lo: number } {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, toLong(seed), false);
  const lowBits = bytesHash(bytes);
  const highBits = bytesHash(bytes, lowBits);
  return { hi: highBits, lo: lowBits };
}

export class XORShiftRandom extends JavaRandom {
  private seedHi = 0;
  private seedLo = 0;

  constructor(seed: LongSeed) {
    super(seed);
    this.setXorSeed(seed);
  }

  /** Like Spark's override, this does not reset the cached Gaussian. */
  override setSeed(seed: LongSeed): void {
    this.setXorSeed(seed);
  }

  protected override next(bits: number): number {
    let hi = this.seedHi;
    let lo = this.seedLo;
    // s ^= s << 21
    hi ^= (hi << 21) | (lo >>> 11);
    lo ^= lo << 21;
    // s ^= s >>> 35
    lo ^= hi >>> 3;
    // s ^= s << 4
    hi ^= (hi << 4) | (lo >>> 28);
    lo ^= lo << 4;
    this.seedHi = hi;
    this.seedLo = lo;
    // (int)(s & ((1L << bits) - 1))
    return bits === 32 ? lo | 0 : lo & ((1 << bits) - 1);
  }

  private setXorSeed(seed: LongSeed): void {
    const { hi, lo } = hashSeed(seed);
    this.seedHi = hi;
    this.seedLo = lo;
  }
}
