/**
 * The values msgpack alters, and the form that carries them unchanged.
 *
 * msgpack strings are UTF-8, which cannot hold a lone UTF-16 surrogate: msgpackr writes one as
 * WTF-8 or U+FFFD, and the decoder reads back U+FFFD, so "\ud83d2" became "\ufffd\ufffd\ufffd2"
 * and two different keys could merge into one. msgpackr also writes -0 as the integer 0.
 * Spark's serializers keep both, and in local[1] (where nothing is packed) they are kept too.
 *
 * Finding them must cost next to nothing for ordinary data, so `packLossless` looks for each
 * where it is cheapest. -0 leaves no trace in msgpack (it is the byte 0x00, like every 0), so the
 * records are walked once for it, reading only numbers. A lone surrogate does leave one: msgpackr
 * writes it as ED A0..BF (a surrogate's three-byte form, which no UTF-8 text contains) or as
 * EF BF BD (U+FFFD), so the packed bytes are searched (memchr) instead. Only when either shows,
 * or a number's bytes happen to look like one, are the records checked string by string; only
 * data that really holds such a value is copied, with those values wrapped for the extensions
 * registered here.
 */
import { addExtension } from "msgpackr";

declare global {
  interface String {
    /** ES2024; in every Node this package supports. */
    isWellFormed(): boolean;
  }
}

/** A string that is not well-formed UTF-16, carried as its UTF-16 code units. */
class Utf16String {
  constructor(readonly value: string) {}
}

/** -0, which msgpackr would write as the integer 0. */
class NegativeZero {}
const NEGATIVE_ZERO = new NegativeZero();

/** A plain object with a property name that is not well-formed UTF-16: its entries, keys wrapped. */
class EntriesObject {
  constructor(readonly entries: unknown[]) {}
}

// msgpackr's own extensions use 0x42, 0x52, 0x62 and 0x65 up; these sit well below them.
const UTF16_STRING = 0x20;
const NEGATIVE_ZERO_TYPE = 0x21;
const ENTRIES_OBJECT = 0x22;

addExtension({
  Class: Utf16String,
  type: UTF16_STRING,
  pack: (s: Utf16String) => Buffer.from(s.value, "utf16le"),
  unpack: (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf16le"),
});
addExtension({
  Class: NegativeZero,
  type: NEGATIVE_ZERO_TYPE,
  pack: () => Buffer.of(0),
  unpack: () => -0,
});
addExtension({
  Class: EntriesObject,
  type: ENTRIES_OBJECT,
  write: (o: EntriesObject) => o.entries,
  read: (entries: unknown[]) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < entries.length; i += 2) Object.defineProperty(o, entries[i] as string, { value: entries[i + 1], enumerable: true, writable: true, configurable: true });
    return o;
  },
});

function isNegativeZero(n: number): boolean {
  return n === 0 && 1 / n < 0;
}

/** Objects msgpackr writes as bytes or by a built-in extension of their own (an Error's message is not looked into). */
function isOpaque(o: object): boolean {
  return ArrayBuffer.isView(o) || o instanceof ArrayBuffer || o instanceof Date || o instanceof RegExp || o instanceof Error;
}

/** Packs `v` with `pack` (a fresh packer each call) so that it unpacks exactly as it was. */
export function packLossless(v: unknown, pack: (v: unknown) => Buffer): Buffer {
  if (holdsNegativeZero(v)) return pack(toLosslessForm(v));
  const bytes = pack(v);
  return mayHoldAlteredString(bytes) && needsLosslessForm(v) ? pack(toLosslessForm(v)) : bytes;
}

const REPLACEMENT_CHARACTER = Buffer.of(0xef, 0xbf, 0xbd);

/** Whether msgpackr may have written a lone surrogate here (never false when it did). */
function mayHoldAlteredString(bytes: Buffer): boolean {
  for (let i = bytes.indexOf(0xed); i >= 0; i = bytes.indexOf(0xed, i + 1)) {
    const next = bytes[i + 1]!;
    if (next >= 0xa0 && next <= 0xbf) return true;
  }
  return bytes.indexOf(REPLACEMENT_CHARACTER) >= 0;
}

function holdsNegativeZero(v: unknown): boolean {
  if (typeof v === "number") return isNegativeZero(v);
  return typeof v === "object" && v !== null && compositeHoldsNegativeZero(v);
}

function compositeHoldsNegativeZero(o: object): boolean {
  if (Array.isArray(o)) {
    // Inlined element tests: arrays of pairs are the commonest records.
    for (let i = 0; i < o.length; i++) {
      const e: unknown = o[i];
      if (typeof e === "number") {
        if (e === 0 && 1 / e < 0) return true;
      } else if (typeof e === "object" && e !== null && compositeHoldsNegativeZero(e)) return true;
    }
    return false;
  }
  if (isOpaque(o)) return false;
  // A Map or Set files a -0 key or element under 0, but an object key or element can hold one.
  if (o instanceof Map) {
    for (const [k, x] of o) if (holdsNegativeZero(x) || (typeof k === "object" && holdsNegativeZero(k))) return true;
    return false;
  }
  if (o instanceof Set) {
    for (const x of o) if (typeof x === "object" && holdsNegativeZero(x)) return true;
    return false;
  }
  for (const k in o) if (holdsNegativeZero((o as Record<string, unknown>)[k])) return true;
  return false;
}

/** True when packing `v` as it is would alter it. */
function needsLosslessForm(v: unknown): boolean {
  switch (typeof v) {
    case "string":
      return !v.isWellFormed();
    case "number":
      return isNegativeZero(v);
    case "object":
      return v !== null && compositeNeedsLosslessForm(v);
    default:
      return false;
  }
}

function compositeNeedsLosslessForm(o: object): boolean {
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) {
      const e: unknown = o[i];
      if (typeof e === "string") {
        if (!e.isWellFormed()) return true;
      } else if (typeof e === "number") {
        if (isNegativeZero(e)) return true;
      } else if (typeof e === "object" && e !== null && compositeNeedsLosslessForm(e)) return true;
    }
    return false;
  }
  if (isOpaque(o)) return false;
  if (o instanceof Map) {
    for (const [k, x] of o) if (needsLosslessForm(k) || needsLosslessForm(x)) return true;
    return false;
  }
  if (o instanceof Set) {
    for (const x of o) if (needsLosslessForm(x)) return true;
    return false;
  }
  for (const k in o) if (!k.isWellFormed() || needsLosslessForm((o as Record<string, unknown>)[k])) return true;
  return false;
}

/** A copy of `v` that msgpackr packs without altering it. */
function toLosslessForm(v: unknown): unknown {
  switch (typeof v) {
    case "string":
      return v.isWellFormed() ? v : new Utf16String(v);
    case "number":
      return isNegativeZero(v) ? NEGATIVE_ZERO : v;
    case "object":
      return v === null || !compositeNeedsLosslessForm(v) ? v : compositeLosslessForm(v);
    default:
      return v;
  }
}

function compositeLosslessForm(o: object): unknown {
  if (Array.isArray(o)) return o.map(toLosslessForm);
  if (o instanceof Map) return new Map([...o].map(([k, x]) => [toLosslessForm(k), toLosslessForm(x)]));
  if (o instanceof Set) return new Set([...o].map(toLosslessForm));
  const record = o as Record<string, unknown>;
  const keys: string[] = [];
  for (const k in record) keys.push(k);
  if (keys.every((k) => k.isWellFormed())) {
    const copy: Record<string, unknown> = {};
    for (const k of keys) Object.defineProperty(copy, k, { value: toLosslessForm(record[k]), enumerable: true, writable: true, configurable: true });
    return copy;
  }
  const entries: unknown[] = [];
  for (const k of keys) entries.push(toLosslessForm(k), toLosslessForm(record[k]));
  return new EntriesObject(entries);
}
