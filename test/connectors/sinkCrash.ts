/**
 * The kill-and-resume harness the sinks' crash tests share: a fixture reads the files that
 * appear in a directory and writes them to its sink, resumed with getOrCreate; files arrive one
 * by one while it is SIGKILLed `kills` times at random moments, each once the sink's output has
 * grown since the last kill. Resolves once the last file's data is written and two more batches
 * have run, so that a duplicate written late would still show.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { ChildApp, prng, waitUntil } from "../streaming/recovery/childApp.js";

export interface SinkCrashRun {
  /** The fixture and its arguments; given the input and checkpoint directories. */
  readonly fixture: (input: string, checkpoint: string) => { script: string; args: string[] };
  /** Each file's lines, in the order the files arrive. */
  readonly files: readonly string[][];
  /** How much the sink holds (rows, entries): grows with every batch committed. */
  written(): Promise<number>;
  /** Whether the last file's data is in the sink. */
  lastWritten(): Promise<boolean>;
  readonly kills: number;
  readonly seed: number;
}

/** Runs the fixture through the kills; returns how much the sink held at each kill. */
export async function killWhileFilesArrive(t: TestContext, run: SinkCrashRun): Promise<number[]> {
  const work = mkdtempSync(join(tmpdir(), "dstream-sink-crash-"));
  const input = join(work, "in");
  const staging = join(work, "staging");
  const cp = join(work, "cp");
  mkdirSync(input);
  mkdirSync(staging);
  const start = (): ChildApp => {
    const { script, args } = run.fixture(input, cp);
    return new ChildApp(script, args);
  };
  let app = start();
  t.after(async () => {
    await app.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });
  await app.waitForLine((l) => l === "STARTED", 60_000, "the application to start");
  // A run killed before its first checkpoint starts afresh and ignores older files: produce after one exists.
  await waitUntil(() => (readdirSync(cp).some((n) => n.startsWith("checkpoint-")) ? true : undefined), 30_000, "the first checkpoint");
  const producer = (async () => {
    for (const [f, lines] of run.files.entries()) {
      writeFileSync(join(staging, `f${f}`), lines.join("\n") + "\n");
      renameSync(join(staging, `f${f}`), join(input, `f${String(f).padStart(3, "0")}.txt`));
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  const rnd = prng(run.seed);
  const writtenAtKill: number[] = [];
  for (let k = 0; k < run.kills; k++) {
    // A file stream's batches report no record count: the sink's output growing says data flows.
    const before = writtenAtKill.at(-1) ?? 0;
    const deadline = Date.now() + 60_000;
    for (let w = await run.written(); w <= before && !(await run.lastWritten()); w = await run.written()) {
      if (Date.now() > deadline || app.hasExited) throw new Error(`nothing is written after restart ${k}\n${app.stderr.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, Math.floor(rnd() * 500)));
    assert.equal((await app.kill("SIGKILL")).signal, "SIGKILL", `the application ended on its own:\n${app.stderr.slice(-2000)}`);
    writtenAtKill.push(await run.written());
    app = start();
  }
  await producer;
  const deadline = Date.now() + 120_000;
  while (!(await run.lastWritten())) {
    if (Date.now() > deadline || app.hasExited) throw new Error(`the last file's data was never written (${await run.written()} written)\n${app.stderr.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const seen = app.lines.length;
  await waitUntil(() => (app.lines.slice(seen).filter((l) => l.startsWith("BATCH")).length >= 2 ? true : undefined), 30_000, "two more batches");
  await app.kill("SIGTERM");
  t.diagnostic(`written at each kill: ${writtenAtKill.join(", ")}`);
  return writtenAtKill;
}
