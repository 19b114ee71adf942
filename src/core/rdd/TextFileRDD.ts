import { RDD } from "./RDD.js";
import type { SparkContext } from "../SparkContext.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs } from "../executor/plan.js";
import { listInputFiles } from "./inputFiles.js";
import { FileSystems } from "../fs/FileSystems.js";

interface FileSplit {
  path: string;
  start: number;
  length: number;
}

const LOCAL_BLOCK_SIZE = 32 * 1024 * 1024;
const SPLIT_SLOP = 1.1;

/** Hadoop FileInputFormat's splits: about totalSize/minPartitions bytes each, never over a block. */
export function computeSplits(files: Array<{ path: string; size: number }>, minPartitions: number): FileSplit[] {
  const total = files.reduce((n, f) => n + f.size, 0);
  const goal = Math.floor(total / Math.max(minPartitions, 1));
  const splitSize = Math.max(1, Math.min(goal, LOCAL_BLOCK_SIZE));
  const splits: FileSplit[] = [];
  for (const f of files) {
    if (f.size === 0) continue;
    let remaining = f.size;
    while (remaining / splitSize > SPLIT_SLOP) {
      splits.push({ path: f.path, start: f.size - remaining, length: splitSize });
      remaining -= splitSize;
    }
    if (remaining !== 0) splits.push({ path: f.path, start: f.size - remaining, length: remaining });
  }
  return splits;
}

/**
 * Lines of local text files, one partition per Hadoop split. The executor that computes a
 * partition reads its byte range itself; a line belongs to the split its first byte falls in
 * (LineRecordReader's rule), so no line is lost or read twice.
 */
export class TextFileRDD extends RDD<string> {
  static override planModule = import.meta.url;
  private readonly splits: FileSplit[];

  constructor(sc: SparkContext, path: string, minPartitions: number) {
    super(sc, []);
    this.splits = computeSplits(listInputFiles("textFile", path), minPartitions);
    this.setName(path);
  }

  getNumPartitions(): number {
    return this.splits.length;
  }

  compute(split: number): Iterable<string> {
    return readSplitLines(this.splits[split]!);
  }

  override computePush(split: number, _ctx: TaskContext, sink: (x: string) => void): void {
    const lines = readSplitLines(this.splits[split]!);
    for (let i = 0; i < lines.length; i++) sink(lines[i]!);
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ splits: this.splits });
  }
}

const CHUNK = 64 * 1024;

type ReadAt = (offset: number, length: number) => Buffer;

/**
 * Where the line after the first terminator at or after `pos` starts, or -1 at end of file.
 * Terminators are Hadoop's default ones: `\n`, `\r` and `\r\n` (one terminator, not two).
 */
function nextLineStart(read: ReadAt, pos: number): number {
  for (;;) {
    const buf = read(pos, CHUNK);
    const n = buf.length;
    if (n <= 0) return -1;
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (c === 10) return pos + i + 1;
      if (c === 13) {
        const next = i + 1 < n ? buf[i + 1] : read(pos + i + 1, 1)[0];
        return pos + i + (next === 10 ? 2 : 1);
      }
    }
    pos += n;
  }
}

/**
 * A line belongs to this split when its first byte is in (start, end], or it starts at 0.
 * So skip to the start of the line after the first terminator at or after `start` (unless
 * start is 0), and read through the line that contains or starts at `end`: exactly where the
 * next split begins.
 */
export function readSplitLines(s: FileSplit): string[] {
  const fs = FileSystems.get(s.path, "textFile");
  const read: ReadAt = (offset, length) => fs.read(s.path, offset, length);
  const end = s.start + s.length;
  let first = s.start;
  if (s.start !== 0) {
    first = nextLineStart(read, s.start);
    if (first < 0 || first > end) return [];
  }
  const next = nextLineStart(read, end);
  const stop = next < 0 ? end + readToEnd(read, end) : next;
  if (stop <= first) return [];
  const buf = read(first, stop - first);
  const text = buf.toString("utf8");
  const lines = text.split(/\r\n|\r|\n/);
  // A trailing terminator ends the last line; it does not start an empty one.
  if (text.endsWith("\n") || text.endsWith("\r")) lines.pop();
  return lines;
}

/** Bytes from `pos` to the end of the file. */
function readToEnd(read: ReadAt, pos: number): number {
  let total = 0;
  for (;;) {
    const n = read(pos + total, CHUNK).length;
    if (n <= 0) return total;
    total += n;
  }
}
