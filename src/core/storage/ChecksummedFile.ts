import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { crc32 } from "node:zlib";
import { FileSystems } from "../fs/FileSystems.js";
import { isLocal, joinPath, nameOf, parentOf } from "../fs/fsPath.js";

/**
 * dstream's durable file format, for every file recovery reads back (checkpoints, their data,
 * write-ahead log segments). A 32-byte little-endian header precedes the payload:
 *
 *   0  magic "dstream\0"         8 bytes: tells dstream's files from anything else
 *   8  kind                      4 ASCII bytes naming the contents ("META", "PART", "WALS")
 *  12  format version            u32
 *  16  payload length            u64 (0 for an append-only log, whose records frame themselves)
 *  24  payload CRC-32            u32
 *  28  header CRC-32             u32, over bytes 0-27
 *
 * A file is written under a temporary name, fsynced, renamed into place and its directory
 * fsynced, so a crash leaves either the old file or the complete new one, never half of one.
 */
export const HEADER_BYTES = 32;
const MAGIC = Buffer.from("dstream\0", "latin1");

export type ChecksummedFileProblem = "foreign" | "truncated" | "corrupt" | "unsupported" | "unreadable";

/** A file that cannot be trusted, with the reason in words a user can act on. */
export class ChecksummedFileError extends Error {
  constructor(
    readonly path: string,
    readonly problem: ChecksummedFileProblem,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${detail}`, options);
    this.name = "ChecksummedFileError";
  }
}

export interface FileHeader {
  kind: string;
  version: number;
  payloadLength: number;
  payloadCrc: number;
}

export function encodeHeader(kind: string, version: number, payload: Uint8Array | undefined): Buffer {
  if (!/^[A-Z]{4}$/.test(kind)) throw new TypeError(`file kind must be four capital letters, got ${JSON.stringify(kind)}`);
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.write(kind, 8, "latin1");
  h.writeUInt32LE(version, 12);
  h.writeBigUInt64LE(BigInt(payload?.byteLength ?? 0), 16);
  h.writeUInt32LE(payload === undefined ? 0 : crc32(payload), 24);
  h.writeUInt32LE(crc32(h.subarray(0, 28)), 28);
  return h;
}

/** Parses and checks a header; `bytes` may be longer than the header. */
export function decodeHeader(path: string, bytes: Uint8Array, expectedKind: string, maxVersion: number): FileHeader {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    if (buf.length === 0) throw new ChecksummedFileError(path, "truncated", "the file is empty (a write was cut short, or it was not written by dstream)");
    if (buf.length < MAGIC.length && MAGIC.subarray(0, buf.length).equals(buf)) {
      throw new ChecksummedFileError(path, "truncated", `the file ends after ${buf.length} bytes, inside its header`);
    }
    throw new ChecksummedFileError(path, "foreign", `not a dstream file: it starts with ${describeBytes(buf)} instead of dstream's header`);
  }
  if (buf.length < HEADER_BYTES) throw new ChecksummedFileError(path, "truncated", `the file ends after ${buf.length} bytes, inside its ${HEADER_BYTES}-byte header`);
  if (crc32(buf.subarray(0, 28)) !== buf.readUInt32LE(28)) throw new ChecksummedFileError(path, "corrupt", "its header fails its checksum");
  const kind = buf.toString("latin1", 8, 12);
  const version = buf.readUInt32LE(12);
  if (kind !== expectedKind) {
    throw new ChecksummedFileError(path, "foreign", `a dstream file of another kind ("${kind}", expected "${expectedKind}"): it is in the wrong place`);
  }
  if (version < 1 || version > maxVersion) {
    throw new ChecksummedFileError(
      path,
      "unsupported",
      `written in format version ${version}, but this dstream reads versions 1 to ${maxVersion}: it was written by a newer dstream`,
    );
  }
  return { kind, version, payloadLength: Number(buf.readBigUInt64LE(16)), payloadCrc: buf.readUInt32LE(24) };
}

function describeBytes(b: Buffer): string {
  const head = b.subarray(0, 8);
  const printable = [...head].every((c) => c >= 0x20 && c < 0x7f);
  return printable ? JSON.stringify(head.toString("latin1")) : `bytes ${head.toString("hex").replace(/(..)/g, "$1 ").trim()}`;
}

let tmpCounter = 0;
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${tmpCounter++}`);
}

/**
 * A remote filesystem (HDFS) has no fsync of ours to call: its create returns once the data is
 * replicated, and its rename is atomic, so temporary name then rename gives the same guarantee.
 */
function writeRemote(path: string, kind: string, payload: Uint8Array, version: number): void {
  const fs = FileSystems.get(path, "checkpoint");
  const tmp = joinPath(parentOf(path), `.${nameOf(path)}.tmp-${process.pid}-${tmpCounter++}`);
  try {
    fs.create(tmp, Buffer.concat([encodeHeader(kind, version, payload), payload]), true);
    fs.rename(tmp, path, true);
  } catch (e) {
    try {
      fs.delete(tmp, false);
    } catch {
      // the write's own error is the one to report
    }
    throw e;
  }
}

/** Writes `payload` to `path` atomically and durably (see the file comment). */
export function writeChecksummedFileSync(path: string, kind: string, payload: Uint8Array, version = 1): void {
  if (!isLocal(path)) return writeRemote(path, kind, payload, version);
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, "w");
  try {
    writeFully(fd, encodeHeader(kind, version, payload));
    writeFully(fd, payload);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  fsyncDirectorySync(dirname(path));
}

function writeFully(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
}

/** The same as `writeChecksummedFileSync`, without blocking the event loop on the disk. */
export async function writeChecksummedFile(path: string, kind: string, payload: Uint8Array, version = 1): Promise<void> {
  if (!isLocal(path)) return writeRemote(path, kind, payload, version);
  const tmp = tempPathFor(path);
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(Buffer.concat([encodeHeader(kind, version, payload), payload]));
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
  await fsyncDirectory(dirname(path));
}

/** Reads and verifies a file written by `writeChecksummedFile*`; throws ChecksummedFileError. */
export function readChecksummedFileSync(path: string, kind: string, maxVersion = 1): { version: number; payload: Buffer } {
  let bytes: Buffer;
  try {
    if (isLocal(path)) bytes = readFileSync(path);
    else {
      const fs = FileSystems.get(path, "checkpoint");
      const st = fs.getFileStatus(path);
      if (!st) throw new Error("File does not exist");
      bytes = fs.read(path, 0, st.length);
    }
  } catch (e) {
    throw new ChecksummedFileError(path, "unreadable", `cannot be read: ${(e as Error).message}`, { cause: e });
  }
  return verifyChecksummedBytes(path, bytes, kind, maxVersion);
}

export function verifyChecksummedBytes(path: string, bytes: Buffer, kind: string, maxVersion = 1): { version: number; payload: Buffer } {
  const h = decodeHeader(path, bytes, kind, maxVersion);
  const have = bytes.length - HEADER_BYTES;
  if (have < h.payloadLength) {
    throw new ChecksummedFileError(path, "truncated", `truncated: its header announces ${h.payloadLength} bytes of data, but only ${have} follow`);
  }
  if (have > h.payloadLength) {
    throw new ChecksummedFileError(path, "corrupt", `${have - h.payloadLength} unexpected bytes follow its ${h.payloadLength} bytes of data`);
  }
  const payload = bytes.subarray(HEADER_BYTES);
  if (crc32(payload) !== h.payloadCrc) throw new ChecksummedFileError(path, "corrupt", "its data fails its checksum (the file was damaged after it was written)");
  return { version: h.version, payload };
}

/** Makes a rename or a new file in `dir` durable. Some platforms cannot open a directory; there it is a no-op. */
export function fsyncDirectorySync(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EISDIR/EPERM where directories cannot be synced: the rename is as durable as the platform allows.
  } finally {
    closeSync(fd);
  }
}

export async function fsyncDirectory(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, "r");
  } catch {
    return;
  }
  try {
    await fh.sync();
  } catch {
    // As in fsyncDirectorySync.
  } finally {
    await fh.close();
  }
}
