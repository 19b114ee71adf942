import { readFileSync } from "node:fs";
import { unpackRecords } from "../../core/serialization/blockCodec.js";

/**
 * How a block's bytes become records. `packed`: records packed by the block codec (what
 * `store(item)`, `store(items)` and `store(bytes)` produce). `lines`: UTF-8 text ending in a
 * line terminator, one record per line (what `storeLines` produces, e.g. socketTextStream):
 * the driver never splits the text, the executor that computes the partition does.
 */
export type BlockFormat = "packed" | "lines";

/** A block as a receiver produced it, before the block handler stores it. */
export interface ReceivedBlock {
  streamId: number;
  format: BlockFormat;
  bytes: Uint8Array;
  /** Undefined when the receiver cannot know (raw `store(bytes)`), as in Spark. */
  numRecords: number | undefined;
  /** The streaming clock's reading when the block's last record was stored: the block belongs to the first batch at or after it. */
  time: number;
  metadata?: unknown;
  /**
   * The ids their source gave the block's records, for those that have one (`storeUnique`):
   * kept on the driver and in the write-ahead log, so a redelivered record is recognised.
   */
  recordIds?: readonly string[];
}

/** Where a stored block's bytes are: shared memory every executor can read, or a local file. */
export type BlockLocation = { kind: "memory"; buf: SharedArrayBuffer } | { kind: "file"; path: string; bytes: number };

/** A block once stored: plain data, so a BlockRDD partition can carry it to a worker thread. */
export interface StoredBlock {
  /** Spark's StreamBlockId name: `input-<streamId>-<n>`. */
  id: string;
  streamId: number;
  format: BlockFormat;
  numRecords: number | undefined;
  time: number;
  location: BlockLocation;
  metadata?: unknown;
}

function blockBytes(location: BlockLocation): Uint8Array {
  return location.kind === "memory" ? new Uint8Array(location.buf) : readFileSync(location.path);
}

/** The records of a block; runs in whichever executor computes the block's partition. */
export function decodeBlock<T>(block: Pick<StoredBlock, "format" | "location">): T[] {
  const bytes = blockBytes(block.location);
  if (block.format === "packed") return bytes.byteLength === 0 ? [] : unpackRecords<T>(bytes);
  return decodeLines(bytes) as T[];
}

/** Lines of UTF-8 text that ends with a terminator: `\n`, `\r\n` or a lone `\r`, as Java's readLine. */
export function decodeLines(bytes: Uint8Array): string[] {
  if (bytes.byteLength === 0) return [];
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buf.toString("utf8");
  // memchr is far cheaper than a regex split, and most text has no carriage returns at all.
  const lines = buf.indexOf(13) < 0 ? text.split("\n") : text.split(/\r\n|\r|\n/);
  // The final terminator ends the last line rather than starting an empty one.
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
