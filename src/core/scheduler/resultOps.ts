import { FileSystems } from "../fs/FileSystems.js";
import { joinPath } from "../fs/fsPath.js";
import { StopPush, type RDD } from "../rdd/RDD.js";
import { iteratorOf } from "../rdd/MapPartitionsRDD.js";
import type { Fn } from "../rdd/elementOps.js";
import type { TaskContext } from "./TaskContext.js";
import { KeyMap } from "../util/KeyMap.js";
import { compareKeys } from "../util/compareKeys.js";
import { copyValue } from "../util/copyValue.js";
import { StatCounter } from "../util/StatCounter.js";
import { sparkString } from "../util/sparkString.js";
import { reservoirSampleAndCount } from "../util/reservoirSample.js";
import { RangePartitioner } from "../partitioner/RangePartitioner.js";
import { packRecords } from "../serialization/blockCodec.js";
import { writeChecksummedFileSync } from "../storage/ChecksummedFile.js";
import { CHECKPOINT_PART_KIND, checkpointPartFile } from "../rdd/ReliableCheckpointRDD.js";

/**
 * What an action computes on one partition, by name, so that an executor thread can run it
 * with only the name and shippable arguments. The driver merges the per-partition results.
 */
export type ResultOp = (rdd: RDD<unknown>, split: number, ctx: TaskContext, args: unknown[]) => unknown;

export interface ResultOpCall {
  name: string;
  args: unknown[];
}

function cloneZero<T>(zero: T): T {
  // Spark ships the zero value to each task, so each partition folds into its own copy.
  return copyValue(zero);
}

/** A bounded selection of the `num` smallest elements, without sorting the whole partition. */
export function smallest<T>(it: Iterable<T>, num: number, cmp: (a: T, b: T) => number): T[] {
  const best: T[] = [];
  if (num <= 0) return best;
  for (const x of it) {
    if (best.length < num) {
      best.push(x);
      if (best.length === num) best.sort(cmp);
    } else if (cmp(x, best[num - 1]!) < 0) {
      let i = num - 1;
      while (i > 0 && cmp(x, best[i - 1]!) < 0) {
        best[i] = best[i - 1]!;
        i--;
      }
      best[i] = x;
    }
  }
  if (best.length < num) best.sort(cmp);
  return best;
}

export const resultOps: Record<string, ResultOp> = {
  collect(rdd, split, ctx) {
    const out: unknown[] = [];
    rdd.pushTo(split, ctx, (x) => out.push(x));
    return out;
  },
  count(rdd, split, ctx) {
    let n = 0;
    rdd.pushTo(split, ctx, () => n++);
    return n;
  },
  take(rdd, split, ctx, [num]) {
    const out: unknown[] = [];
    const limit = num as number;
    if (limit <= 0) return out;
    try {
      rdd.pushTo(split, ctx, (x) => {
        out.push(x);
        if (out.length >= limit) throw new StopPush();
      });
    } catch (e) {
      if (!(e instanceof StopPush)) throw e;
    }
    return out;
  },
  reduce(rdd, split, ctx, [f]) {
    let has = false;
    let acc: unknown;
    const g = f as Fn;
    rdd.pushTo(split, ctx, (x) => {
      if (has) acc = g(acc, x);
      else {
        acc = x;
        has = true;
      }
    });
    return has ? [acc] : [];
  },
  fold(rdd, split, ctx, [zero, f]) {
    let acc = cloneZero(zero);
    const g = f as Fn;
    rdd.pushTo(split, ctx, (x) => {
      acc = g(acc, x);
    });
    return acc;
  },
  aggregate(rdd, split, ctx, [zero, seqOp]) {
    let acc = cloneZero(zero);
    const g = seqOp as Fn;
    rdd.pushTo(split, ctx, (x) => {
      acc = g(acc, x);
    });
    return acc;
  },
  countByValue(rdd, split, ctx) {
    const m = new KeyMap<unknown, number>();
    rdd.pushTo(split, ctx, (x) => {
      m.update(x, () => 1, (c) => c + 1);
    });
    return Array.from(m.entries());
  },
  async foreach(rdd, split, ctx, [f]) {
    const g = f as Fn;
    for (const x of rdd.iterator(split, ctx)) {
      const r = g(x);
      if (r instanceof Promise) await r;
    }
  },
  async foreachPartition(rdd, split, ctx, [f]) {
    await (f as Fn)(iteratorOf(rdd.iterator(split, ctx)));
  },
  takeOrdered(rdd, split, ctx, [num, cmp]) {
    return smallest(rdd.iterator(split, ctx), num as number, (cmp as Fn | undefined) ?? compareKeys);
  },
  stats(rdd, split, ctx) {
    const s = new StatCounter();
    rdd.pushTo(split, ctx, (x) => s.merge(x as number));
    return s.toJSON();
  },
  lookup(rdd, split, ctx, [key]) {
    const probe = new KeyMap<unknown, true>();
    probe.set(key, true);
    const out: unknown[] = [];
    rdd.pushTo(split, ctx, (kv) => {
      const [k, v] = kv as [unknown, unknown];
      if (probe.has(k)) out.push(v);
    });
    return out;
  },
  saveAsTextFile(rdd, split, ctx, [dir]) {
    const lines: string[] = [];
    rdd.pushTo(split, ctx, (x) => lines.push(sparkString(x)));
    const name = `part-${String(split).padStart(5, "0")}`;
    // Written whole under a temporary name, then renamed: a part file under its final name is complete.
    const fs = FileSystems.get(dir as string, "saveAsTextFile");
    const tmp = joinPath(dir as string, `_temporary`, `${name}-attempt-${ctx.attemptNumber}`);
    fs.create(tmp, Buffer.from(lines.length ? lines.join("\n") + "\n" : ""), true);
    fs.rename(tmp, joinPath(dir as string, name), true);
    return lines.length;
  },
  writeCheckpoint(rdd, split, ctx, [dir]) {
    const records: unknown[] = [];
    rdd.pushTo(split, ctx, (x) => records.push(x));
    // Checksummed, fsynced and renamed into place: a restarted driver trusts these files.
    writeChecksummedFileSync(checkpointPartFile(dir as string, split), CHECKPOINT_PART_KIND, packRecords(records));
    return records.length;
  },
  sampleKeys(rdd, split, ctx, [sampleSize, rddId]) {
    const keys = (function* () {
      for (const kv of rdd.iterator(split, ctx)) yield (kv as [unknown, unknown])[0];
    })();
    const [sample, count] = reservoirSampleAndCount(keys, sampleSize as number, RangePartitioner.sketchSeed(rddId as number, split));
    return { index: split, count, sample };
  },
};
