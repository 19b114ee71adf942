/**
 * Event-time windows across a restart: StreamingContext.getOrCreate resumes the watermark and
 * the window state from the checkpoint, so a run stopped mid-stream and resumed emits exactly
 * what an uninterrupted run emits, late records included.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock, Milliseconds, Minutes, Seconds, StreamingContext, type Time } from "../../src/index.js";
import { stopAll } from "./recovery/inProcessApp.js";

import { BASE, EventsByBatch, type Event } from "../fixtures/eventTimeEvents.js";

type Out = Map<number, { windows: string[]; late: Event[] }>;

function app(dir: string, clock: ManualClock, out: Out, master: string): () => StreamingContext {
  return () => {
    const ssc = new StreamingContext({ master, appName: "event-time-recovery", batchDuration: Milliseconds(1000), clock, conf: { "spark.ui.enabled": "false" } });
    ssc.checkpoint(dir);
    const timed = new EventsByBatch(ssc).withEventTime(([, t]) => t, { maxOutOfOrderness: Minutes(3) });
    const windows = timed.windowByEventTime(Minutes(2)).count();
    windows.checkpoint(Seconds(2));
    const entry = (t: Time) => {
      const e = out.get(t.milliseconds) ?? { windows: [], late: [] };
      out.set(t.milliseconds, e);
      return e;
    };
    windows.foreachRDD(async (rdd, t) => {
      entry(t).windows = (await rdd.collect()).map(([k, w]) => `${k} ${(w.start - BASE) / 60_000}-${(w.end - BASE) / 60_000} ${w.value}`).sort();
    });
    windows.lateRecords().foreachRDD(async (rdd, t) => {
      entry(t).late = await rdd.collect();
    });
    return ssc;
  };
}

async function run(dir: string, batches: number, out: Out, master: string): Promise<void> {
  const clock = new ManualClock();
  const ssc = StreamingContext.getOrCreate(dir, app(dir, clock, out, master));
  try {
    ssc.start();
    await clock.advance(batches * 1000);
  } finally {
    await stopAll(ssc);
  }
}

for (const master of ["local[1]", "local[2]"]) {
  test(`[${master}] stopped after 5 batches and resumed from the checkpoint, the windows and late records are those of an uninterrupted run`, async (t) => {
    const dirs = [mkdtempSync(join(tmpdir(), "dstream-et-")), mkdtempSync(join(tmpdir(), "dstream-et-"))];
    t.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
    const whole: Out = new Map();
    await run(dirs[0]!, 12, whole, master);
    const resumed: Out = new Map();
    await run(dirs[1]!, 5, resumed, master);
    await run(dirs[1]!, 7, resumed, master);
    const sorted = (o: Out) => [...o].sort((a, b) => a[0] - b[0]);
    assert.deepEqual(sorted(resumed), sorted(whole));
    // The test can tell: batch 6's 12:04:30 is late only because the watermark survived the restart.
    assert.deepEqual(whole.get(6000)?.late, [["b", BASE + 4.5 * 60_000]]);
    assert.ok(sorted(whole).some(([, e]) => e.windows.length > 0), "some windows were emitted");
  });
}
