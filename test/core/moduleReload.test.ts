import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const run = promisify(execFile);
const app = fileURLToPath(new URL("../fixtures/reloadApp.ts", import.meta.url));

const sideEffectApp = fileURLToPath(new URL("../fixtures/sideEffectApp.ts", import.meta.url));

async function runApp(reload: string, script = app, ...args: string[]): Promise<{ result: Array<[string, number]>; executors: string[]; stderr: string }> {
  // The test runner marks its children; the app must look like a plain script to reload itself.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", script, reload, ...args], { env, timeout: 60_000 });
  return { ...JSON.parse(stdout.trim().split("\n").pop()!), stderr };
}

/** Runs sideEffectApp in `mode` and returns how often each of its top-level appends ran. */
async function sideEffects(mode: string): Promise<{ unguarded: number; guarded: number; executors: string[]; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), "dstream-side-effects-"));
  try {
    const journal = join(dir, "journal");
    const r = await runApp(mode, sideEffectApp, journal);
    assert.deepEqual(r.result, expected);
    const lines = readFileSync(journal, "utf8").split("\n");
    const count = (s: string): number => lines.filter((l) => l === s).length;
    return { unguarded: count("unguarded"), guarded: count("guarded"), executors: r.executors, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const expected = [["a", 1], ["b", 2], ["c", 3], ["d", 1]];

test("a closure over a class instance runs in worker executors by reloading the app module", async () => {
  const r = await runApp("auto");
  assert.deepEqual(r.result, expected);
  assert.ok(r.executors.length > 0);
  assert.ok(!r.executors.includes("driver"), `tasks ran on ${r.executors.join(", ")}`);
  assert.doesNotMatch(r.stderr, /on the driver thread, not in parallel/);
});

test("without module reload the same closure runs on the driver, correctly, with a warning", async () => {
  const r = await runApp("false");
  assert.deepEqual(r.result, expected);
  assert.ok(r.executors.includes("driver"));
  assert.match(r.stderr, /on the driver thread, not in parallel: the flatMap function 1 at .*reloadApp\.ts:\d+ cannot be sent to an executor: captures tokenizer \(a Tokenizer instance\)/);
});

test("when every function ships by source, executors never reload the module: a top-level append runs once", async () => {
  const r = await sideEffects("source");
  assert.equal(r.unguarded, 1, "the unguarded append ran in an executor too");
  assert.equal(r.guarded, 1);
  assert.ok(!r.executors.includes("driver"), `tasks ran on ${r.executors.join(", ")}`);
  assert.doesNotMatch(r.stderr, /Reloading the application module/);
});

test("when a function needs module reload, the reload says why once, and isDriver() keeps a top-level append to one run", async () => {
  const r = await sideEffects("reload");
  assert.equal(r.guarded, 1, "the append guarded by isDriver() ran in an executor");
  // Proof that the executors did reload the module: the unguarded append ran in both of them.
  assert.equal(r.unguarded, 3);
  assert.ok(!r.executors.includes("driver"), `tasks ran on ${r.executors.join(", ")}`);
  const said = r.stderr.match(/Reloading the application module .*sideEffectApp\.ts in each executor, for the flatMap function \d at .*sideEffectApp\.ts:23: it cannot be sent by its source: captures tokenizer \(a Tokenizer instance\)\..*isDriver\(\)/g);
  assert.equal(said?.length, 1, r.stderr);
});
