/**
 * A hash map whose keys have Spark's value equality (see `keyEncoding.ts` for the exact
 * rules), e.g. two distinct `["a", 1]` tuples are the same key.
 *
 * Primitive keys (and functions/symbols, which compare by identity) are stored in a native
 * `Map` as they are, so that path costs one native lookup and allocates nothing per call.
 * Object keys are encoded to a canonical string; the first key object seen for an encoding is
 * the one `keys()`/`entries()` report. As with Java's HashMap, mutating an object after using
 * it as a key leaves it filed under its old contents.
 *
 * Values live in a small per-key slot object: that lets `update` (the combineByKey hot loop)
 * read and write an existing key with a single native lookup.
 *
 * A pair of primitives (`[campaign, window]`, the commonest composite key) is filed in a native
 * Map of native Maps by its two elements instead, with no string built per lookup: a native Map
 * compares primitives by SameValueZero and types apart, which is exactly the encoding's equality.
 */
import { encodeKey } from "./keyEncoding.js";

interface Slot<K, V> {
  readonly key: K;
  value: V;
}

const isPrimitive = (v: unknown): boolean => typeof v !== "object" || v === null;

/** True for a two-element array of primitives (holes read as undefined, as the encoding reads them). */
function isPrimitivePair(key: unknown): key is readonly [unknown, unknown] {
  return Array.isArray(key) && key.length === 2 && isPrimitive(key[0]) && isPrimitive(key[1]);
}

export class KeyMap<K, V> {
  // Primitive keys map to their slot; composite keys' slots map to themselves. One native Map
  // for both keeps a single insertion order across both kinds of key.
  private readonly slots = new Map<unknown, Slot<K, V>>();
  private readonly composite = new Map<string, Slot<K, V>>();
  private readonly pairs = new Map<unknown, Map<unknown, Slot<K, V>>>();

  constructor(entries?: Iterable<readonly [K, V]>) {
    if (entries !== undefined) for (const [k, v] of entries) this.set(k, v);
  }

  get size(): number {
    return this.slots.size;
  }

  get(key: K): V | undefined {
    const slot =
      typeof key !== "object" || key === null
        ? this.slots.get(key)
        : isPrimitivePair(key)
          ? this.pairs.get(key[0])?.get(key[1])
          : this.composite.get(encodeKey(key));
    return slot === undefined ? undefined : slot.value;
  }

  has(key: K): boolean {
    return typeof key !== "object" || key === null
      ? this.slots.has(key)
      : isPrimitivePair(key)
        ? this.pairs.get(key[0])?.has(key[1]) === true
        : this.composite.has(encodeKey(key));
  }

  set(key: K, value: V): this {
    if (typeof key !== "object" || key === null) {
      const slot = this.slots.get(key);
      if (slot === undefined) this.slots.set(key, { key, value });
      else slot.value = value;
      return this;
    }
    if (isPrimitivePair(key)) {
      const slot = this.pairs.get(key[0])?.get(key[1]);
      if (slot === undefined) this.insertPair(key, value);
      else slot.value = value;
      return this;
    }
    const enc = encodeKey(key);
    const slot = this.composite.get(enc);
    if (slot === undefined) this.insertComposite(enc, key, value);
    else slot.value = value;
    return this;
  }

  /**
   * Sets the key to `ifAbsent()` if it is missing, else to `merge(current)`; returns the new
   * value. This is Spark's `AppendOnlyMap.changeValue` split into its two cases.
   */
  update(key: K, ifAbsent: () => V, merge: (current: V) => V): V {
    if (typeof key !== "object" || key === null) {
      const slot = this.slots.get(key);
      if (slot !== undefined) return (slot.value = merge(slot.value));
      const value = ifAbsent();
      this.slots.set(key, { key, value });
      return value;
    }
    if (isPrimitivePair(key)) {
      const slot = this.pairs.get(key[0])?.get(key[1]);
      if (slot !== undefined) return (slot.value = merge(slot.value));
      const value = ifAbsent();
      this.insertPair(key, value);
      return value;
    }
    const enc = encodeKey(key);
    const slot = this.composite.get(enc);
    if (slot !== undefined) return (slot.value = merge(slot.value));
    const value = ifAbsent();
    this.insertComposite(enc, key, value);
    return value;
  }

  delete(key: K): boolean {
    if (typeof key !== "object" || key === null) return this.slots.delete(key);
    if (isPrimitivePair(key)) return this.removePair(key) !== undefined;
    const enc = encodeKey(key);
    const slot = this.composite.get(enc);
    if (slot === undefined) return false;
    this.composite.delete(enc);
    this.slots.delete(slot);
    return true;
  }

  /** Deletes the key; returns the key as first seen and its value, or undefined if it was missing. */
  remove(key: K): [K, V] | undefined {
    let slot: Slot<K, V> | undefined;
    if (typeof key !== "object" || key === null) {
      slot = this.slots.get(key);
      if (slot === undefined) return undefined;
      this.slots.delete(key);
    } else if (isPrimitivePair(key)) {
      slot = this.removePair(key);
      if (slot === undefined) return undefined;
    } else {
      const enc = encodeKey(key);
      slot = this.composite.get(enc);
      if (slot === undefined) return undefined;
      this.composite.delete(enc);
      this.slots.delete(slot);
    }
    return [slot.key, slot.value];
  }

  clear(): void {
    this.slots.clear();
    this.composite.clear();
    this.pairs.clear();
  }

  *entries(): IterableIterator<[K, V]> {
    for (const slot of this.slots.values()) yield [slot.key, slot.value];
  }

  *keys(): IterableIterator<K> {
    for (const slot of this.slots.values()) yield slot.key;
  }

  *values(): IterableIterator<V> {
    for (const slot of this.slots.values()) yield slot.value;
  }

  /** Iterates without allocating a pair per entry. */
  forEach(fn: (value: V, key: K) => void): void {
    for (const slot of this.slots.values()) fn(slot.value, slot.key);
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  private insertPair(key: K & readonly [unknown, unknown], value: V): void {
    const slot: Slot<K, V> = { key, value };
    let inner = this.pairs.get(key[0]);
    if (inner === undefined) this.pairs.set(key[0], (inner = new Map()));
    inner.set(key[1], slot);
    this.slots.set(slot, slot);
  }

  private removePair(key: readonly [unknown, unknown]): Slot<K, V> | undefined {
    const inner = this.pairs.get(key[0]);
    const slot = inner?.get(key[1]);
    if (inner === undefined || slot === undefined) return undefined;
    inner.delete(key[1]);
    if (inner.size === 0) this.pairs.delete(key[0]);
    this.slots.delete(slot);
    return slot;
  }

  private insertComposite(enc: string, key: K, value: V): void {
    const slot: Slot<K, V> = { key, value };
    this.composite.set(enc, slot);
    this.slots.set(slot, slot);
  }
}
