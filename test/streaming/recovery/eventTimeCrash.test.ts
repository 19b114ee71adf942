/**
 * Event-time windows across a SIGKILL: the process is killed mid-stream, restarted on the same
 * checkpoint, and the windows and late records it emits (duplicates of re-run batches aside:
 * output is at-least-once) are those of a run that was never killed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChildApp } from "./childApp.js";

const APP = "test/fixtures/eventTimeCrashApp.ts";
const BATCH_MS = "300";
const LAST = 14;

/** Runs the app on `dir` until it prints "BATCH <until>", then kills it with SIGKILL. */
async function life(dir: string, until: number): Promise<string[]> {
  const app = new ChildApp(APP, [dir, BATCH_MS]);
  try {
    await app.waitForLine((l) => l === `BATCH ${until}`, 120_000, `batch ${until}`);
  } finally {
    await app.kill("SIGKILL");
  }
  return app.lines;
}

/** The W and L lines of batches up to LAST, once each. */
const outputs = (lines: string[]): string[] => [...new Set(lines.filter((l) => /^[WL] /.test(l) && Number(l.split(" ")[1]) <= LAST))].sort();

test("killed with SIGKILL after batch 6 and restarted, the app emits the windows and late records of an uninterrupted run", { timeout: 300_000 }, async (t) => {
  const dirs = [mkdtempSync(join(tmpdir(), "dstream-et-kill-")), mkdtempSync(join(tmpdir(), "dstream-et-kill-"))];
  t.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const whole = outputs(await life(dirs[0]!, LAST));
  const first = await life(dirs[1]!, 6);
  assert.ok(!first.includes(`BATCH ${LAST}`));
  const second = await life(dirs[1]!, LAST);
  assert.ok(!second.includes("BATCH 1"), "the second life resumed instead of starting over");
  assert.deepEqual(outputs([...first, ...second]), whole);
  // Batch 7's record is late only against the watermark the first life reached: the test can tell a reset.
  assert.ok(whole.includes("L 7 b 5.5"), `batch 7 has a late record: ${whole.join(", ")}`);
});
