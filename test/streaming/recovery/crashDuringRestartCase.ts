/**
 * A crash while a recovered context is still regenerating its batches. Recovery regenerates the
 * batches the checkpoint had pending (and those the clock passed while down) before the timer
 * resumes (Spark's JobGenerator.restart), and checkpoints are written meanwhile. Each of those
 * checkpoints must still name every batch not yet regenerated: a crash right after one is
 * written, with the rest of the batches not yet regenerated, must not lose them.
 *
 * The crash is taken as a copy of the checkpoint directory at the moment the first checkpoint
 * written by the recovering context is on disk and the next batch is being computed (on HDFS a
 * checkpoint write returns once the file is in place; locally, when an input's `prepareBatch`
 * waits, the first write is the synchronous one at start). A third context recovers from that
 * copy: together with the first run, every batch of the grid has its output.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FileSystems, InputDStream, Milliseconds, ManualClock, StreamingContext, type RDD, type Time } from "../../../src/index.js";
import { joinPath } from "../../../src/core/fs/fsPath.js";
import type { FileBase } from "../../helpers/fileBase.js";
import { stopAll, totalsAfter, wordsOf, type Outputs } from "./inProcessApp.js";

const BATCH = 1000;

/** Batch i holds wordsOf(i); calls `beforeCompute` first; its prepareBatch waits a turn when `asyncPrepare` is set (as Kafka's asks the brokers). */
class CrashPointWords extends InputDStream<string> {
  static beforeCompute: (() => void) | undefined;
  static asyncPrepare = false;
  start(): void {}
  stop(): void {}
  override prepareBatch(): void | Promise<void> {
    if (CrashPointWords.asyncPrepare) return new Promise((r) => setImmediate(r));
  }
  compute(t: Time): RDD<string> {
    CrashPointWords.beforeCompute?.();
    const i = (t.milliseconds - this.zeroTime!.milliseconds) / BATCH;
    return this.context.sparkContext.parallelize(wordsOf(i), 2);
  }
}

function app(dir: string, clock: ManualClock, outputs: Outputs, conf: Record<string, string>): () => StreamingContext {
  return () => {
    const ssc = new StreamingContext({ master: "local[2]", appName: "crash-during-restart", batchDuration: Milliseconds(BATCH), clock, conf: { "spark.ui.enabled": "false", ...conf } });
    ssc.checkpoint(dir);
    new CrashPointWords(ssc)
      .map((w) => [w, 1] as [string, number])
      .updateStateByKey((values: number[], state: number | undefined) => (state ?? 0) + values.length)
      .checkpoint(Milliseconds(2 * BATCH))
      .foreachRDD(async (rdd, time) => {
        outputs.set(time.milliseconds, ((await rdd.collect()) as Array<[string, number]>).sort(([a], [b]) => (a < b ? -1 : 1)));
      });
    return ssc;
  };
}

function checkpointNames(dir: string): string[] {
  return FileSystems.get(dir)
    .listStatus(dir)
    .map((s) => s.name)
    .filter((n) => n.startsWith("checkpoint-"));
}

/** Copies a directory tree, through whichever filesystem holds it. */
function copyTree(from: string, to: string): void {
  const fs = FileSystems.get(from);
  fs.mkdirs(to);
  for (const s of fs.listStatus(from)) {
    if (s.isDirectory) copyTree(joinPath(from, s.name), joinPath(to, s.name));
    else fs.create(joinPath(to, s.name), fs.read(joinPath(from, s.name), 0, s.length), true);
  }
}

export function crashDuringRestartTest(base: FileBase, asyncPrepare: boolean): void {
  const inputs = asyncPrepare ? "an input whose prepareBatch waits" : "inputs prepared at once";
  test(`a crash after the first checkpoint a recovering context writes loses no batch (${base.label} checkpoints, ${inputs})`, async (t) => {
    t.after(() => {
      CrashPointWords.beforeCompute = undefined;
      CrashPointWords.asyncPrepare = false;
    });
    const root = base.newDir();
    const dir = joinPath(root, "cp");
    const crashed = joinPath(root, "crashed");
    const before: Outputs = new Map();
    const clock = new ManualClock();
    const first = StreamingContext.getOrCreate(dir, app(dir, clock, before, base.conf));
    first.start();
    await clock.advance(3 * BATCH);
    // Six batches become due at once; stopping at once leaves those not started pending.
    void clock.advance(6 * BATCH);
    await stopAll(first);
    assert.ok(before.size < 9, `some batches were still pending when the context stopped (ran ${[...before.keys()].join(", ")})`);

    // The recovering context "crashes" at the first batch it computes after a checkpoint of its own is on disk.
    const written = new Set(checkpointNames(dir));
    let copied = false;
    CrashPointWords.beforeCompute = () => {
      if (copied || checkpointNames(dir).every((n) => written.has(n))) return;
      copied = true;
      copyTree(dir, crashed);
    };
    CrashPointWords.asyncPrepare = asyncPrepare;
    const second = StreamingContext.getOrCreate(dir, app(dir, new ManualClock(), new Map(), base.conf));
    try {
      second.start();
      await new Promise((r) => setImmediate(r));
    } finally {
      await stopAll(second);
      CrashPointWords.beforeCompute = undefined;
      CrashPointWords.asyncPrepare = false;
    }
    assert.ok(copied, "the recovering context computed a batch after writing a checkpoint");

    const after: Outputs = new Map();
    const clock3 = new ManualClock();
    const third = StreamingContext.getOrCreate(crashed, app(crashed, clock3, after, base.conf));
    try {
      third.start();
      await clock3.advance(2 * BATCH);
    } finally {
      await stopAll(third);
    }
    const times = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b);
    assert.deepEqual(times, Array.from({ length: 11 }, (_, i) => (i + 1) * BATCH), "every batch of the grid ran, before the crash or after it");
    for (const [time, totals] of after) assert.deepEqual(totals, totalsAfter(time / BATCH), `totals after batch ${time}`);
  });
}
