/**
 * Reference values produced on the JVM by `jvm/JvmReference.java` (Java 17, Scala 2.13.14,
 * spark-core 3.5.1). Longs travel as decimal strings because JSON numbers are doubles.
 */
import { readFileSync } from "node:fs";

type Pair<A, B> = [A, B];

export interface RandomReference {
  kind: "java" | "xorshift";
  seed: string;
  nextInt: number[];
  nextIntBounded: Array<Pair<number, number>>;
  nextDouble: number[];
  nextLong: string[];
  nextFloat: number[];
  nextBoolean: boolean[];
  nextGaussian: number[];
}

export interface JvmReference {
  stringHash: Array<Pair<string, number>>;
  /** [value, Integer-or-Long hashCode, Long.hashCode, Scala ##] */
  longHash: Array<[string, number, number, number]>;
  /** [value, Double.hashCode, Scala ##] */
  doubleHash: Array<[number, number, number]>;
  specialDoubleHash: Record<"NaN" | "Infinity" | "-Infinity" | "-0", Pair<number, number>>;
  tupleHash: Array<Pair<unknown[], number>>;
  dateHash: Array<Pair<number, number>>;
  /** [unsigned bytes, Arrays.hashCode, MurmurHash3.bytesHash] */
  byteArrayHash: Array<[number[], number, number]>;
  mapHash: number;
  setHash: number;
  byteswap32: Array<Pair<number, number>>;
  /** [key, numPartitions, Spark's HashPartitioner partition] */
  hashPartition: Array<[unknown, number, number]>;
  random: RandomReference[];
  xorshiftHashSeed: Array<Pair<string, string>>;
  /** [partition index, numPartitions, start position] */
  repartitionStart: Array<[number, number, number]>;
  reservoir: Array<{ n: number; k: number; seed: number; sample: number[]; count: number }>;
  determineBounds: Array<{
    partitions: number;
    candidates: Array<Pair<string | number, number>>;
    bounds: Array<string | number>;
  }>;
  statCounter: Array<{ values: Array<number | "NaN">; toString: string; sampleStdev: string; sum: string }>;
  statCounterMerge: Array<{ parts: number[][]; count: number; mean: string; variance: string; toString: string }>;
  formatF: Array<Pair<number, string>>;
}

export const jvm: JvmReference = JSON.parse(
  readFileSync(new URL("./fixtures/jvm-reference.json", import.meta.url), "utf8"),
) as JvmReference;

/** Parses a Java `Double.toString` rendering, including NaN and the infinities. */
export function javaDouble(s: string): number {
  return Number(s);
}
