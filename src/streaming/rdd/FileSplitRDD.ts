import { RDD } from "../../core/rdd/RDD.js";
import type { SparkContext } from "../../core/SparkContext.js";
import type { TaskContext } from "../../core/scheduler/TaskContext.js";
import type { PlanArgs } from "../../core/executor/plan.js";
import { IllegalArgumentException } from "../../core/errors.js";
import { computeSplits, readSplitLines } from "../../core/rdd/TextFileRDD.js";
import { FileSystems } from "../../core/fs/FileSystems.js";

/**
 * How a file stream reads its files, as Spark's input formats do:
 * - `text`: lines (TextInputFormat's values), split like `textFile`;
 * - `textWithOffsets`: `[byte offset, line]` pairs (TextInputFormat's key and value), one
 *   partition per file;
 * - `fixedLength`: byte records of `recordLength` (FixedLengthBinaryInputFormat), split on
 *   record boundaries.
 */
export type FileRecordFormat = { kind: "text" } | { kind: "textWithOffsets" } | { kind: "fixedLength"; recordLength: number };

interface FileSplit {
  path: string;
  start: number;
  length: number;
}

const MAX_SPLIT = 32 * 1024 * 1024;

/**
 * The RDD of one batch of a file stream: the given files, each split on its own as Spark's union
 * of per-file RDDs is, and read by the executor that computes the partition.
 */
export class FileSplitRDD<T> extends RDD<T> {
  static override planModule = import.meta.url;
  private readonly splits: FileSplit[];
  private readonly format: FileRecordFormat;

  constructor(sc: SparkContext, files: ReadonlyArray<{ path: string; size: number }>, minPartitions: number, format: FileRecordFormat) {
    super(sc, []);
    this.format = format;
    this.splits = files.flatMap((f) => fileSplits(f, minPartitions, format));
  }

  getNumPartitions(): number {
    return this.splits.length;
  }

  compute(split: number): Iterable<T> {
    const s = this.splits[split]!;
    switch (this.format.kind) {
      case "text":
        return readSplitLines(s) as T[];
      case "textWithOffsets":
        return readLinesWithOffsets(s) as T[];
      case "fixedLength":
        return readFixedLengthRecords(s, this.format.recordLength) as T[];
    }
  }

  override computePush(split: number, _ctx: TaskContext, sink: (x: T) => void): void {
    const records = this.compute(split) as T[];
    for (let i = 0; i < records.length; i++) sink(records[i]!);
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ splits: this.splits, format: this.format });
  }
}

function fileSplits(f: { path: string; size: number }, minPartitions: number, format: FileRecordFormat): FileSplit[] {
  switch (format.kind) {
    case "text":
      return computeSplits([f], minPartitions);
    case "textWithOffsets":
      return f.size === 0 ? [] : [{ path: f.path, start: 0, length: f.size }];
    case "fixedLength": {
      if (f.size === 0) return [];
      const L = format.recordLength;
      const records = Math.ceil(f.size / L);
      const perSplit = Math.max(1, Math.min(Math.floor(MAX_SPLIT / L), Math.floor(records / Math.max(1, minPartitions))));
      const out: FileSplit[] = [];
      for (let r = 0; r < records; r += perSplit) {
        const start = r * L;
        out.push({ path: f.path, start, length: Math.min(f.size, start + perSplit * L) - start });
      }
      return out;
    }
  }
}

function readRange(s: FileSplit): Buffer {
  return FileSystems.get(s.path, "fileStream").read(s.path, s.start, s.length);
}

/** `[offset, line]` for each line of a whole file; offsets count bytes, as LongWritable keys do. */
function readLinesWithOffsets(s: FileSplit): Array<[number, string]> {
  const buf = readRange(s);
  const out: Array<[number, string]> = [];
  let lineStart = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c !== 10 && c !== 13) continue;
    out.push([s.start + lineStart, buf.toString("utf8", lineStart, i)]);
    if (c === 13 && buf[i + 1] === 10) i++;
    lineStart = i + 1;
  }
  if (lineStart < buf.length) out.push([s.start + lineStart, buf.toString("utf8", lineStart)]);
  return out;
}

function readFixedLengthRecords(s: FileSplit, recordLength: number): Uint8Array[] {
  const buf = readRange(s);
  const out: Uint8Array[] = [];
  for (let off = 0; off < buf.length; off += recordLength) {
    const n = Math.min(recordLength, buf.length - off);
    if (n !== recordLength) {
      throw new IllegalArgumentException(
        `requirement failed: Byte array does not have correct length. ${n} did not equal recordLength: ${recordLength} (the last record of ${s.path} is incomplete)`,
      );
    }
    // A copy, so each record is its own Uint8Array rather than a view that pins the whole split.
    out.push(new Uint8Array(buf.subarray(off, off + recordLength)));
  }
  return out;
}
