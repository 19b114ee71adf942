import { SHIP } from "../closure/FnRef.js";

/** A JSON value as JSON.parse returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Malformed JSON met by a JsonFieldExtractor: names the operation, the byte offset and the problem. */
export class JsonFieldParseError extends SyntaxError {
  constructor(
    readonly offset: number,
    problem: string,
  ) {
    super(`JsonFieldExtractor.extract: malformed JSON at byte ${offset}: ${problem}`);
    this.name = "JsonFieldParseError";
  }
}

const enc = new TextEncoder();

/**
 * Reads only the wanted top-level fields of a JSON object, straight from its UTF-8 bytes, as
 * Spark SQL's `from_json` with a schema does: the rest of the text is validated and skipped
 * without building strings or objects for it. Results equal JSON.parse's for the same text
 * (duplicate keys: the last wins); malformed input throws JsonFieldParseError.
 * An extractor captured by a task function travels to executor threads.
 */
export class JsonFieldExtractor {
  readonly fields: readonly string[];
  private readonly keys: Uint8Array[];

  constructor(fields: readonly string[]) {
    if (fields.length === 0) throw new TypeError("JsonFieldExtractor: give at least one field name, e.g. new JsonFieldExtractor([\"id\"])");
    this.fields = [...fields];
    this.keys = this.fields.map((f) => enc.encode(f));
  }

  /**
   * The wanted fields' values, in the order of `fields`; undefined for a field the object lacks.
   * `input` is the JSON text or its UTF-8 bytes (a Kafka value as bytes skips the string decode).
   */
  extract(input: string | Uint8Array): Array<JsonValue | undefined> {
    const bytes = Buffer.isBuffer(input) ? input : typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    return readObject(bytes, this);
  }

  /** @internal The index of the field whose UTF-8 name is `b[start, end)`, or -1. */
  match(b: Buffer, start: number, end: number): number {
    const keys = this.keys;
    const n = end - start;
    outer: for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k]!;
      if (key.length !== n) continue;
      for (let i = 0; i < n; i++) if (key[i] !== b[start + i]) continue outer;
      return k;
    }
    return -1;
  }

  [SHIP](): { handle: string; data: unknown } {
    return { handle: "jsonFieldExtractor", data: this.fields };
  }
}

// The reader is a set of plain functions over (bytes, index) rather than an object per call:
// the index lives in a local of the hot loop, and nothing is allocated but the result.

/** Set by `skipString`: the string held an escape (bit 1) or a byte above 0x7f (bit 2). */
let stringFlags = 0;
const ESCAPED = 1;
const NON_ASCII = 2;

// Buffer's own slice methods, which toString(encoding, start, end) reaches after checking its
// arguments and looking the encoding up: that wrapper took a third of the extractor's time.
// They are not in Node's typings but have been on Buffer.prototype since Node's early releases;
// toString stands in should a runtime lack them.
type Slice = (this: Buffer, start: number, end: number) => string;
const proto = Buffer.prototype as unknown as { latin1Slice?: Slice; utf8Slice?: Slice };
const latin1Slice: Slice = proto.latin1Slice ?? function (this: Buffer, start: number, end: number): string {
  return this.toString("latin1", start, end);
};
const utf8Slice: Slice = proto.utf8Slice ?? function (this: Buffer, start: number, end: number): string {
  return this.toString("utf8", start, end);
};

// Short ASCII values repeat (event types, timestamps, country codes): a small table of the
// strings made lately, looked up by a hash of the bytes, hands back the same string without a
// native call or an allocation. Strings are immutable, so sharing one is invisible to callers.
const INTERN_MAX = 24;
const INTERN_SLOTS = 1024;
const interned: Array<string | undefined> = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);

/** The ASCII text b[start, end), from the table when it is short and was made lately. */
function asciiString(b: Buffer, start: number, end: number): string {
  const n = end - start;
  if (n > INTERN_MAX) return latin1Slice.call(b, start, end);
  let h = n;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  const slot = (h ^ (h >>> 15)) & (INTERN_SLOTS - 1);
  const s = interned[slot];
  if (s !== undefined && s.length === n) {
    let k = 0;
    while (k < n && s.charCodeAt(k) === b[start + k]) k++;
    if (k === n) return s;
  }
  const made = latin1Slice.call(b, start, end);
  interned[slot] = made;
  return made;
}

function fail(at: number, problem: string): never {
  throw new JsonFieldParseError(at, problem);
}

function describe(b: Buffer, i: number): string {
  return i >= b.length ? "unexpected end of input" : `unexpected ${JSON.stringify(String.fromCharCode(b[i]!))}`;
}

function ws(b: Buffer, i: number): number {
  let c = b[i]!;
  // Compact JSON has no whitespace: one comparison answers most calls.
  if (c > 0x20) return i;
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i]!;
  return i;
}

function readObject(b: Buffer, x: JsonFieldExtractor): Array<JsonValue | undefined> {
  const n = x.fields.length;
  const out: Array<JsonValue | undefined> = [];
  for (let k = 0; k < n; k++) out.push(undefined);
  let i = ws(b, 0);
  if (b[i] !== 0x7b) fail(i, `${describe(b, i)}, expected '{' (the input must be a JSON object)`);
  i = ws(b, i + 1);
  if (b[i] === 0x7d) i++;
  else {
    for (;;) {
      if (b[i] !== 0x22) fail(i, `${describe(b, i)}, expected a key string`);
      const keyStart = i + 1;
      i = skipString(b, i);
      const k = stringFlags & ESCAPED ? x.fields.indexOf(decodeString(b, keyStart, i - 1)) : x.match(b, keyStart, i - 1);
      i = ws(b, i);
      if (b[i] !== 0x3a) fail(i, `${describe(b, i)}, expected ':' after a key`);
      i = ws(b, i + 1);
      if (k >= 0) {
        const c = b[i];
        if (c === 0x22) {
          const start = i + 1;
          i = skipString(b, i);
          // latin1Slice makes a one-byte string directly; only pure ASCII reads the same as UTF-8.
          out[k] = stringFlags === 0 ? asciiString(b, start, i - 1) : stringFlags & ESCAPED ? decodeString(b, start, i - 1) : utf8Slice.call(b, start, i - 1);
        } else {
          const start = i;
          i = skipValue(b, i, 0);
          out[k] = c === 0x7b || c === 0x5b ? (JSON.parse(utf8Slice.call(b, start, i)) as JsonValue) : c === 0x74 ? true : c === 0x66 ? false : c === 0x6e ? null : Number(latin1Slice.call(b, start, i));
        }
        // An unwanted string (the commonest case) skips without entering the recursive skipValue.
      } else i = b[i] === 0x22 ? skipString(b, i) : skipValue(b, i, 0);
      i = ws(b, i);
      const c = b[i];
      if (c === 0x2c) {
        i = ws(b, i + 1);
        continue;
      }
      if (c === 0x7d) {
        i++;
        break;
      }
      fail(i, `${describe(b, i)}, expected ',' or '}' in an object`);
    }
  }
  i = ws(b, i);
  if (i < b.length) fail(i, `${describe(b, i)} after the end of the object`);
  return out;
}

/** Skips the string whose opening quote is at i, returning the index after its closing quote; sets `stringFlags`. */
function skipString(b: Buffer, i: number): number {
  let flags = 0;
  i++;
  for (;;) {
    const c = b[i]!;
    // The common byte first: printable ASCII other than '"' and '\'.
    if (c > 0x22 && c < 0x7f && c !== 0x5c) {
      i++;
      continue;
    }
    if (c === 0x22) break;
    if (i >= b.length) fail(i, "unterminated string");
    if (c < 0x20) fail(i, `control character 0x${c.toString(16).padStart(2, "0")} in a string (escape it)`);
    if (c === 0x5c) {
      flags |= ESCAPED;
      const e = b[i + 1];
      if (e === 0x75) {
        for (let h = 2; h < 6; h++) if (!isHex(b[i + h])) fail(i, "bad \\u escape: expected 4 hex digits");
        i += 6;
        continue;
      }
      if (e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) fail(i, "bad escape in a string");
      i += 2;
      continue;
    }
    if (c >= 0x80) flags |= NON_ASCII;
    i++;
  }
  stringFlags = flags;
  return i + 1;
}

/** The string in b[start, end), already validated by `skipString`, with its escapes decoded. */
function decodeString(b: Buffer, start: number, end: number): string {
  let out = "";
  let from = start;
  for (let i = start; i < end; i++) {
    if (b[i] !== 0x5c) continue;
    out += utf8Slice.call(b, from, i);
    const e = b[i + 1]!;
    if (e === 0x75) {
      out += String.fromCharCode(parseInt(latin1Slice.call(b, i + 2, i + 6), 16));
      i += 5;
    } else {
      out += e === 0x62 ? "\b" : e === 0x66 ? "\f" : e === 0x6e ? "\n" : e === 0x72 ? "\r" : e === 0x74 ? "\t" : String.fromCharCode(e);
      i += 1;
    }
    from = i + 1;
  }
  return out + utf8Slice.call(b, from, end);
}

function literal(b: Buffer, i: number, word: string): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) fail(i, `bad literal, expected ${word}`);
  return i + word.length;
}

/** Validates and skips the value at i, returning the index after it. */
function skipValue(b: Buffer, i: number, depth: number): number {
  if (depth > 512) fail(i, "nested too deeply");
  const c = b[i];
  if (c === 0x22) return skipString(b, i);
  if (c === 0x74) return literal(b, i, "true");
  if (c === 0x66) return literal(b, i, "false");
  if (c === 0x6e) return literal(b, i, "null");
  if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return number(b, i);
  const close = c === 0x7b ? 0x7d : c === 0x5b ? 0x5d : -1;
  if (close < 0) fail(i, `${describe(b, i)}, expected a value`);
  i = ws(b, i + 1);
  if (b[i] === close) return i + 1;
  for (;;) {
    if (close === 0x7d) {
      if (b[i] !== 0x22) fail(i, `${describe(b, i)}, expected a key string`);
      i = ws(b, skipString(b, i));
      if (b[i] !== 0x3a) fail(i, `${describe(b, i)}, expected ':' after a key`);
      i = ws(b, i + 1);
    }
    i = ws(b, skipValue(b, i, depth + 1));
    const d = b[i];
    if (d === 0x2c) {
      i = ws(b, i + 1);
      continue;
    }
    if (d === close) return i + 1;
    fail(i, `${describe(b, i)}, expected ',' or '${String.fromCharCode(close)}'`);
  }
}

function number(b: Buffer, i: number): number {
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if (isDigit(b[i])) while (isDigit(b[i])) i++;
  else fail(i, "bad number: expected a digit");
  if (b[i] === 0x2e) {
    i++;
    if (!isDigit(b[i])) fail(i, "bad number: expected a digit after '.'");
    while (isDigit(b[i])) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!isDigit(b[i])) fail(i, "bad number: expected a digit in the exponent");
    while (isDigit(b[i])) i++;
  }
  return i;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isHex = (c: number | undefined): boolean => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));
