/**
 * SIGKILL at random points while files arrive, resumed from the checkpoint each time: the table
 * ends with every input row exactly once (no duplicate, no gap), in insert and copy mode, where a
 * replayed batch that wrote again would show as a duplicate row.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChildApp, prng, waitUntil } from "../../streaming/recovery/childApp.js";
import { POSTGRES_URL, uniqueTable, usePostgres } from "./support.js";

const query = usePostgres();
const FILES = 30;
const LINES = 20;
const KILLS = 4;

for (const mode of ["insert", "copy"] as const) {
  test(`${mode}: ${KILLS} SIGKILLs and restarts from the checkpoint leave every row exactly once`, { timeout: 240_000 }, async (t) => {
    const table = uniqueTable(`crash_${mode}`);
    // No key: a batch written twice would be visible as duplicate ids.
    await query(`CREATE TABLE ${table} (id integer NOT NULL, device text NOT NULL, value double precision NOT NULL)`);
    const work = mkdtempSync(join(tmpdir(), "dstream-pg-crash-"));
    const input = join(work, "in");
    const staging = join(work, "staging");
    mkdirSync(input);
    mkdirSync(staging);
    const cp = join(work, "cp");
    const start = (): ChildApp => new ChildApp("test/fixtures/postgresSinkApp.ts", [input, cp, POSTGRES_URL, table, mode, "200"]);
    let app = start();
    t.after(async () => {
      await app.kill("SIGKILL");
      rmSync(work, { recursive: true, force: true });
    });
    await app.waitForLine((l) => l === "STARTED", 60_000, "the application to start");
    // A run killed before its first checkpoint starts afresh and ignores older files: produce after one exists.
    await waitUntil(() => (readdirSync(cp).some((n) => n.startsWith("checkpoint-")) ? true : undefined), 30_000, "the first checkpoint");
    const expected: Array<{ id: number; device: string; value: number }> = [];
    const producer = (async () => {
      for (let f = 0; f < FILES; f++) {
        const lines: string[] = [];
        for (let l = 0; l < LINES; l++) {
          const id = f * LINES + l;
          expected.push({ id, device: `d${id % 5}`, value: id / 2 });
          lines.push(`${id} d${id % 5} ${id / 2}`);
        }
        writeFileSync(join(staging, `f${f}`), lines.join("\n") + "\n");
        renameSync(join(staging, `f${f}`), join(input, `f${String(f).padStart(3, "0")}.txt`));
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const rnd = prng(mode === "insert" ? 11 : 13);
    const count = async (): Promise<number> => Number((await query(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);
    const countsAtKill: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      // A file stream's batches report no record count: the table growing says rows flow.
      const before = countsAtKill.at(-1) ?? 0;
      const deadline = Date.now() + 60_000;
      for (let c = await count(); c <= before && c < FILES * LINES; c = await count()) {
        if (Date.now() > deadline || app.hasExited) throw new Error(`no rows arrive after restart ${k}\n${app.stderr.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 500)));
      assert.equal((await app.kill("SIGKILL")).signal, "SIGKILL", `the application ended on its own:\n${app.stderr.slice(-2000)}`);
      countsAtKill.push(await count());
      app = start();
    }
    await producer;
    const total = FILES * LINES;
    const deadline = Date.now() + 120_000;
    while ((await count()) < total) {
      if (Date.now() > deadline || app.hasExited) throw new Error(`only ${await count()} of ${total} rows arrived\n${app.stderr.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // A batch or two more: a duplicate written late would still show.
    const seen = app.lines.length;
    await waitUntil(() => (app.lines.slice(seen).filter((l) => l.startsWith("BATCH")).length >= 2 ? true : undefined), 30_000, "two more batches");
    await app.kill("SIGTERM");
    t.diagnostic(`rows in the table at each kill: ${countsAtKill.join(", ")}`);
    const rows = await query(`SELECT id, device, value FROM ${table} ORDER BY id`);
    assert.equal(rows.length, total, "no duplicate and no gap");
    assert.deepEqual(rows, expected);
  });
}
