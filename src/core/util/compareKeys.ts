/**
 * The default key ordering for sortByKey, sortBy, takeOrdered, top and RangePartitioner: a
 * total order over all JS values that follows Scala's implicit `Ordering` for the types that
 * have a JVM twin.
 *
 * - numbers: numerically; `NaN` sorts after everything and equals itself (as
 *   `java.lang.Double.compare`); `-0` equals `0` (unlike `Double.compare`) so that the order
 *   agrees with `KeyMap` equality;
 * - strings: by UTF-16 code units like `String.compareTo` (not `localeCompare`);
 * - booleans: false < true; bigints numerically; Dates by epoch millis (invalid last);
 * - arrays (tuples): element-wise, then shorter first, like Scala's tuple/`Iterable` orderings;
 * - typed arrays: by element type name, then element-wise (bytes unsigned, as Spark compares
 *   binary), then length;
 * - Sets: as their sorted elements; Maps and other objects: as their entries sorted by key,
 *   each entry compared key first then value (dstream's own; Scala has no such ordering);
 * - symbols and functions: by a process-local identity id (stable, but arbitrary).
 *
 * Values of different kinds order by a fixed rank: undefined < null < boolean < number <
 * bigint < string < Date < array < typed array < Map < Set < object < symbol < function.
 *
 * `compareKeys(a, b) === 0` exactly when `keysEqual(a, b)`.
 */
import { identityId } from "./keyEncoding.js";

const enum Rank {
  Undefined,
  Null,
  Boolean,
  Number,
  BigInt,
  String,
  Date,
  Array,
  TypedArray,
  Map,
  Set,
  Object,
  Symbol,
  Function,
}

function rankOf(v: unknown): Rank {
  switch (typeof v) {
    case "undefined":
      return Rank.Undefined;
    case "boolean":
      return Rank.Boolean;
    case "number":
      return Rank.Number;
    case "bigint":
      return Rank.BigInt;
    case "string":
      return Rank.String;
    case "symbol":
      return Rank.Symbol;
    case "function":
      return Rank.Function;
  }
  if (v === null) return Rank.Null;
  if (Array.isArray(v)) return Rank.Array;
  if (v instanceof Date) return Rank.Date;
  if (ArrayBuffer.isView(v)) return Rank.TypedArray;
  if (v instanceof Map) return Rank.Map;
  if (v instanceof Set) return Rank.Set;
  return Rank.Object;
}

function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  // At least one NaN: NaN is the greatest value and equal to itself.
  const aNaN = a !== a;
  const bNaN = b !== b;
  return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
}

function comparePrimitive<T extends string | bigint | boolean>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareArrays(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareKeys(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function viewTag(v: ArrayBufferView): string {
  return v instanceof DataView ? "DataView" : (v as Uint8Array)[Symbol.toStringTag];
}

function byteView(v: ArrayBufferView): Uint8Array | undefined {
  if (v instanceof Uint8Array || v instanceof DataView) {
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  return undefined;
}

function compareViews(a: ArrayBufferView, b: ArrayBufferView): number {
  const ta = viewTag(a);
  const tb = viewTag(b);
  if (ta !== tb) return comparePrimitive(ta, tb);
  const ba = byteView(a);
  const bb = byteView(b);
  if (ba !== undefined && bb !== undefined) {
    const n = Math.min(ba.length, bb.length);
    for (let i = 0; i < n; i++) if (ba[i] !== bb[i]) return ba[i]! < bb[i]! ? -1 : 1;
    return ba.length < bb.length ? -1 : ba.length > bb.length ? 1 : 0;
  }
  return compareArrays(a as unknown as ArrayLike<unknown>, b as unknown as ArrayLike<unknown>);
}

function sortedEntries(entries: Iterable<readonly [unknown, unknown]>): Array<readonly [unknown, unknown]> {
  return Array.from(entries).sort((x, y) => compareKeys(x[0], y[0]));
}

function compareEntryLists(
  a: ReadonlyArray<readonly [unknown, unknown]>,
  b: ReadonlyArray<readonly [unknown, unknown]>,
): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ck = compareKeys(a[i]![0], b[i]![0]);
    if (ck !== 0) return ck;
    const cv = compareKeys(a[i]![1], b[i]![1]);
    if (cv !== 0) return cv;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareSameRank(rank: Rank, a: unknown, b: unknown): number {
  switch (rank) {
    case Rank.Undefined:
    case Rank.Null:
      return 0;
    case Rank.Boolean:
    case Rank.BigInt:
    case Rank.String:
      return comparePrimitive(a as string, b as string);
    case Rank.Number:
      return compareNumbers(a as number, b as number);
    case Rank.Date:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case Rank.Array:
      return compareArrays(a as unknown[], b as unknown[]);
    case Rank.TypedArray:
      return compareViews(a as ArrayBufferView, b as ArrayBufferView);
    case Rank.Map:
      return compareEntryLists(
        sortedEntries(a as Map<unknown, unknown>),
        sortedEntries(b as Map<unknown, unknown>),
      );
    case Rank.Set:
      return compareArrays(
        Array.from(a as Set<unknown>).sort(compareKeys),
        Array.from(b as Set<unknown>).sort(compareKeys),
      );
    case Rank.Object:
      return compareEntryLists(
        sortedEntries(Object.entries(a as object)),
        sortedEntries(Object.entries(b as object)),
      );
    case Rank.Symbol:
    case Rank.Function:
      return compareNumbers(identityId(a as symbol), identityId(b as symbol));
  }
}

/** Total order over keys; negative, zero or positive like `Comparator.compare`. */
export function compareKeys(a: unknown, b: unknown): number {
  // Fast paths for the overwhelmingly common homogeneous keys.
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === "number") return compareNumbers(a as number, b as number);
    if (ta === "string") return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  }
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  return compareSameRank(ra, a, b);
}

// Closures that capture the default ordering (max, min, top) reach executors by name: its
// helpers call each other, so it cannot be shipped by source. Executors revive the handle.
Object.defineProperty(compareKeys, Symbol.for("dstream.ship"), {
  value: () => ({ handle: "compareKeys", data: null }),
});

/** A comparator in the shape `Array.prototype.sort` and `RangePartitioner` accept. */
export type Ordering<K> = (a: K, b: K) => number;

/** Reverses an ordering, as Scala's `Ordering.reverse`. */
export function reverseOrdering<K>(ordering: Ordering<K>): Ordering<K> {
  return (a, b) => ordering(b, a);
}
