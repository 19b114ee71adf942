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
    const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    return new Reader(bytes, this).object();
  }

  /** @internal */
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

class Reader {
  private i = 0;
  constructor(
    private readonly b: Buffer,
    private readonly x: JsonFieldExtractor,
  ) {}

  private fail(problem: string, at = this.i): never {
    throw new JsonFieldParseError(at, problem);
  }

  private ws(): void {
    const b = this.b;
    let i = this.i;
    for (let c = b[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++i]);
    this.i = i;
  }

  private describe(): string {
    return this.i >= this.b.length ? "unexpected end of input" : `unexpected ${JSON.stringify(String.fromCharCode(this.b[this.i]!))}`;
  }

  object(): Array<JsonValue | undefined> {
    const out = new Array<JsonValue | undefined>(this.x.fields.length).fill(undefined);
    this.ws();
    if (this.b[this.i] !== 0x7b) this.fail(`${this.describe()}, expected '{' (the input must be a JSON object)`);
    this.i++;
    this.ws();
    if (this.b[this.i] === 0x7d) this.i++;
    else {
      for (;;) {
        if (this.b[this.i] !== 0x22) this.fail(`${this.describe()}, expected a key string`);
        const keyStart = this.i + 1;
        const escaped = this.skipString();
        const k = escaped ? this.x.fields.indexOf(this.decodeString(keyStart)) : this.x.match(this.b, keyStart, this.i - 1);
        this.ws();
        if (this.b[this.i] !== 0x3a) this.fail(`${this.describe()}, expected ':' after a key`);
        this.i++;
        this.ws();
        if (k >= 0) out[k] = this.value();
        else this.skipValue();
        this.ws();
        const c = this.b[this.i];
        if (c === 0x2c) {
          this.i++;
          this.ws();
          continue;
        }
        if (c === 0x7d) {
          this.i++;
          break;
        }
        this.fail(`${this.describe()}, expected ',' or '}' in an object`);
      }
    }
    this.ws();
    if (this.i < this.b.length) this.fail(`${this.describe()} after the end of the object`);
    return out;
  }

  /** Skips a string whose opening quote is at i; true when it holds escapes. */
  private skipString(): boolean {
    const b = this.b;
    const end = b.length;
    let i = this.i + 1;
    let escaped = false;
    for (;;) {
      if (i >= end) this.fail("unterminated string", i);
      const c = b[i]!;
      if (c === 0x22) break;
      if (c < 0x20) this.fail(`control character 0x${c.toString(16).padStart(2, "0")} in a string (escape it)`, i);
      if (c === 0x5c) {
        escaped = true;
        const e = b[i + 1];
        if (e === 0x75) {
          for (let h = 2; h < 6; h++) if (!isHex(b[i + h])) this.fail("bad \\u escape: expected 4 hex digits", i);
          i += 6;
          continue;
        }
        if (e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) this.fail("bad escape in a string", i);
        i += 2;
        continue;
      }
      i++;
    }
    this.i = i + 1;
    return escaped;
  }

  /** The string that starts after the quote at `start` and ends before i - 1 (already validated). */
  private decodeString(start: number): string {
    const b = this.b;
    const end = this.i - 1;
    let out = "";
    let from = start;
    for (let i = start; i < end; i++) {
      if (b[i] !== 0x5c) continue;
      out += b.toString("utf8", from, i);
      const e = b[i + 1]!;
      if (e === 0x75) {
        out += String.fromCharCode(parseInt(b.toString("latin1", i + 2, i + 6), 16));
        i += 5;
      } else {
        out += e === 0x62 ? "\b" : e === 0x66 ? "\f" : e === 0x6e ? "\n" : e === 0x72 ? "\r" : e === 0x74 ? "\t" : String.fromCharCode(e);
        i += 1;
      }
      from = i + 1;
    }
    return out + b.toString("utf8", from, end);
  }

  private value(): JsonValue {
    const c = this.b[this.i];
    if (c === 0x22) {
      const start = this.i + 1;
      return this.skipString() ? this.decodeString(start) : this.b.toString("utf8", start, this.i - 1);
    }
    if (c === 0x7b || c === 0x5b) {
      // Rare for a wanted field: validate by skipping, then let JSON.parse build it.
      const start = this.i;
      this.skipValue();
      return JSON.parse(this.b.toString("utf8", start, this.i)) as JsonValue;
    }
    const start = this.i;
    this.skipValue();
    if (c === 0x74) return true;
    if (c === 0x66) return false;
    if (c === 0x6e) return null;
    return Number(this.b.toString("latin1", start, this.i));
  }

  private literal(word: string): void {
    for (let k = 0; k < word.length; k++) if (this.b[this.i + k] !== word.charCodeAt(k)) this.fail(`bad literal, expected ${word}`);
    this.i += word.length;
  }

  private skipValue(depth = 0): void {
    if (depth > 512) this.fail("nested too deeply");
    const b = this.b;
    const c = b[this.i];
    if (c === 0x22) {
      this.skipString();
      return;
    }
    if (c === 0x74) return this.literal("true");
    if (c === 0x66) return this.literal("false");
    if (c === 0x6e) return this.literal("null");
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.number();
    const close = c === 0x7b ? 0x7d : c === 0x5b ? 0x5d : -1;
    if (close < 0) this.fail(`${this.describe()}, expected a value`);
    this.i++;
    this.ws();
    if (b[this.i] === close) {
      this.i++;
      return;
    }
    for (;;) {
      if (close === 0x7d) {
        if (b[this.i] !== 0x22) this.fail(`${this.describe()}, expected a key string`);
        this.skipString();
        this.ws();
        if (b[this.i] !== 0x3a) this.fail(`${this.describe()}, expected ':' after a key`);
        this.i++;
        this.ws();
      }
      this.skipValue(depth + 1);
      this.ws();
      const d = b[this.i];
      if (d === 0x2c) {
        this.i++;
        this.ws();
        continue;
      }
      if (d === close) {
        this.i++;
        return;
      }
      this.fail(`${this.describe()}, expected ',' or '${String.fromCharCode(close)}'`);
    }
  }

  private number(): void {
    const b = this.b;
    let i = this.i;
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else if (isDigit(b[i])) while (isDigit(b[i])) i++;
    else this.fail("bad number: expected a digit", i);
    if (b[i] === 0x2e) {
      i++;
      if (!isDigit(b[i])) this.fail("bad number: expected a digit after '.'", i);
      while (isDigit(b[i])) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!isDigit(b[i])) this.fail("bad number: expected a digit in the exponent", i);
      while (isDigit(b[i])) i++;
    }
    this.i = i;
  }
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isHex = (c: number | undefined): boolean => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));
