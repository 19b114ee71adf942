/**
 * docs/ui.md's code blocks: TypeScript runs, every curl address is fetched from a running
 * application, every dstream command line uses only options the command has, and the sample
 * status line is in the format the command prints.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { startApp } from "./support.js";
import { readDocBlocks } from "../helpers/docBlocks.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const blocks = readDocBlocks(root, "docs/ui.md");

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // The snippets are applications, not test files: the UI starts as it would for a user.
  delete env.NODE_TEST_CONTEXT;
  return env;
}

test("docs/ui.md has code blocks only of the kinds this test checks", () => {
  assert.ok(blocks.length >= 5);
  for (const b of blocks) assert.ok(["ts", "sh", "text"].includes(b.lang), `unchecked code block language '${b.lang}'`);
});

test("the TypeScript examples run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dstream-docs-"));
  try {
    const index = pathToFileURL(join(root, "src/index.ts")).href;
    for (const [i, b] of blocks.filter((x) => x.lang === "ts").entries()) {
      const file = join(dir, `example${i}.mts`);
      writeFileSync(file, b.code.replace(/from "dstream"/g, `from ${JSON.stringify(index)}`));
      const { stdout } = await run(process.execPath, ["--import", "tsx", file], { cwd: root, env: childEnv(), timeout: 60_000 });
      assert.match(stdout, /^UI at http:\/\/127\.0\.0\.1:\d+\ntrue\n$/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("every curl in the docs gets a 200 from a running application", async () => {
  const app = await startApp();
  try {
    await app.clock.advance(1000);
    await app.clock.advance(1000);
    const cached = app.ssc.sparkContext.parallelize([1, 2, 3, 4], 2).cache();
    await cached.count();
    const curls = blocks
      .filter((b) => b.lang === "sh")
      .flatMap((b) => b.code.split("\n"))
      .filter((l) => l.startsWith("curl "));
    assert.ok(curls.length >= 10);
    for (const line of curls) {
      const raw = line.split(/\s+/).find((t) => /^"?http/.test(t))!.replace(/"/g, "");
      const url = raw.replace("http://localhost:4040", app.url).replace("$APP_ID", app.appId).replace("$BATCH_ID", "1000").replace("$RDD_ID", String(cached.id));
      const controller = new AbortController();
      const res = await fetch(url, { signal: controller.signal });
      assert.equal(res.status, 200, `${line} -> ${url}`);
      // /events never ends: its first event is enough.
      const reader = res.body!.getReader();
      const first = await reader.read();
      assert.ok(first.value && first.value.length > 0, line);
      controller.abort();
    }
  } finally {
    await app.stop();
  }
});

test("every dstream command line in the docs uses options the command has", async () => {
  const lines = blocks
    .filter((b) => b.lang === "sh")
    .flatMap((b) => b.code.split("\n"))
    .filter((l) => l.startsWith("dstream "));
  assert.ok(lines.length >= 4);
  const helps = new Map<string, string>();
  for (const line of lines) {
    const tokens = line.split(/\s+/);
    const sub = tokens[1]!;
    assert.ok(["submit", "run-example", "init"].includes(sub), line);
    if (!helps.has(sub)) {
      const { stdout } = await run(process.execPath, [join(root, "src/cli/dstream.mjs"), sub, "--help"], { cwd: root, env: childEnv() });
      helps.set(sub, stdout);
    }
    // Everything after the application file (or the example's name) is the application's.
    const end = tokens.findIndex((x, i) => i > 1 && (/\.(c|m)?(t|j)s$/.test(x) || /^[A-Z]\w+$/.test(x)));
    for (const t of (end >= 0 ? tokens.slice(0, end) : tokens).filter((x) => x.startsWith("--"))) {
      assert.match(helps.get(sub)!, new RegExp(`\\s${t}[\\s,]`), `${line}: ${t} is an option of dstream ${sub}`);
    }
  }
});

test("the status line shown in the docs is the command's format", () => {
  const text = blocks.filter((b) => b.lang === "text");
  assert.equal(text.length, 1);
  assert.match(
    text[0]!.code.trim(),
    /^batch \d\d:\d\d:\d\d \| [\d,]+ records \| processing \S+ \S+ \| scheduling \S+ \S+ \| total delay \S+ \S+ \| \d+ batches \| UI http:\/\/127\.0\.0\.1:\d+$/,
  );
});
