import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suiteContext, withStreaming } from "../receivers/support.js";
import { ChildApp } from "../recovery/childApp.js";

/** The elements of one batch's directory, from its part files in order; undefined without _SUCCESS. */
function readBatch(dir: string): unknown[] | undefined {
  const names = readdirSync(dir);
  if (!names.includes("_SUCCESS")) return undefined;
  return names
    .filter((n) => n.startsWith("part-"))
    .sort()
    .flatMap((n) =>
      readFileSync(join(dir, n), "utf8")
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as unknown),
    );
}

describe("DStream.saveAsJsonFiles", () => {
  const sc = suiteContext("local[2]");

  test("writes each batch as NDJSON to prefix-<time>.suffix, and leaves a committed batch as it is when it runs again", async () => {
    const work = mkdtempSync(join(tmpdir(), "dstream-json-"));
    try {
      const prefix = join(work, "out", "events");
      const batches: unknown[][] = [
        [{ id: 1, tags: ["a", "b"], note: 'quote " and\nnewline' }, null, "plain", 3.5],
        [[1, "x"], { nested: { deep: true } }],
      ];
      // A stale committed directory for batch 3000, as a run that committed it before a crash left it.
      mkdirSync(join(work, "out", "events-3000.json"), { recursive: true });
      writeFileSync(join(work, "out", "events-3000.json", "_SUCCESS"), "");
      writeFileSync(join(work, "out", "events-3000.json", "part-00000"), '"from the first run"\n');
      await withStreaming(sc(), async ({ ssc, clock }) => {
        ssc.queueStream([...batches, ["replayed"]].map((b) => ssc.sparkContext.parallelize(b, 2)), true).saveAsJsonFiles(prefix, "json");
        ssc.start();
        for (let i = 0; i < 3; i++) await clock.advance(1000);
        const deadline = Date.now() + 30_000;
        while (!existsSync(join(work, "out", "events-2000.json"))) {
          if (Date.now() > deadline) throw new Error("batch 2000 was not written");
          await new Promise((r) => setTimeout(r, 20));
        }
        await ssc.stop({ stopSparkContext: false, stopGracefully: true });
      });
      assert.deepEqual(readBatch(join(work, "out", "events-1000.json")), batches[0]);
      assert.deepEqual(readBatch(join(work, "out", "events-2000.json")), batches[1]);
      assert.deepEqual(readBatch(join(work, "out", "events-3000.json")), ["from the first run"], "a committed batch is not written again");
      // Only committed batches and the hidden temporaries' directory are there.
      assert.deepEqual(readdirSync(join(work, "out")).sort(), [".saveAsJsonFiles_temporary", "events-1000.json", "events-2000.json", "events-3000.json"]);
      assert.deepEqual(readdirSync(join(work, "out", ".saveAsJsonFiles_temporary")), []);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test("an element with no JSON form fails the batch naming it; bad arguments are refused", async () => {
    const work = mkdtempSync(join(tmpdir(), "dstream-json-"));
    try {
      await withStreaming(sc(), async ({ ssc }) => {
        const stream = ssc.queueStream([[1]]);
        assert.throws(() => stream.saveAsJsonFiles(42 as unknown as string), /saveAsJsonFiles: prefix must be a non-empty string, got 42/);
        assert.throws(() => stream.saveAsJsonFiles("p", 1 as unknown as string), /saveAsJsonFiles: suffix must be a string/);
      });
      for (const [bad, re] of [
        [10n, /holds a bigint/],
        [undefined, /has no JSON form/],
      ] as const) {
        const prefix = join(work, `bad-${String(bad)}`);
        await withStreaming(sc(), async ({ ssc, clock }) => {
          ssc.queueStream([ssc.sparkContext.parallelize([1, bad], 1)]).saveAsJsonFiles(prefix);
          ssc.start();
          await clock.advance(1000);
          await assert.rejects(ssc.awaitTerminationOrTimeout(30_000), re);
        });
        assert.equal(existsSync(`${prefix}-1000`), false, "a failed batch leaves no directory under its final name");
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test("SIGKILL at random points never leaves a partial batch under its final name", { timeout: 180_000 }, async (t) => {
    const work = mkdtempSync(join(tmpdir(), "dstream-json-crash-"));
    const prefix = join(work, "batch");
    const n = 20_000;
    const expected = Array.from({ length: n }, (_, i) => ({ i, text: `record "${i}"\n` }));
    let app = new ChildApp("test/fixtures/jsonFilesApp.ts", [prefix, String(n)]);
    t.after(async () => {
      await app.kill("SIGKILL");
      rmSync(work, { recursive: true, force: true });
    });
    let checked = 0;
    for (let k = 0; k < 5; k++) {
      await app.waitForLine((l) => l.startsWith("BATCH"), 60_000, "a batch");
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
      await app.kill("SIGKILL");
      for (const name of readdirSync(work).filter((x) => x.startsWith("batch-"))) {
        assert.match(name, /^batch-\d+\.json$/);
        assert.deepEqual(readBatch(join(work, name)), expected, `${name} is whole`);
        checked++;
      }
      app = new ChildApp("test/fixtures/jsonFilesApp.ts", [prefix, String(n)]);
    }
    t.diagnostic(`${checked} committed batch directories checked whole after the kills`);
    assert.ok(checked > 0);
  });
});
