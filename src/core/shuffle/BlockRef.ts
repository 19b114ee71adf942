import { readFileSync } from "node:fs";
import { packRecords, toShared, unpackRecords } from "../serialization/blockCodec.js";

/**
 * Where a block of records is. `objects` never leaves the driver's thread; the driver
 * packs it into `shared` memory before handing it to a worker.
 */
export type BlockRef =
  | { kind: "shared"; buf: SharedArrayBuffer; records: number }
  | { kind: "file"; path: string; bytes: number; records: number }
  | { kind: "objects"; records: number; data: unknown[] };

export function readBlock<T>(ref: BlockRef): T[] {
  switch (ref.kind) {
    case "objects":
      return ref.data as T[];
    case "shared":
      return unpackRecords<T>(new Uint8Array(ref.buf));
    case "file":
      return unpackRecords<T>(readFileSync(ref.path));
  }
}

export function sharedBlock(records: readonly unknown[]): BlockRef {
  return { kind: "shared", buf: toShared(packRecords(records)), records: records.length };
}

/** The form of a block that a worker thread can read. */
export function transferable(ref: BlockRef): BlockRef {
  return ref.kind === "objects" ? sharedBlock(ref.data) : ref;
}

export function blockBytes(ref: BlockRef): number {
  switch (ref.kind) {
    case "objects":
      return 0;
    case "shared":
      return ref.buf.byteLength;
    case "file":
      return ref.bytes;
  }
}
