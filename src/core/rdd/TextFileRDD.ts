import { closeSync, openSync, readSync } from "node:fs";
import { RDD } from "./RDD.js";
import type { SparkContext } from "../SparkContext.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs } from "../executor/plan.js";
import { listInputFiles } from "./inputFiles.js";

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

/** The position of the first newline at or after `pos`, or -1 at end of file. */
function findNewline(fd: number, pos: number): number {
  const buf = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, pos);
    if (n <= 0) return -1;
    const i = buf.subarray(0, n).indexOf(10);
    if (i >= 0) return pos + i;
    pos += n;
  }
}

/**
 * A line belongs to this split when its first byte is in (start, end], or it starts at 0.
 * So skip to just past the first newline at or after `start` (unless start is 0), and read
 * through the first newline at or after `end`: exactly where the next split begins.
 */
export function readSplitLines(s: FileSplit): string[] {
  const fd = openSync(s.path, "r");
  try {
    const end = s.start + s.length;
    let first = s.start;
    if (s.start !== 0) {
      const nl = findNewline(fd, s.start);
      if (nl < 0 || nl + 1 > end) return [];
      first = nl + 1;
    }
    const nl = findNewline(fd, end);
    const stop = nl < 0 ? end + readToEnd(fd, end) : nl + 1;
    if (stop <= first) return [];
    const buf = Buffer.allocUnsafe(stop - first);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, first + got);
      if (n <= 0) break;
      got += n;
    }
    const text = buf.toString("utf8", 0, got);
    const lines = text.split("\n");
    if (text.endsWith("\n")) lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.endsWith("\r")) lines[i] = l.slice(0, -1);
    }
    return lines;
  } finally {
    closeSync(fd);
  }
}

/** Bytes from `pos` to the end of the file. */
function readToEnd(fd: number, pos: number): number {
  const buf = Buffer.allocUnsafe(CHUNK);
  let total = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, pos + total);
    if (n <= 0) return total;
    total += n;
  }
}
