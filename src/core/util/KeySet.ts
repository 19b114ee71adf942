/**
 * A set with the same structural key equality as `KeyMap` (rules in `keyEncoding.ts`), for
 * `distinct`, `intersection`, `subtract` and friends.
 *
 * Primitives live in a native `Set` as they are. An object element is encoded once per call;
 * the first object seen for an encoding is stored in the native `Set` itself, so iteration
 * yields original elements in insertion order with no extra lookups.
 */
import { encodeKey } from "./keyEncoding.js";

export class KeySet<T> {
  private readonly members = new Set<unknown>();
  private readonly composite = new Map<string, T>();

  constructor(values?: Iterable<T>) {
    if (values !== undefined) for (const v of values) this.add(v);
  }

  get size(): number {
    return this.members.size;
  }

  has(value: T): boolean {
    return typeof value !== "object" || value === null
      ? this.members.has(value)
      : this.composite.has(encodeKey(value));
  }

  add(value: T): this {
    this.addIfAbsent(value);
    return this;
  }

  /** Adds `value` and reports whether it was new: `distinct` needs both in one lookup. */
  addIfAbsent(value: T): boolean {
    if (typeof value !== "object" || value === null) {
      const before = this.members.size;
      this.members.add(value);
      return this.members.size !== before;
    }
    const enc = encodeKey(value);
    if (this.composite.has(enc)) return false;
    this.composite.set(enc, value);
    this.members.add(value);
    return true;
  }

  delete(value: T): boolean {
    if (typeof value !== "object" || value === null) return this.members.delete(value);
    const enc = encodeKey(value);
    const stored = this.composite.get(enc);
    if (stored === undefined) return false;
    this.composite.delete(enc);
    this.members.delete(stored);
    return true;
  }

  clear(): void {
    this.members.clear();
    this.composite.clear();
  }

  values(): IterableIterator<T> {
    return this.members.values() as IterableIterator<T>;
  }

  keys(): IterableIterator<T> {
    return this.values();
  }

  forEach(fn: (value: T) => void): void {
    for (const v of this.members) fn(v as T);
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.values();
  }
}
