import type { KafkaHeader } from "../ConsumerRecord.js";
import type { RawRecord } from "./RawRecord.js";

/**
 * The records of one fetched range, packed: per record a few numbers in typed arrays, and keys
 * and values left where they arrived (in the fetch response, or in a batch's decompressed
 * records), referenced by buffer, start and length. Nothing is allocated per record until the
 * task asks for a key or value, and then only the deserialized value itself.
 */
export class RecordBlock {
  count = 0;
  readonly buffers: Buffer[] = [];
  offsets: Float64Array;
  timestamps: Float64Array;
  /** 1 for LogAppendTime, 0 for CreateTime. */
  logAppendTime: Uint8Array;
  buffer: Int32Array;
  keyStart: Int32Array;
  /** -1 for a null key. */
  keyLength: Int32Array;
  valueStart: Int32Array;
  /** -1 for a null value. */
  valueLength: Int32Array;
  /** Headers of the records that have any, by index. */
  readonly headers = new Map<number, readonly KafkaHeader[]>();

  /**
   * Room for `expected` records, up to 128 k: a range's length bounds its records, but a
   * compacted topic's range may hold far fewer, so larger blocks grow as records arrive.
   */
  constructor(expected = 1024) {
    const n = Math.max(16, Math.min(expected, 1 << 17));
    this.offsets = new Float64Array(n);
    this.timestamps = new Float64Array(n);
    this.logAppendTime = new Uint8Array(n);
    this.buffer = new Int32Array(n);
    this.keyStart = new Int32Array(n);
    this.keyLength = new Int32Array(n);
    this.valueStart = new Int32Array(n);
    this.valueLength = new Int32Array(n);
  }

  /** Makes room for `n` more records. */
  reserve(n: number): void {
    const need = this.count + n;
    if (need <= this.offsets.length) return;
    const size = Math.max(need, this.offsets.length * 2);
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a.subarray(0, this.count));
      return b;
    };
    this.offsets = grow(this.offsets, (s) => new Float64Array(s));
    this.timestamps = grow(this.timestamps, (s) => new Float64Array(s));
    this.logAppendTime = grow(this.logAppendTime, (s) => new Uint8Array(s));
    this.buffer = grow(this.buffer, (s) => new Int32Array(s));
    this.keyStart = grow(this.keyStart, (s) => new Int32Array(s));
    this.keyLength = grow(this.keyLength, (s) => new Int32Array(s));
    this.valueStart = grow(this.valueStart, (s) => new Int32Array(s));
    this.valueLength = grow(this.valueLength, (s) => new Int32Array(s));
  }

  /** The index of `buf` in `buffers`, added if it is new (records arrive buffer by buffer). */
  bufferIndex(buf: Buffer): number {
    const last = this.buffers.length - 1;
    if (last >= 0 && this.buffers[last] === buf) return last;
    this.buffers.push(buf);
    return last + 1;
  }

  get length(): number {
    return this.count;
  }

  key(i: number): Buffer | null {
    const n = this.keyLength[i]!;
    if (n < 0) return null;
    const s = this.keyStart[i]!;
    return this.buffers[this.buffer[i]!]!.subarray(s, s + n);
  }

  value(i: number): Buffer | null {
    const n = this.valueLength[i]!;
    if (n < 0) return null;
    const s = this.valueStart[i]!;
    return this.buffers[this.buffer[i]!]!.subarray(s, s + n);
  }

  /** The value as UTF-8 text, read straight from the buffer (the string deserializer's fast path). */
  valueString(i: number): string | null {
    const n = this.valueLength[i]!;
    if (n < 0) return null;
    const s = this.valueStart[i]!;
    return this.buffers[this.buffer[i]!]!.toString("utf8", s, s + n);
  }

  keyString(i: number): string | null {
    const n = this.keyLength[i]!;
    if (n < 0) return null;
    const s = this.keyStart[i]!;
    return this.buffers[this.buffer[i]!]!.toString("utf8", s, s + n);
  }

  headersOf(i: number): readonly KafkaHeader[] {
    return this.headers.get(i) ?? NO_HEADERS;
  }

  /** One object per record, for callers of `fetchRange` that want records rather than a block. */
  toRawRecords(): RawRecord[] {
    const out: RawRecord[] = [];
    for (let i = 0; i < this.count; i++) {
      out.push({
        offset: this.offsets[i]!,
        timestamp: this.timestamps[i]!,
        timestampType: this.logAppendTime[i] ? "LogAppendTime" : "CreateTime",
        key: this.key(i),
        value: this.value(i),
        headers: this.headersOf(i),
      });
    }
    return out;
  }
}

export const NO_HEADERS: readonly KafkaHeader[] = Object.freeze([]);

/** A fetched range: packed when read by dstream's wire client, records when read through the client library. */
export type FetchedRecords = RecordBlock | RawRecord[];
