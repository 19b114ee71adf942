/**
 * Spark's `SamplingUtils.reservoirSampleAndCount`: a uniform sample of at most `k` items from
 * a single pass over `input`, plus the number of items seen. With the same seed and input it
 * picks the same items as Spark, which is what makes RangePartitioner bounds reproducible.
 */
import type { LongSeed } from "./JavaRandom.js";
import { XORShiftRandom } from "./XORShiftRandom.js";

/** `[sample, count]`, like Spark's `(Array[T], Long)`: count is every item consumed. */
export type ReservoirSample<T> = [sample: T[], count: number];

export function reservoirSampleAndCount<T>(
  input: Iterable<T>,
  k: number,
  seed: LongSeed,
): ReservoirSample<T> {
  const reservoir: T[] = [];
  const it = input[Symbol.iterator]();
  while (reservoir.length < k) {
    const r = it.next();
    if (r.done === true) return [reservoir, reservoir.length];
    reservoir.push(r.value);
  }
  // Seeded only once the reservoir is full, as in Spark: small inputs never touch the RNG.
  let l = reservoir.length;
  const rand = new XORShiftRandom(seed);
  for (let r = it.next(); r.done !== true; r = it.next()) {
    l += 1;
    // The l-th item replaces a random slot with probability k/l.
    const replacementIndex = Math.floor(rand.nextDouble() * l);
    if (replacementIndex < k) reservoir[replacementIndex] = r.value;
  }
  return [reservoir, l];
}
