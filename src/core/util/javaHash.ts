/**
 * JVM-compatible hash codes, so that `HashPartitioner` sends a key to the same partition
 * index Spark would, and so that results (e.g. the order of `groupByKey` output within a
 * partition) look like Spark's.
 *
 * Mapping from JS values to their JVM twins:
 *
 * | JS value                          | JVM twin                | hash                              |
 * |-----------------------------------|-------------------------|-----------------------------------|
 * | string                            | java.lang.String        | `String.hashCode` (UTF-16 units)  |
 * | integer in int32 range (and -0)   | java.lang.Integer       | the value                         |
 * | other safe integer                | java.lang.Long          | `Long.hashCode`                   |
 * | any other number (incl. NaN, ±∞)  | java.lang.Double        | `Double.hashCode` (NaN canonical) |
 * | bigint                            | java.lang.Long          | `Long.hashCode` of low 64 bits    |
 * | boolean                           | java.lang.Boolean       | 1231 / 1237                       |
 * | null / undefined                  | null                    | 0                                 |
 * | array of length 1..22             | scala.TupleN            | Scala 2.13 `productHash`          |
 * | array of length 0 or > 22         | java.util.List          | `List.hashCode`                   |
 * | Date                              | java.util.Date          | `Date.hashCode` (= Long of millis)|
 * | Uint8Array / Buffer               | byte[]                  | `Arrays.hashCode(byte[])`         |
 * | other typed arrays                | int[]/long[]/double[]…  | `Arrays.hashCode` of that type    |
 * | Map                               | java.util.Map           | Σ (hash(k) ^ hash(v))             |
 * | Set                               | java.util.Set           | Σ hash(e)                         |
 * | other objects                     | (none)                  | dstream's own, see `objectHash`   |
 *
 * Tuple elements are hashed with Scala's `##`, not `hashCode`: `##` makes numerically equal
 * boxed numbers hash alike (an integral Double hashes like the Int; a Double that is exactly
 * a Float hashes like the Float), and Scala 2.13 tuples use it. Scala 2.12 tuples hashed
 * without the "TupleN" prefix, so tuple keys partition as in Spark builds on Scala 2.13
 * (every Spark 4.x build), not as in Spark 3.x's default 2.12 build.
 *
 * Equal keys under `KeyMap`'s structural equality always get equal hashes here, which is what
 * lets partitioning and map-side combining agree.
 */
import { finalizeHash, mix, PRODUCT_SEED } from "./scalaHashing.js";

const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;

// Shared scratch views to read IEEE bits without allocating per call.
const f64 = new Float64Array(1);
const f64Words = new Int32Array(f64.buffer);
const f32 = new Float32Array(1);
const f32Bits = new Int32Array(f32.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/** `java.lang.String.hashCode`: s[0]*31^(n-1) + … + s[n-1] over UTF-16 code units. */
export function stringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** `java.lang.Double.hashCode`; like `doubleToLongBits`, every NaN hashes as the canonical one. */
export function doubleHashCode(x: number): number {
  if (x !== x) return 0x7ff80000;
  f64[0] = x;
  return f64Words[HI]! ^ f64Words[LO]!;
}

/** `java.lang.Float.hashCode` of `Math.fround(x)`. */
export function floatHashCode(x: number): number {
  if (x !== x) return 0x7fc00000;
  f32[0] = x;
  return f32Bits[0]!;
}

/** `java.lang.Long.hashCode` for an integer within ±2^53, computed exactly without BigInt. */
export function safeLongHashCode(x: number): number {
  const hi = Math.floor(x / TWO_32);
  const lo = x - hi * TWO_32;
  return (hi ^ lo) | 0;
}

/** `java.lang.Long.hashCode` of the 64-bit two's complement of `x` (wrapping like `toLong`). */
export function bigintHashCode(x: bigint): number {
  const u = BigInt.asUintN(64, x);
  return Number(u & 0xffffffffn) ^ Number(u >> 32n);
}

/** Scala's `Statics.longHash`, i.e. `##` of a Long: values that fit an Int hash like the Int. */
function longHashOfBigint(x: bigint): number {
  const l = BigInt.asIntN(64, x);
  if (l >= -2147483648n && l <= 2147483647n) return Number(l);
  return bigintHashCode(l);
}

/** `hashCode` of the JVM number a JS number stands for (see the table above). */
export function numberHashCode(x: number): number {
  if ((x | 0) === x) return x | 0;
  if (Number.isSafeInteger(x)) return safeLongHashCode(x);
  return doubleHashCode(x);
}

/**
 * Scala's `##` for a number (`Statics.doubleHash`): the narrowest of Int, Long, Float, Double
 * that holds the value exactly decides the hash, so `1.0.## == 1.## ` and `1.5.## == 1.5f.##`.
 */
export function numberScalaHash(x: number): number {
  if ((x | 0) === x) return x | 0;
  if (Number.isInteger(x) && x >= -TWO_63 && x <= TWO_63) {
    if (Number.isSafeInteger(x)) return safeLongHashCode(x);
    // (long) 2^63 saturates to Long.MaxValue, which converts back to 2^63: the JVM calls it a Long.
    return bigintHashCode(x === TWO_63 ? 0x7fffffffffffffffn : BigInt(x));
  }
  if (Math.fround(x) === x) return floatHashCode(x);
  return doubleHashCode(x);
}

/** `java.util.Date.hashCode` (the Long hash of the epoch millis); an invalid Date hashes as 0. */
function dateHashCode(d: Date): number {
  const t = d.getTime();
  return t === t ? safeLongHashCode(t) : 0;
}

type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** `java.util.Arrays.hashCode` for the primitive array type closest to the view's element type. */
function typedArrayHashCode(a: ArrayBufferView): number {
  let h = 1;
  if (a instanceof Uint8Array || a instanceof Int8Array || a instanceof Uint8ClampedArray) {
    // byte[] elements are signed.
    for (let i = 0; i < a.length; i++) h = (Math.imul(31, h) + ((a[i]! << 24) >> 24)) | 0;
    return h;
  }
  if (a instanceof Float64Array) {
    for (let i = 0; i < a.length; i++) h = (Math.imul(31, h) + doubleHashCode(a[i]!)) | 0;
    return h;
  }
  if (a instanceof Float32Array) {
    for (let i = 0; i < a.length; i++) h = (Math.imul(31, h) + floatHashCode(a[i]!)) | 0;
    return h;
  }
  if (a instanceof BigInt64Array || a instanceof BigUint64Array) {
    for (let i = 0; i < a.length; i++) h = (Math.imul(31, h) + bigintHashCode(a[i]!)) | 0;
    return h;
  }
  if (a instanceof DataView) {
    for (let i = 0; i < a.byteLength; i++) h = (Math.imul(31, h) + a.getInt8(i)) | 0;
    return h;
  }
  const ints = a as TypedArray as Int16Array;
  for (let i = 0; i < ints.length; i++) h = (Math.imul(31, h) + (ints[i]! | 0)) | 0;
  return h;
}

const TUPLE_PREFIX_HASHES: number[] = [];
for (let n = 0; n <= 22; n++) TUPLE_PREFIX_HASHES.push(stringHashCode(`Tuple${n}`));

/** `TupleN.hashCode` in Scala 2.13: `productHash` mixes in the "TupleN" prefix, then each `##`. */
function tupleHashCode(t: readonly unknown[]): number {
  const n = t.length;
  let h = mix(PRODUCT_SEED, TUPLE_PREFIX_HASHES[n]!);
  for (let i = 0; i < n; i++) h = mix(h, scalaHash(t[i]));
  return finalizeHash(h, n);
}

/** `java.util.List.hashCode`, for arrays that cannot be Scala tuples. */
function listHashCode(a: readonly unknown[]): number {
  let h = 1;
  for (let i = 0; i < a.length; i++) h = (Math.imul(31, h) + javaHashCode(a[i])) | 0;
  return h;
}

const OBJECT_SEED = stringHashCode("dstream.Object");

/**
 * dstream's own hash for plain objects and class instances (which have no JVM twin): the
 * MurmurHash3 product scheme over the own enumerable string keys sorted by UTF-16 code units,
 * mixing each key's String hash and its value's `##`-style hash. Class instances are hashed by
 * their fields because structured cloning turns them into plain objects on the way to a worker.
 */
function objectHash(o: object): number {
  const keys = Object.keys(o).sort();
  let h = OBJECT_SEED;
  for (const k of keys) {
    h = mix(h, stringHashCode(k));
    h = mix(h, scalaHash((o as Record<string, unknown>)[k]));
  }
  return finalizeHash(h, keys.length);
}

function compositeHash(o: object): number {
  if (Array.isArray(o)) {
    return o.length >= 1 && o.length <= 22 ? tupleHashCode(o) : listHashCode(o);
  }
  if (o instanceof Date) return dateHashCode(o);
  if (ArrayBuffer.isView(o)) return typedArrayHashCode(o);
  if (o instanceof Map) {
    let h = 0;
    for (const [k, v] of o) h = (h + (javaHashCode(k) ^ javaHashCode(v))) | 0;
    return h;
  }
  if (o instanceof Set) {
    let h = 0;
    for (const e of o) h = (h + javaHashCode(e)) | 0;
    return h;
  }
  return objectHash(o);
}

/**
 * `hashCode` of the JVM value `value` stands for; int32.
 * Symbols and functions have no data to hash; they hash by their description / name, which is
 * consistent with their identity-based equality.
 */
export function javaHashCode(value: unknown): number {
  switch (typeof value) {
    case "string":
      return stringHashCode(value);
    case "number":
      return numberHashCode(value);
    case "boolean":
      return value ? 1231 : 1237;
    case "bigint":
      return bigintHashCode(value);
    case "undefined":
      return 0;
    case "object":
      return value === null ? 0 : compositeHash(value);
    case "symbol":
      return stringHashCode(value.toString());
    case "function":
      return stringHashCode(value.name);
  }
  return 0;
}

/**
 * Scala's `##`: like `javaHashCode` except that numbers hash by value across numeric types
 * (`Statics.anyHash`). This is what tuples and case classes use for their elements.
 */
export function scalaHash(value: unknown): number {
  if (typeof value === "number") return numberScalaHash(value);
  if (typeof value === "bigint") return longHashOfBigint(value);
  return javaHashCode(value);
}

/**
 * Spark's `Utils.nonNegativeMod`: a modulus in [0, mod) even for negative `x`.
 * Throws like the JVM's integer division when `mod` is 0.
 */
export function nonNegativeMod(x: number, mod: number): number {
  const rawMod = x % mod;
  if (mod === 0) throw new RangeError("/ by zero");
  return rawMod + (rawMod < 0 ? mod : 0);
}
