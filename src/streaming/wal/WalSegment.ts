import { closeSync, openSync, readFileSync, readSync, fstatSync, writeSync } from "node:fs";
import { crc32 } from "node:zlib";
import { ChecksummedFileError, decodeHeader, encodeHeader, HEADER_BYTES } from "../../core/storage/ChecksummedFile.js";
import { FileSystems } from "../../core/fs/FileSystems.js";
import { isLocal } from "../../core/fs/fsPath.js";

/**
 * One segment file of a write-ahead log: dstream's checksummed file header (kind "WALS"), then
 * records, each framed as
 *
 *   u32 payload length | u32 CRC-32 of the payload | payload
 *
 * Records are only ever appended, so a crash can leave only the last record incomplete (a torn
 * tail); readers stop there. A record that fails its checksum ends the segment the same way:
 * nothing after it can be framed with confidence.
 */
export const SEGMENT_KIND = "WALS";
export const SEGMENT_VERSION = 1;
export const FRAME_BYTES = 8;

export function segmentHeader(): Buffer {
  return encodeHeader(SEGMENT_KIND, SEGMENT_VERSION, undefined);
}

/** Creates a local segment (failing if it exists) and writes its header; returns the open descriptor. */
export function createSegment(path: string): number {
  const fd = openSync(path, "wx");
  try {
    writeAll(fd, segmentHeader());
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

export function frame(payload: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(FRAME_BYTES + payload.byteLength);
  b.writeUInt32LE(payload.byteLength, 0);
  b.writeUInt32LE(crc32(payload), 4);
  b.set(payload, FRAME_BYTES);
  return b;
}

export function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
}

export interface SegmentRecord {
  /** Where the record's frame starts. */
  offset: number;
  payload: Buffer;
}

export interface SegmentContents {
  records: SegmentRecord[];
  /** Why reading stopped before the end of the file, if it did. */
  tornAt?: { offset: number; reason: string };
}

/** A whole file, local or on a registered filesystem. */
function readWhole(path: string): Buffer {
  try {
    if (isLocal(path)) return readFileSync(path);
    const fs = FileSystems.get(path, "write-ahead log");
    const status = fs.getFileStatus(path);
    if (!status) throw new Error("it does not exist");
    return fs.read(path, 0, status.length);
  } catch (e) {
    throw new ChecksummedFileError(path, "unreadable", `cannot be read: ${(e as Error).message}`, { cause: e });
  }
}

/** Every intact record of a segment, in order. */
export function readSegment(path: string): SegmentContents {
  const bytes = readWhole(path);
  decodeHeader(path, bytes, SEGMENT_KIND, SEGMENT_VERSION);
  const records: SegmentRecord[] = [];
  let off = HEADER_BYTES;
  while (off < bytes.length) {
    if (bytes.length - off < FRAME_BYTES) return { records, tornAt: { offset: off, reason: "an incomplete record header" } };
    const len = bytes.readUInt32LE(off);
    const crc = bytes.readUInt32LE(off + 4);
    if (bytes.length - off - FRAME_BYTES < len) return { records, tornAt: { offset: off, reason: `a record of ${len} bytes cut short` } };
    const payload = bytes.subarray(off + FRAME_BYTES, off + FRAME_BYTES + len);
    if (crc32(payload) !== crc) return { records, tornAt: { offset: off, reason: "a record that fails its checksum" } };
    records.push({ offset: off, payload });
    off += FRAME_BYTES + len;
  }
  return { records };
}

/** One record, read at its offset and verified. */
export function readRecordAt(path: string, offset: number, length: number): Buffer {
  if (!isLocal(path)) return readRemoteRecordAt(path, offset, length);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new ChecksummedFileError(path, "unreadable", `cannot be read: ${(e as Error).message}`, { cause: e });
  }
  try {
    const size = fstatSync(fd).size;
    if (offset < HEADER_BYTES || offset + FRAME_BYTES + length > size) {
      throw new ChecksummedFileError(path, "truncated", `the record at offset ${offset} (${length} bytes) is past the end of the segment (${size} bytes)`);
    }
    const buf = Buffer.allocUnsafe(FRAME_BYTES + length);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return verifyRecord(path, offset, length, buf);
  } finally {
    closeSync(fd);
  }
}

function readRemoteRecordAt(path: string, offset: number, length: number): Buffer {
  let buf: Buffer;
  try {
    buf = FileSystems.get(path, "write-ahead log").read(path, offset, FRAME_BYTES + length);
  } catch (e) {
    throw new ChecksummedFileError(path, "unreadable", `cannot be read: ${(e as Error).message}`, { cause: e });
  }
  if (offset < HEADER_BYTES || buf.length < FRAME_BYTES + length) {
    throw new ChecksummedFileError(path, "truncated", `the record at offset ${offset} (${length} bytes) is past the end of the segment`);
  }
  return verifyRecord(path, offset, length, buf);
}

function verifyRecord(path: string, offset: number, length: number, buf: Buffer): Buffer {
  if (buf.readUInt32LE(0) !== length) throw new ChecksummedFileError(path, "corrupt", `the record at offset ${offset} does not have the recorded length ${length}`);
  const payload = buf.subarray(FRAME_BYTES);
  if (crc32(payload) !== buf.readUInt32LE(4)) throw new ChecksummedFileError(path, "corrupt", `the record at offset ${offset} fails its checksum`);
  return payload;
}
