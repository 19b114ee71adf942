import type { KafkaHeader } from "../ConsumerRecord.js";
import { KafkaException } from "../errors.js";
import { decompressRecords } from "./batchCompression.js";
import { crc32c } from "./crc32c.js";
import type { RecordBlock } from "./RecordBlock.js";
import type { AbortedTransaction } from "./wire/kafkaApis.js";

// RecordBatch v2 (Kafka's DefaultRecordBatch): offsets of its fields from the batch's start.
const BATCH_LENGTH = 8;
const MAGIC = 16;
const CRC = 17;
const ATTRIBUTES = 21;
const LAST_OFFSET_DELTA = 23;
const BASE_TIMESTAMP = 27;
const MAX_TIMESTAMP = 35;
const PRODUCER_ID = 43;
const RECORD_COUNT = 57;
const RECORDS = 61;
/** baseOffset and batchLength, which batchLength does not count. */
const LOG_OVERHEAD = 12;

const COMPRESSION_MASK = 0x07;
const LOG_APPEND_TIME = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const ABORT_MARKER = 0;

export interface DecodeResult {
  /** One past the last offset of the last whole batch (control batches included), or `position` if none. */
  readonly nextPosition: number;
  /** Bytes and offsets of the whole batches seen, to size the next fetch. */
  readonly bytes: number;
  readonly offsets: number;
}

// The read cursor of the varint readers, in a module variable rather than an object per call.
let at = 0;

function varint(b: Buffer): number {
  let v = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = b[at++]!;
    if (shift < 28) v |= (byte & 0x7f) << shift;
    else v += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  // Zigzag: 0, -1, 1, -2, ... as Kafka writes signed varints.
  return shift <= 28 ? (v >>> 1) ^ -(v & 1) : zigzagLarge(v);
}

function zigzagLarge(u: number): number {
  const unsigned = u < 0 ? u + 2 ** 32 : u;
  return unsigned % 2 === 0 ? unsigned / 2 : -(unsigned + 1) / 2;
}

/** A varlong (timestamp deltas) as a number: exact below 2^53. */
function varlong(b: Buffer): number {
  let lo = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = b[at++]!;
    lo += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return lo % 2 === 0 ? lo / 2 : -(lo + 1) / 2;
}

function int64(b: Buffer, p: number): number {
  return b.readInt32BE(p) * 4294967296 + b.readUInt32BE(p + 4);
}

/**
 * Appends to `block` the records in `buf[start, end)` (a fetch response's RecordBatches) with
 * offsets in [position, until), checking each batch's CRC-32C and decompressing as needed. Control
 * records are left out and, when `aborted` is given (read_committed), so are the records of
 * aborted transactions: the broker returns them with the list of aborted transactions and leaves
 * the filtering to the consumer, as Kafka's own Fetcher (CompletedFetch) does. A batch cut off at
 * the end of the response is left for the next fetch.
 */
export function decodeRecordBatches(
  block: RecordBlock,
  buf: Buffer,
  start: number,
  end: number,
  position: number,
  until: number,
  aborted: readonly AbortedTransaction[] | null,
  where: string,
): DecodeResult {
  const pending = aborted ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  const abortedProducers = new Set<bigint>();
  let next = position;
  let bytes = 0;
  let offsets = 0;
  let p = start;
  while (p + RECORDS <= end) {
    const batchEnd = p + LOG_OVERHEAD + buf.readInt32BE(p + BATCH_LENGTH);
    if (batchEnd > end) break;
    const base = int64(buf, p);
    const magic = buf.readInt8(p + MAGIC);
    if (magic !== 2) {
      throw new KafkaException(`Cannot read ${where} at offset ${base}: record batch magic ${magic} is not supported (only v2, Kafka 0.11 and later).`);
    }
    const stored = buf.readUInt32BE(p + CRC);
    const computed = crc32c(buf.subarray(p + ATTRIBUTES, batchEnd));
    if (stored !== computed) {
      throw new KafkaException(`Record batch for partition ${where} at offset ${base} is invalid, cause: Record is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
    }
    const attributes = buf.readInt16BE(p + ATTRIBUTES);
    const last = base + buf.readInt32BE(p + LAST_OFFSET_DELTA);
    bytes += batchEnd - p;
    offsets += last - base + 1;
    const batchStart = p;
    p = batchEnd;
    if (last < position) continue;
    next = Math.max(next, last + 1);
    const producerId = aborted ? buf.readBigInt64BE(batchStart + PRODUCER_ID) : 0n;
    if (aborted) {
      while (pending.length > 0 && pending[0]!.firstOffset <= last) abortedProducers.add(pending.shift()!.producerId);
    }
    const count = buf.readInt32BE(batchStart + RECORD_COUNT);
    const codec = attributes & COMPRESSION_MASK;
    let data = buf;
    let r = batchStart + RECORDS;
    let dataEnd = batchEnd;
    if (codec !== 0) {
      data = decompressRecords(codec, buf.subarray(r, batchEnd), () => `${where} at offset ${base}`);
      r = 0;
      dataEnd = data.length;
    }
    if (attributes & CONTROL) {
      // A control batch holds one marker record, whose key is [version int16, type int16].
      if (aborted && count > 0 && isAbortMarker(data, r)) abortedProducers.delete(producerId);
      continue;
    }
    if (aborted && attributes & TRANSACTIONAL && abortedProducers.has(producerId)) continue;
    const logAppend = (attributes & LOG_APPEND_TIME) !== 0;
    const baseTimestamp = int64(buf, batchStart + BASE_TIMESTAMP);
    const maxTimestamp = logAppend ? int64(buf, batchStart + MAX_TIMESTAMP) : 0;
    block.reserve(count);
    const bi = block.bufferIndex(data);
    at = r;
    for (let i = 0; i < count; i++) {
      if (at >= dataEnd) throw new KafkaException(`Record batch for partition ${where} at offset ${base} is invalid, cause: it holds fewer records than its count ${count}`);
      const length = varint(data);
      const recordEnd = at + length;
      at++; // attributes, unused
      const timestampDelta = varlong(data);
      const offset = base + varint(data);
      if (offset < position) {
        at = recordEnd;
        continue;
      }
      if (offset >= until) break;
      const n = block.count;
      block.offsets[n] = offset;
      block.timestamps[n] = logAppend ? maxTimestamp : baseTimestamp + timestampDelta;
      block.logAppendTime[n] = logAppend ? 1 : 0;
      block.buffer[n] = bi;
      const keyLength = varint(data);
      block.keyStart[n] = at;
      block.keyLength[n] = keyLength;
      if (keyLength > 0) at += keyLength;
      const valueLength = varint(data);
      block.valueStart[n] = at;
      block.valueLength[n] = valueLength;
      if (valueLength > 0) at += valueLength;
      const headerCount = varint(data);
      if (headerCount > 0) block.headers.set(n, readHeaders(data, headerCount));
      block.count = n + 1;
      at = recordEnd;
    }
  }
  return { nextPosition: next, bytes, offsets };
}

function isAbortMarker(data: Buffer, r: number): boolean {
  at = r;
  varint(data); // length
  at++; // attributes
  varlong(data); // timestamp delta
  varint(data); // offset delta
  const keyLength = varint(data);
  return keyLength >= 4 && data.readInt16BE(at + 2) === ABORT_MARKER;
}

function readHeaders(data: Buffer, n: number): KafkaHeader[] {
  const out: KafkaHeader[] = [];
  for (let i = 0; i < n; i++) {
    const kl = varint(data);
    const key = kl < 0 ? "" : data.toString("utf8", at, at + kl);
    if (kl > 0) at += kl;
    const vl = varint(data);
    // A copy: a kept header must not pin the whole fetch response in memory.
    const value = vl < 0 ? null : new Uint8Array(data.subarray(at, at + vl));
    if (vl > 0) at += vl;
    out.push({ key, value });
  }
  return out;
}
