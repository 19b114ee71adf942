/**
 * The crash harness for a receiver with the write-ahead log: a reliable receiver
 * (test/fixtures/recoverySocketApp.ts) reads numbered lines from this test's TCP server and
 * acknowledges them once `store` has put them in the log; the application is killed with
 * SIGKILL at random points, at least ten times, and resumed with getOrCreate. Proof: every
 * acknowledged line is processed; a line is processed more than once only if the server had
 * to send it again (at-least-once, as the source allows); every batch of the grid has exactly
 * one output; and the totals follow from the batches' outputs, batch after batch. The checkpoint
 * directory, and with it the log, is local or on HDFS.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChildApp, prng, waitUntil } from "./childApp.js";
import { AckingLineServer } from "./ackingLineServer.js";
import { exists, join as joinAny, names as namesIn, type FileBase } from "../../helpers/fileBase.js";

const APP = "test/fixtures/recoverySocketApp.ts";
const LINES = 2400;
const MIN_KILLS = 10;

interface BatchOutput {
  seqs: number[];
  words: Record<string, number>;
}

function readOutput(dir: string): Map<number, { batch?: BatchOutput; totals?: Record<string, number> }> {
  const out = new Map<number, { batch?: BatchOutput; totals?: Record<string, number> }>();
  for (const name of readdirSync(dir)) {
    const m = /^(\d+)\.(batch|totals)\.json$/.exec(name);
    if (!m) continue;
    const entry = out.get(Number(m[1])) ?? {};
    const value = JSON.parse(readFileSync(join(dir, name), "utf8"));
    if (m[2] === "batch") entry.batch = value;
    else entry.totals = value;
    out.set(Number(m[1]), entry);
  }
  return out;
}

function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The harness, with the checkpoint directory under `base`; `env` reaches the application (the HDFS address). */
export function receiverWalCrashTest(base: FileBase, BATCH_MS: number, env: Record<string, string> = {}, timeoutMs = 300_000): void {
test(`a reliable receiver with the write-ahead log loses no acknowledged record across ten SIGKILLs (${base.label} checkpoints)`, { timeout: timeoutMs }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), "dstream-crash-wal-"));
  const output = join(work, "out");
  const checkpoint = joinAny(base.newDir(), "cp");
  mkdirSync(output);
  const rnd = prng(99);
  const vocabulary = Array.from({ length: 20 }, (_, i) => `v${i}`);
  const lines = Array.from({ length: LINES }, (_, i) => [i, ...Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => vocabulary[Math.floor(rnd() * 20)]!)].join(" "));
  const server = new AckingLineServer(lines);
  const port = await server.listen();
  const start = (): ChildApp => new ChildApp(APP, [String(port), output, checkpoint, String(BATCH_MS)], { ...env, ...(process.env.RECOVERY_DEBUG ? { DSTREAM_LOG_LEVEL: "info" } : {}) });
  let app = start();
  // One hook, in this order, whatever happened: the application, then the server, then the files.
  t.after(async () => {
    await app.kill("SIGKILL");
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });
  await app.waitForLine((l) => l === "STARTED", 60_000, "the application to start");

  // Lines are released steadily while the application is killed and restarted.
  let releasing = true;
  const releaser = (async () => {
    while (releasing && server.releasedCount < LINES) {
      server.release(4);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();

  const killLog: string[] = [];
  let kills = 0;
  const deadline = Date.now() + 150_000;
  while ((kills < MIN_KILLS || server.releasedCount < LINES) && Date.now() < deadline) {
    const anywhere = kills % 2 === 0;
    if (!anywhere) await app.waitForLine((l) => l.startsWith("BATCH"), 60_000, "a batch to complete after recovery");
    const delay = Math.floor(anywhere ? 150 + Math.random() * 2500 : Math.random() * 1200);
    await new Promise((r) => setTimeout(r, delay));
    const before = server.acknowledged;
    const exit = await app.kill("SIGKILL");
    assert.equal(exit.signal, "SIGKILL", `the application ended on its own before kill ${kills + 1}:\n${app.stderr.slice(-3000)}`);
    kills++;
    killLog.push(`${anywhere ? "anywhere" : "after a batch"} +${delay} ms, ${before} lines acknowledged`);
    if (process.env.RECOVERY_DEBUG) t.diagnostic(app.stderr.split("\n").filter((l) => /Recover|Restarting the job/.test(l)).join("\n"));
    app = start();
  }
  releasing = false;
  await releaser;
  assert.ok(kills >= MIN_KILLS, `only ${kills} kills happened in time`);
  t.diagnostic(`kill points: ${killLog.join("; ")}`);
  server.release(LINES);

  // The last life acknowledges every line and processes it, then stops gracefully.
  // A loaded machine leaves a run behind its clock (more so on HDFS): the waits grow with the test's bound.
  const catchUpMs = Math.max(60_000, timeoutMs / 5);
  await app.waitForLine((l) => l.startsWith("BATCH"), 60_000, "the last life to complete a batch");
  await waitUntil(() => (server.acknowledged === LINES ? true : undefined), catchUpMs, "every line is acknowledged");
  await waitUntil(() => {
    const seen = new Set<number>();
    for (const { batch } of readOutput(output).values()) for (const s of batch?.seqs ?? []) seen.add(s);
    return seen.size === LINES ? true : undefined;
  }, catchUpMs, "every acknowledged line has been processed");
  app.signal("SIGTERM");
  assert.deepEqual(await app.exited, { code: 0, signal: null }, `a graceful stop ends the process normally:\n${app.stderr.slice(-3000)}`);

  const out = readOutput(output);
  const times = [...out.keys()].sort((a, b) => a - b);
  for (let i = 1; i < times.length; i++) assert.equal(times[i]! - times[i - 1]!, BATCH_MS, `no batch is missing between ${times[i - 1]} and ${times[i]}`);
  const processed = new Map<number, number>();
  let previous: Record<string, number> = {};
  for (const time of times) {
    const { batch, totals } = out.get(time)!;
    assert.ok(batch && totals, `batch ${time} wrote both of its outputs`);
    for (const s of batch.seqs) processed.set(s, (processed.get(s) ?? 0) + 1);
    const next: Record<string, number> = { ...previous };
    for (const [w, n] of Object.entries(batch.words)) next[w] = (next[w] ?? 0) + n;
    assert.deepEqual(sorted(totals), sorted(next), `batch ${time}'s totals are the previous batch's plus its own words`);
    previous = totals;
  }
  let duplicated = 0;
  for (let s = 0; s < LINES; s++) {
    const n = processed.get(s) ?? 0;
    assert.ok(n >= 1, `acknowledged line ${s} was processed (no acknowledged record is lost)`);
    assert.ok(n <= server.sendCount[s]!, `line ${s} was processed ${n} times but sent only ${server.sendCount[s]} times`);
    if (n > 1) duplicated++;
  }
  t.diagnostic(`${duplicated} of ${LINES} lines were processed twice: stored but not yet acknowledged when killed, then sent again`);

  // The write-ahead log is cleaned as batches complete: it holds a bounded number of segments.
  const data = joinAny(checkpoint, "receivedData");
  const segments = namesIn(data).flatMap((stream) => (exists(joinAny(data, stream)) ? namesIn(joinAny(data, stream)) : [])).filter((n) => n.startsWith("log-"));
  assert.ok(segments.length <= 12, `old log segments are deleted (found ${segments.length})`);
});
}
