import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const app = fileURLToPath(new URL("../fixtures/taskErrorApp.ts", import.meta.url));

/** The first frame of the task failure's cause, as the driver reports it. */
async function firstFrame(master: string, kind: string): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", app, master, kind], { timeout: 60_000 });
  const r = JSON.parse(stdout.trim().split("\n").pop()!) as { message: string; causeStack: string };
  assert.match(r.message, /TypeError: Cannot read properties of undefined \(reading 'value'\)/);
  return r.causeStack.split("\n")[1] ?? "";
}

// taskErrorApp.ts:10 `const pure = (r: Rec): number => r[1]!.value.length;`: V8 points at `value`.
for (const master of ["local[1]", "local[2]"]) {
  test(`an executor-side TypeError in ${master} names the user's TypeScript file, line and column`, async () => {
    assert.match(await firstFrame(master, "pure"), /[/\\]taskErrorApp\.ts:10:40\)?$/);
  });
}

test("a function shipped with captured values reports the user's line and column too", async () => {
  assert.match(await firstFrame("local[2]", "captures"), /[/\\]taskErrorApp\.ts:11:44\)?$/);
});
