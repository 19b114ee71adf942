/**
 * getOrCreate in one process, on a ManualClock: state restored from its data checkpoint,
 * pending batches run first, the same batch grid afterwards, mapWithState too; and a changed
 * graph refused with what changed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointGraphMismatchException, ManualClock, StreamingContext } from "../../../src/index.js";
import { stopAll, totalsAfter, wordTotalsApp, WordsByBatch, type AppOptions, type Outputs } from "./inProcessApp.js";

function tempDir(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), "dstream-recover-"));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Runs `batches` batches of the app in `dir` (resuming it if it has a checkpoint), then stops. */
async function run(dir: string, batches: number, outputs: Outputs, options: AppOptions = {}): Promise<ManualClock> {
  const clock = new ManualClock();
  const ssc = StreamingContext.getOrCreate(dir, wordTotalsApp(dir, clock, outputs, options));
  try {
    ssc.start();
    await clock.advance(batches * (options.batchMs ?? 1000));
  } finally {
    await stopAll(ssc);
  }
  return clock;
}

for (const master of ["local[1]", "local[2]"]) {
  test(`[${master}] the state resumes from its checkpoint, on the same batch grid`, async (t) => {
    const dir = tempDir(t);
    const outputs: Outputs = new Map();
    await run(dir, 5, outputs, { master });
    assert.deepEqual([...outputs.keys()], [1000, 2000, 3000, 4000, 5000]);
    // A new ManualClock starts at 0; recovery sets it forward to the checkpoint, as Spark does.
    WordsByBatch.computed.length = 0;
    const clock = await run(dir, 3, outputs, { master });
    // The state of batch 4000 came from its data checkpoint (every 2 s): only later input was read again.
    assert.deepEqual([...new Set(WordsByBatch.computed)].sort((a, b) => a - b), [5000, 6000, 7000, 8000]);
    assert.equal(clock.getTimeMillis(), 8000);
    assert.deepEqual([...outputs.keys()], [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
    for (const [time, totals] of outputs) assert.deepEqual(totals, totalsAfter(time / 1000), `totals after batch ${time}`);
  });
}

test("batches pending when the context stopped run first on recovery, then the clock continues", async (t) => {
  const dir = tempDir(t);
  const outputs: Outputs = new Map();
  const clock = new ManualClock();
  const ssc = StreamingContext.getOrCreate(dir, wordTotalsApp(dir, clock, outputs));
  ssc.start();
  await clock.advance(3000);
  // Six batches become due at once; stopping at once drops those not started: they stay pending.
  void clock.advance(6000);
  await stopAll(ssc);
  const before = new Set(outputs.keys());
  assert.ok(before.size < 9, `some batches were still pending when the context stopped (ran ${[...before].join(", ")})`);

  const clock2 = new ManualClock();
  const ssc2 = StreamingContext.getOrCreate(dir, wordTotalsApp(dir, clock2, outputs));
  try {
    ssc2.start();
    await clock2.advance(2000);
  } finally {
    await stopAll(ssc2);
  }
  assert.deepEqual([...outputs.keys()].sort((a, b) => a - b), [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 11000]);
  for (const [time, totals] of outputs) assert.deepEqual(totals, totalsAfter(time / 1000), `totals after batch ${time}`);
});

test("mapWithState resumes from its checkpointed state maps", async (t) => {
  const dir = tempDir(t);
  const outputs: Outputs = new Map();
  await run(dir, 12, outputs, { variant: "mapWithState" });
  WordsByBatch.computed.length = 0;
  await run(dir, 4, outputs, { variant: "mapWithState" });
  // Its default interval is ten batches: the state of batch 10000 came from files.
  assert.deepEqual([...new Set(WordsByBatch.computed)].sort((a, b) => a - b), [11000, 12000, 13000, 14000, 15000, 16000]);
  assert.equal(outputs.size, 16);
  for (const [time, totals] of outputs) assert.deepEqual(totals, totalsAfter(time / 1000), `state after batch ${time}`);
});

const changes: Array<[AppOptions["variant"] | "batch", RegExp]> = [
  ["changedFunction", /stream \d+ \(StateDStream, updateStateByKey at .*\): the source of its function changed/],
  ["extraOperator", /the checkpoint has a StateDStream here .*; operations were added, removed or reordered/],
  ["changedWindow", /windowDuration was 2000 ms and is now 3000 ms/],
  ["batch", /the batch duration was 1000 ms and is now 500 ms/],
];

for (const [variant, expected] of changes) {
  test(`a changed graph is refused with what changed and what to do (${variant})`, async (t) => {
    const dir = tempDir(t);
    await run(dir, 3, new Map());
    const options: AppOptions = variant === "batch" ? { batchMs: 500 } : { variant };
    const clock = new ManualClock();
    assert.throws(
      () => StreamingContext.getOrCreate(dir, wordTotalsApp(dir, clock, new Map(), options)),
      (e: unknown) => {
        assert.ok(e instanceof CheckpointGraphMismatchException, String(e));
        assert.match(e.message, /^Cannot recover from checkpoint .*checkpoint-\d+-\d+ \(batch \d+ ms\): the application's DStream graph is not the one that wrote it/);
        assert.match(e.message, expected);
        assert.match(e.message, /delete the checkpoint directory .* \(its state is lost\) or give the new application a new checkpoint directory/);
        return true;
      },
    );
    // The refused context's SparkContext is stopped for the caller, who never saw it.
    await stopAll(undefined);
    // The unchanged application still resumes the checkpoint.
    const outputs: Outputs = new Map();
    await run(dir, 1, outputs);
    assert.deepEqual([...outputs.keys()], [4000]);
  });
}

test("getActiveOrCreate returns the active context, or resumes the checkpoint", async (t) => {
  const dir = tempDir(t);
  await run(dir, 2, new Map());
  const clock = new ManualClock();
  const outputs: Outputs = new Map();
  const ssc = StreamingContext.getActiveOrCreate(dir, wordTotalsApp(dir, clock, outputs));
  try {
    ssc.start();
    assert.equal(StreamingContext.getActiveOrCreate(dir, () => assert.fail("not called while a context is active")), ssc);
    await clock.advance(1000);
    assert.deepEqual(outputs.get(3000), totalsAfter(3));
  } finally {
    await stopAll(ssc);
  }
});
