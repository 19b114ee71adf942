import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));

/** Runs `npm run example -- <args>` as a user would, outside the test runner's process. */
export async function runExample(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return run(process.execPath, ["--import", "tsx", "examples/run.ts", ...args], { cwd: root, env, timeout: 120_000 });
}

test("WordCount prints the ten most frequent words of the sample text", async () => {
  const text = readFileSync(new URL("../examples/data/sample.txt", import.meta.url), "utf8");
  const counts = new Map<string, number>();
  for (const w of text.split(/\s+/).filter((x) => x.length > 0)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
  const { stdout } = await runExample(["WordCount"]);
  const lines = stdout.trim().split("\n");
  assert.match(lines[0]!, new RegExp(`\\(${counts.size} distinct\\):$`));
  assert.deepEqual(lines.slice(1).map((l) => l.trim().split(/\s+/)), top.map(([w, n]) => [String(n), w]));
});

test("an unknown example name lists the available ones", async () => {
  await assert.rejects(runExample(["NoSuchExample"]), (e: { stderr: string; code: number }) => {
    assert.equal(e.code, 2);
    assert.match(e.stderr, /Unknown example 'NoSuchExample'\. Available examples: .*WordCount/);
    return true;
  });
});
