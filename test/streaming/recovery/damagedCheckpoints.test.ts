/**
 * Damaged and foreign checkpoint files: recovery falls back to the previous good checkpoint
 * with a warning naming the damaged file, or refuses with an error that says what it found
 * and what to do; never a bare crash.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointReadException, ManualClock, StreamingContext } from "../../../src/index.js";
import { encodeHeader } from "../../../src/core/storage/ChecksummedFile.js";
import { captureLog, stopAll, totalsAfter, wordTotalsApp, type Outputs } from "./inProcessApp.js";
import { ChildApp } from "./childApp.js";

async function run(dir: string, batches: number, outputs: Outputs, options: { createOnError?: boolean } = {}): Promise<void> {
  const clock = new ManualClock();
  const ssc = StreamingContext.getOrCreate(dir, wordTotalsApp(dir, clock, outputs), options);
  try {
    ssc.start();
    await clock.advance(batches * 1000);
  } finally {
    await stopAll(ssc);
  }
}

/** A checkpoint directory after five batches, and its metadata files newest first. */
async function written(t: { after: (fn: () => void) => void }): Promise<{ dir: string; files: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "dstream-damaged-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await run(dir, 5, new Map());
  const files = readdirSync(dir)
    .filter((n) => n.startsWith("checkpoint-"))
    .sort()
    .reverse()
    .map((n) => join(dir, n));
  assert.ok(files.length >= 2, `several checkpoints are kept: ${files.join(", ")}`);
  return { dir, files };
}

/** Resumes after damage: the batches continue correctly, and the log names the damaged file. */
async function resumesDespite(dir: string, damaged: string, reason: RegExp): Promise<void> {
  const outputs: Outputs = new Map();
  const { log } = await captureLog(() => run(dir, 2, outputs));
  assert.match(log, new RegExp(`WARN .*Skipping a damaged checkpoint: ${damaged.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
  assert.match(log, reason);
  assert.match(log, /Recovering from the older checkpoint .*checkpoint-\d+-\d+/);
  const times = [...outputs.keys()];
  assert.ok(times.length >= 2, `batches ran after recovery: ${times.join(", ")}`);
  for (const [time, totals] of outputs) assert.deepEqual(totals, totalsAfter(time / 1000), `totals after batch ${time}`);
}

test("a truncated newest checkpoint: recovery falls back to the previous one, naming the file", async (t) => {
  const { dir, files } = await written(t);
  truncateSync(files[0]!, readFileSync(files[0]!).length - 10);
  await resumesDespite(dir, files[0]!, /truncated: its header announces \d+ bytes of data, but only \d+ follow/);
});

test("an empty newest checkpoint (a write cut short before any byte): falls back", async (t) => {
  const { dir, files } = await written(t);
  truncateSync(files[0]!, 0);
  await resumesDespite(dir, files[0]!, /the file is empty/);
});

test("a newest checkpoint with a flipped byte fails its checksum: falls back", async (t) => {
  const { dir, files } = await written(t);
  const bytes = readFileSync(files[0]!);
  bytes[bytes.length - 5] ^= 0x20;
  writeFileSync(files[0]!, bytes);
  await resumesDespite(dir, files[0]!, /its data fails its checksum/);
});

test("a damaged header: falls back", async (t) => {
  const { dir, files } = await written(t);
  const bytes = readFileSync(files[0]!);
  bytes[13] ^= 0xff;
  writeFileSync(files[0]!, bytes);
  await resumesDespite(dir, files[0]!, /its header fails its checksum/);
});

test("every checkpoint damaged: an error listing each file and why, and what to do; createOnError starts afresh", async (t) => {
  const { dir, files } = await written(t);
  for (const f of files) truncateSync(f, 40);
  assert.throws(
    () => StreamingContext.getOrCreate(dir, wordTotalsApp(dir, new ManualClock(), new Map())),
    (e: unknown) => {
      assert.ok(e instanceof CheckpointReadException, String(e));
      assert.match(e.message, new RegExp(`Cannot recover from checkpoint directory .*: none of its ${files.length} checkpoint\\(s\\) is usable:`));
      for (const f of files) assert.ok(e.message.includes(`${f}: truncated`), `the error names ${f}: ${e.message}`);
      assert.match(e.message, /delete it \(or use a new one\) to start afresh .*createOnError: true/);
      return true;
    },
  );
  const outputs: Outputs = new Map();
  const { log } = await captureLog(() => run(dir, 2, outputs, { createOnError: true }));
  assert.match(log, /Could not read the checkpoint in .*; starting afresh \(createOnError\)/);
  assert.deepEqual([...outputs.entries()], [[1000, totalsAfter(1)], [2000, totalsAfter(2)]]);
});

test("a foreign file named like a checkpoint is refused, not skipped", async (t) => {
  const { dir } = await written(t);
  const foreign = join(dir, "checkpoint-999999999999-1");
  writeFileSync(foreign, Buffer.from("PK\x03\x04 a zip archive, say", "latin1"));
  assert.throws(
    () => StreamingContext.getOrCreate(dir, wordTotalsApp(dir, new ManualClock(), new Map())),
    (e: unknown) => {
      assert.ok(e instanceof CheckpointReadException, String(e));
      assert.match(e.message, /checkpoint-999999999999-1: not a dstream file: it starts with bytes 50 4b 03 04 20 61 20 7a instead of dstream's header/);
      assert.match(e.message, /point the application at its own checkpoint directory, or remove the file/);
      return true;
    },
  );
});

test("Spark's own checkpoint files are refused with an explanation", async (t) => {
  const { dir } = await written(t);
  writeFileSync(join(dir, "checkpoint-1500000000000"), Buffer.from([0xac, 0xed, 0x00, 0x05]));
  assert.throws(
    () => StreamingContext.getOrCreate(dir, wordTotalsApp(dir, new ManualClock(), new Map())),
    /it holds 'checkpoint-1500000000000', which dstream did not write .*Spark's own checkpoints cannot be read/,
  );
});

test("a checkpoint written by a newer dstream is refused, not skipped", async (t) => {
  const { dir, files } = await written(t);
  const bytes = readFileSync(files[0]!);
  const payload = bytes.subarray(32);
  writeFileSync(files[0]!, Buffer.concat([encodeHeader("META", 2, payload), payload]));
  assert.throws(
    () => StreamingContext.getOrCreate(dir, wordTotalsApp(dir, new ManualClock(), new Map())),
    /written in format version 2, but this dstream reads versions 1 to 1: it was written by a newer dstream\. Run the dstream version that wrote it/,
  );
});

test("damaged state data: the checkpoints relying on it are skipped, and if none is left the error says so", async (t) => {
  const { dir, files } = await written(t);
  // Only the newest checkpoint is left: it names the state's data checkpoints (an older one, the
  // one written at start say, may have no state to rely on, and recovery would fall back to it).
  for (const f of files.slice(1)) rmSync(f);
  const appDir = readdirSync(dir).find((n) => n.startsWith("local-"))!;
  for (const rdd of readdirSync(join(dir, appDir))) {
    const part = join(dir, appDir, rdd, "part-00000");
    const bytes = readFileSync(part);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(part, bytes);
  }
  let resumed: StreamingContext | undefined;
  try {
    assert.throws(
      () => (resumed = StreamingContext.getOrCreate(dir, wordTotalsApp(dir, new ManualClock(), new Map()))),
      (e: unknown) => {
        assert.ok(e instanceof CheckpointReadException, String(e));
        assert.match(e.message, /the state it resumes from is damaged: .*part-00000: its data fails its checksum/);
        return true;
      },
    );
  } finally {
    await stopAll(resumed);
  }
});

test("an application refusing a foreign checkpoint exits with the explanation, not just a stack trace", async (t) => {
  const { dir } = await written(t);
  writeFileSync(join(dir, "checkpoint-000000000042-7"), "not a checkpoint\n");
  const work = mkdtempSync(join(tmpdir(), "dstream-damaged-app-"));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const app = new ChildApp("test/fixtures/recoveryFileApp.ts", [work, work, dir]);
  t.after(() => app.kill("SIGKILL"));
  const exit = await app.exited;
  assert.equal(exit.code, 1);
  assert.match(app.stderr, /CheckpointReadException: Cannot recover from checkpoint directory .*checkpoint-000000000042-7: not a dstream file: it starts with "not a ch"/);
});
