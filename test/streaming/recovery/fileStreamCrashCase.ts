/**
 * The crash harness for a file-directory source: the application (test/fixtures/recoveryFileApp.ts)
 * is killed with SIGKILL at random points, at least ten times, and resumed with getOrCreate
 * after each kill, while files keep arriving. A second copy of the application runs on the
 * same files without interruption. Proof: the totals are the uninterrupted run's and the
 * inputs' own; every batch of the grid has exactly one output; every file is counted in
 * exactly one batch; and each batch's totals are the previous batch's plus its own words.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChildApp, prng, waitUntil } from "./childApp.js";
import { exists, join as joinAny, mkdirs, move, names as namesIn, put, type FileBase } from "../../helpers/fileBase.js";

const APP = "test/fixtures/recoveryFileApp.ts";
const FILES = 60;
const MIN_KILLS = 10;
const VOCABULARY = Array.from({ length: 25 }, (_, i) => `w${i}`);

interface InputFile {
  id: string;
  text: string;
  lines: number;
  words: Map<string, number>;
}

function inputs(): InputFile[] {
  const rnd = prng(20240607);
  return Array.from({ length: FILES }, (_, i) => {
    const id = `f${String(i).padStart(3, "0")}`;
    const words = new Map<string, number>();
    const lines: string[] = [];
    const n = 3 + Math.floor(rnd() * 10);
    for (let l = 0; l < n; l++) {
      const ws = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => VOCABULARY[Math.floor(rnd() * VOCABULARY.length)]!);
      for (const w of ws) words.set(w, (words.get(w) ?? 0) + 1);
      lines.push([id, ...ws].join(" "));
    }
    return { id, text: lines.join("\n") + "\n", lines: n, words };
  });
}

function sumWords(files: readonly InputFile[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of files) for (const [w, n] of f.words) out[w] = (out[w] ?? 0) + n;
  return out;
}

function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The output files by batch time: `<time>.batch.json` and `<time>.totals.json`. */
function readOutput(dir: string): Map<number, { batch?: { files: Record<string, number>; words: Record<string, number> }; totals?: Record<string, number> }> {
  const out = new Map<number, { batch?: { files: Record<string, number>; words: Record<string, number> }; totals?: Record<string, number> }>();
  for (const name of readdirSync(dir)) {
    const m = /^(\d+)\.(batch|totals)\.json$/.exec(name);
    if (!m) continue;
    const t = Number(m[1]);
    const entry = out.get(t) ?? {};
    const value = JSON.parse(readFileSync(join(dir, name), "utf8"));
    if (m[2] === "batch") entry.batch = value;
    else entry.totals = value;
    out.set(t, entry);
  }
  return out;
}

function latestTotals(dir: string): Record<string, number> | undefined {
  const times = [...readOutput(dir)].filter(([, v]) => v.totals).map(([t]) => t);
  if (times.length === 0) return undefined;
  return readOutput(dir).get(Math.max(...times))!.totals;
}

/**
 * The harness, with the input and checkpoint directories under `base` (local, or HDFS) and the
 * application's own output on local disk. `env` reaches the application (the HDFS address).
 */
export function fileStreamCrashTest(base: FileBase, BATCH_MS: number, env: Record<string, string> = {}, timeoutMs = 300_000, todo?: string): void {
test(`file stream + updateStateByKey survives at least ten SIGKILLs (${base.label} input and checkpoints): same totals, every batch exactly once`, { timeout: timeoutMs, todo }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), "dstream-crash-file-"));
  const remote = base.newDir();
  const dirs = (name: string) => ({ input: joinAny(remote, name, "in"), output: join(work, name, "out"), checkpoint: joinAny(remote, name, "cp") });
  const steady = dirs("steady");
  const crashy = dirs("crashy");
  for (const d of [steady, crashy]) {
    mkdirs(d.input);
    mkdirSync(d.output, { recursive: true });
  }
  const staging = joinAny(remote, "staging");
  mkdirs(staging);
  const files = inputs();
  const expected = sorted(sumWords(files));
  const start = (d: typeof steady): ChildApp => new ChildApp(APP, [d.input, d.output, d.checkpoint, String(BATCH_MS)], env);

  const uninterrupted = start(steady);
  let app = start(crashy);
  // One hook, in this order, whatever happened: the applications, then the files.
  t.after(async () => {
    for (const a of [uninterrupted, app]) await a.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });
  await uninterrupted.waitForLine((l) => l === "STARTED", 60_000, "the uninterrupted application to start");
  await app.waitForLine((l) => l === "STARTED", 60_000, "the application to start");
  // Files older than the stream are ignored, and a run killed before its first checkpoint starts afresh: produce only after one exists.
  await waitUntil(() => (exists(crashy.checkpoint) && namesIn(crashy.checkpoint).some((n) => n.startsWith("checkpoint-")) ? true : undefined), 30_000, "the first checkpoint is written");

  let produced = 0;
  const producer = (async () => {
    const rnd = prng(7);
    for (const f of files) {
      // Written elsewhere and moved in whole, as a file stream requires.
      for (const d of [steady, crashy]) {
        const tmp = joinAny(staging, `${f.id}-${d === steady ? "s" : "c"}`);
        put(tmp, f.text);
        move(tmp, joinAny(d.input, `${f.id}.txt`));
      }
      produced++;
      await new Promise((r) => setTimeout(r, 40 + rnd() * 160));
    }
  })();

  const killLog: string[] = [];
  let kills = 0;
  const loopDeadline = Date.now() + 150_000;
  while ((kills < MIN_KILLS || produced < FILES) && Date.now() < loopDeadline) {
    // Half the kills land anywhere in the application's life, startup and recovery included;
    // the others after it has completed a batch, so that it also makes progress.
    const anywhere = kills % 2 === 0;
    if (!anywhere) await app.waitForLine((l) => l.startsWith("BATCH"), 60_000, "a batch to complete after recovery");
    const delay = Math.floor(anywhere ? 150 + Math.random() * 2500 : Math.random() * 1200);
    await new Promise((r) => setTimeout(r, delay));
    const exit = await app.kill("SIGKILL");
    assert.equal(exit.signal, "SIGKILL", `the application ended on its own before kill ${kills + 1}:\n${app.stderr.slice(-3000)}`);
    kills++;
    killLog.push(`${anywhere ? "anywhere" : "after a batch"} +${delay} ms (${app.lines.filter((l) => l.startsWith("BATCH")).length} batches in that life)`);
    app = start(crashy);
  }
  await producer;
  assert.ok(kills >= MIN_KILLS, `only ${kills} kills happened in time`);
  t.diagnostic(`kill points: ${killLog.join("; ")}`);

  // The last life recovers and runs; both runs catch up with every file, then stop gracefully
  // (SIGTERM with spark.streaming.stopGracefullyOnShutdown).
  // A loaded machine leaves a run far behind its clock (on HDFS every batch makes a dozen
  // blocking HTTP calls): the wait for catching up grows with the test's own bound.
  const catchUpMs = Math.max(120_000, timeoutMs * 0.4);
  await app.waitForLine((l) => l.startsWith("BATCH"), 60_000, "the last life to complete a batch");
  for (const [a, d] of [[uninterrupted, steady], [app, crashy]] as const) {
    await waitUntil(() => {
      const latest = latestTotals(d.output);
      return latest !== undefined && JSON.stringify(sorted(latest)) === JSON.stringify(expected) ? true : undefined;
    }, catchUpMs, `${d === steady ? "the uninterrupted" : "the restarted"} run has counted every file`);
    a.signal("SIGTERM");
    const exit = await a.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, `a graceful stop ends the process normally:\n${a.lines.slice(-5).join("\n")}\n${a.stderr.slice(-3000)}`);
  }

  // The totals are the uninterrupted run's, which are the inputs' own.
  assert.deepEqual(sorted(latestTotals(crashy.output)!), sorted(latestTotals(steady.output)!));
  assert.deepEqual(sorted(latestTotals(crashy.output)!), expected);

  // Every batch of the grid exactly once: one output per batch time, none missing between the first and the last.
  const output = readOutput(crashy.output);
  const times = [...output.keys()].sort((a, b) => a - b);
  for (let i = 1; i < times.length; i++) {
    assert.equal(times[i]! - times[i - 1]!, BATCH_MS, `no batch is missing between ${times[i - 1]} and ${times[i]}: recovery stays on the grid and runs the batches missed while down`);
  }
  const seen = new Map<string, number>();
  let previous: Record<string, number> = {};
  const byId = new Map(files.map((f) => [f.id, f]));
  for (const time of times) {
    const { batch, totals } = output.get(time)!;
    assert.ok(batch && totals, `batch ${time} wrote both of its outputs`);
    const batchFiles = [...Object.keys(batch.files)].map((id) => byId.get(id)!);
    for (const [id, lines] of Object.entries(batch.files)) {
      assert.equal(lines, byId.get(id)!.lines, `batch ${time} read all of ${id}`);
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    assert.deepEqual(sorted(batch.words), sorted(sumWords(batchFiles)), `batch ${time}'s words are its files' words`);
    const next: Record<string, number> = { ...previous };
    for (const [w, n] of Object.entries(batch.words)) next[w] = (next[w] ?? 0) + n;
    assert.deepEqual(sorted(totals), sorted(next), `batch ${time}'s totals are the previous batch's plus its own words`);
    previous = totals;
  }
  for (const f of files) assert.equal(seen.get(f.id), 1, `${f.id} is counted in exactly one batch`);

  // Old checkpoints are cleaned up: a few metadata files, no temporary files, the live data checkpoints only.
  const names = namesIn(crashy.checkpoint);
  assert.ok(names.filter((n) => n.startsWith("checkpoint-")).length <= 3, `at most 3 metadata checkpoints are kept: ${names.join(", ")}`);
  assert.ok(!names.some((n) => n.includes(".tmp-")), `no temporary files are left: ${names.join(", ")}`);
  const dataDirs = names.filter((n) => n.startsWith("local-")).flatMap((n) => (exists(joinAny(crashy.checkpoint, n)) ? namesIn(joinAny(crashy.checkpoint, n)) : []));
  assert.ok(dataDirs.length <= 6, `obsolete data checkpoints are removed (found ${dataDirs.length}: ${dataDirs.join(", ")})`);
});
}
