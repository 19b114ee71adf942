/**
 * Spark's configuration object: string keys and values, chainable setters.
 */
export class SparkConf {
  private readonly settings = new Map<string, string>();

  constructor(entries?: Iterable<[string, string]> | Record<string, string>) {
    if (entries) {
      const it = Symbol.iterator in entries ? (entries as Iterable<[string, string]>) : Object.entries(entries);
      for (const [k, v] of it) this.settings.set(k, v);
    }
  }

  set(key: string, value: string | number | boolean): this {
    if (typeof key !== "string" || key.length === 0) {
      throw new TypeError(`SparkConf.set: key must be a non-empty string, got ${String(key)}`);
    }
    if (value === null || value === undefined) {
      throw new TypeError(`SparkConf.set: value for '${key}' is ${String(value)}; use remove('${key}') to unset it`);
    }
    this.settings.set(key, String(value));
    return this;
  }

  setMaster(master: string): this {
    return this.set("spark.master", master);
  }

  setAppName(name: string): this {
    return this.set("spark.app.name", name);
  }

  setAll(entries: Iterable<[string, string]>): this {
    for (const [k, v] of entries) this.set(k, v);
    return this;
  }

  setIfMissing(key: string, value: string | number | boolean): this {
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
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`SparkConf: ${key} must be an integer, got '${v}'`);
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

function parseSize(text: string, key: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(text.trim());
  if (!m) throw new Error(`SparkConf: ${key} must be a size like 512m or 2g, got '${text}'`);
  const mult: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  return Math.floor(Number(m[1]) * mult[m[2]!.toLowerCase()]!);
}
