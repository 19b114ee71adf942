/** A configuration value: a string, as in Spark, or a number or boolean, which is kept as its string. */
export type ConfValue = string | number | boolean;

/**
 * Spark's configuration object: string keys and values, chainable setters. Numbers and
 * booleans (from plain JavaScript objects) are stored as their strings; any other value is
 * refused, naming the key and the type, rather than stored as something getters misread.
 */
export class SparkConf {
  private readonly settings = new Map<string, string>();

  constructor(entries?: Iterable<[string, ConfValue]> | Record<string, ConfValue>) {
    if (entries !== undefined && entries !== null) this.setAll(entries, "SparkConf");
  }

  set(key: string, value: ConfValue): this {
    this.settings.set(checkKey("SparkConf.set", key), confString("SparkConf.set", key, value));
    return this;
  }

  setMaster(master: string): this {
    return this.set("spark.master", master);
  }

  setAppName(name: string): this {
    return this.set("spark.app.name", name);
  }

  /** Sets every `[key, value]` pair, or every property of a plain object. */
  setAll(entries: Iterable<[string, ConfValue]> | Record<string, ConfValue>, op = "SparkConf.setAll"): this {
    if (typeof entries !== "object" || entries === null) {
      throw new TypeError(`${op}: expected [key, value] pairs or an object of settings, got ${describeType(entries)}`);
    }
    const pairs = Symbol.iterator in entries ? (entries as Iterable<[string, ConfValue]>) : Object.entries(entries);
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${op}: expected [key, value] pairs, got ${describeType(pair)}`);
      const [k, v] = pair as [string, ConfValue];
      this.settings.set(checkKey(op, k), confString(op, k, v));
    }
    return this;
  }

  setIfMissing(key: string, value: ConfValue): this {
    if (!this.settings.has(key)) this.set(key, value);
    return this;
  }

  remove(key: string): this {
    this.settings.delete(key);
    return this;
  }

  get(key: string, defaultValue?: string): string {
    const v = this.settings.get(key) ?? defaultValue;
    if (v === undefined) throw new Error(`java.util.NoSuchElementException: ${key}`);
    return v;
  }

  getOption(key: string): string | undefined {
    return this.settings.get(key);
  }

  getInt(key: string, defaultValue: number): number {
    const v = this.settings.get(key);
    if (v === undefined) return defaultValue;
    // Number("") and Number(" ") are 0: only digits are a whole number here, as for Java's parseInt.
    const n = /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw new Error(`SparkConf: ${key} must be an integer, got '${v}'`);
    return n;
  }

  getBoolean(key: string, defaultValue: boolean): boolean {
    const v = this.settings.get(key);
    if (v === undefined) return defaultValue;
    if (v === "true" || v === "false") return v === "true";
    throw new Error(`SparkConf: ${key} must be true or false, got '${v}'`);
  }

  /** Sizes such as `512m` or `2g`, returned in bytes (Spark's size strings). */
  getSizeAsBytes(key: string, defaultValue: string): number {
    return parseSize(this.settings.get(key) ?? defaultValue, key);
  }

  /** Durations such as `3s` or `100ms`, returned in milliseconds. A bare number is ms. */
  getTimeAsMs(key: string, defaultValue: string): number {
    const v = (this.settings.get(key) ?? defaultValue).trim().toLowerCase();
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?$/.exec(v);
    if (!m) throw new Error(`SparkConf: ${key} must be a duration like 3s or 100ms, got '${v}'`);
    const mult: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };
    return Number(m[1]) * mult[m[2] ?? "ms"]!;
  }

  contains(key: string): boolean {
    return this.settings.has(key);
  }

  getAll(): Array<[string, string]> {
    return [...this.settings.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  clone(): SparkConf {
    return new SparkConf(this.settings);
  }

  toDebugString(): string {
    return this.getAll().map(([k, v]) => `${k}=${v}`).join("\n");
  }
}

function checkKey(op: string, key: unknown): string {
  if (typeof key !== "string" || key.length === 0) throw new TypeError(`${op}: key must be a non-empty string, got ${describeType(key)}`);
  return key;
}

function confString(op: string, key: string, value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint") return String(value);
  if (value === null || value === undefined) throw new TypeError(`${op}: value for '${key}' is ${String(value)}; use remove('${key}') to unset it`);
  throw new TypeError(
    `${op}: value for '${key}' must be a string, a finite number or a boolean, got ${describeType(value)}`,
  );
}

function describeType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "function") return "a function";
  if (typeof v === "object") return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
  if (typeof v === "symbol") return "a symbol";
  if (typeof v === "bigint") return `the bigint ${v}n`;
  return typeof v === "string" ? `'${v}'` : typeof v;
}

function parseSize(text: string, key: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(text.trim());
  if (!m) throw new Error(`SparkConf: ${key} must be a size like 512m or 2g, got '${text}'`);
  const mult: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  return Math.floor(Number(m[1]) * mult[m[2]!.toLowerCase()]!);
}
