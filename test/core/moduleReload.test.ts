import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const app = fileURLToPath(new URL("../fixtures/reloadApp.ts", import.meta.url));

async function runApp(reload: string): Promise<{ result: Array<[string, number]>; executors: string[]; stderr: string }> {
  // The test runner marks its children; the app must look like a plain script to reload itself.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", app, reload], { env, timeout: 60_000 });
  return { ...JSON.parse(stdout.trim().split("\n").pop()!), stderr };
}

const expected = [["a", 1], ["b", 2], ["c", 3], ["d", 1]];

test("a closure over a class instance runs in worker executors by reloading the app module", async () => {
  const r = await runApp("auto");
  assert.deepEqual(r.result, expected);
  assert.ok(r.executors.length > 0);
  assert.ok(!r.executors.includes("driver"), `tasks ran on ${r.executors.join(", ")}`);
  assert.doesNotMatch(r.stderr, /driver thread/);
});

test("without module reload the same closure runs on the driver, correctly, with a warning", async () => {
  const r = await runApp("false");
  assert.deepEqual(r.result, expected);
  assert.ok(r.executors.includes("driver"));
  assert.match(r.stderr, /on the driver thread, not in parallel: the flatMap function 1 at .*reloadApp\.ts:\d+ cannot be sent to an executor: captures tokenizer \(a Tokenizer instance\)/);
});
