/**
 * Kafka's non-flexible wire primitives (big-endian integers, int16-length strings, int32-length
 * arrays and bytes), for the few requests dstream's own fetch path sends.
 */
export class RequestWriter {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private put(n: number, write: (buf: Buffer, at: number) => void): this {
    this.ensure(n);
    write(this.buf, this.pos);
    this.pos += n;
    return this;
  }

  int8(v: number): this {
    return this.put(1, (b, at) => b.writeInt8(v, at));
  }

  int16(v: number): this {
    return this.put(2, (b, at) => b.writeInt16BE(v, at));
  }

  int32(v: number): this {
    return this.put(4, (b, at) => b.writeInt32BE(v, at));
  }

  int64(v: number): this {
    return this.put(8, (b, at) => b.writeBigInt64BE(BigInt(v), at));
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  /** A nullable string: int16 length (-1 for null), then UTF-8. */
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const n = Buffer.byteLength(v, "utf8");
    return this.int16(n).put(n, (b, at) => b.write(v, at, "utf8"));
  }

  array<T>(items: readonly T[], each: (w: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) each(this, item);
    return this;
  }

  /** The request framed with its int32 size prefix. */
  framed(): Buffer {
    const out = Buffer.allocUnsafe(4 + this.pos);
    out.writeInt32BE(this.pos, 0);
    this.buf.copy(out, 4, 0, this.pos);
    return out;
  }
}

/** Reads a response body in order; every read checks bounds, so a short response fails clearly. */
export class ResponseReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new RangeError(`Kafka response truncated: needed ${n} bytes at ${this.pos} of ${this.buf.length}`);
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** An int64 as a number: offsets and timestamps stay far below 2^53. */
  int64(): number {
    this.need(8);
    const v = this.buf.readInt32BE(this.pos) * 4294967296 + this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return v;
  }

  bigint64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  string(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    this.need(n);
    const s = this.buf.toString("utf8", this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  nullableArray<T>(each: (r: this) => T): T[] | null {
    this.need(4);
    if (this.buf.readInt32BE(this.pos) < 0) {
      this.pos += 4;
      return null;
    }
    return this.array(each);
  }

  /** A nullable array (-1 is null, read as empty). */
  array<T>(each: (r: this) => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each(this));
    return out;
  }

  /** Nullable bytes as [start, end) within `buf`, without a copy; null for -1. */
  bytesRange(): [number, number] | null {
    const n = this.int32();
    if (n < 0) return null;
    this.need(n);
    const start = this.pos;
    this.pos += n;
    return [start, start + n];
  }
}
