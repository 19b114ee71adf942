/**
 * SIGKILL at random points while files arrive, resumed from the checkpoint each time: the table
 * ends exactly as an uninterrupted run leaves it (no duplicate, no gap), in insert, copy and
 * upsert mode. A trigger logs every row written; a replayed batch that wrote again would log
 * some (id, value) twice, and in insert and copy mode (no key) also show as duplicate rows.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PostgresWriteMode } from "../../../src/connectors/postgres/index.js";
import { ChildApp, prng, waitUntil } from "../../streaming/recovery/childApp.js";
import { POSTGRES_URL, uniqueTable, usePostgres } from "./support.js";

const query = usePostgres();
const FILES = 30;
const LINES = 20;
const KILLS = 4;
/** upsert's keys: each is written again every KEYS input rows, in later files (so later batches). */
const KEYS = 150;

interface Row {
  id: number;
  device: string;
  value: number;
}

interface ModeCase {
  readonly mode: PostgresWriteMode;
  readonly seed: number;
  /** The table's key: none for insert and copy, where a second write is a second row. */
  readonly primaryKey: boolean;
  /** The row input line n becomes. */
  row(n: number): Row;
  /** What an uninterrupted run leaves in the table, ordered by id. */
  expected(rows: readonly Row[]): Row[];
}

const appended = (n: number): Row => ({ id: n, device: `d${n % 5}`, value: n / 2 });
const CASES: readonly ModeCase[] = [
  { mode: "insert", seed: 11, primaryKey: false, row: appended, expected: (rows) => [...rows] },
  { mode: "copy", seed: 13, primaryKey: false, row: appended, expected: (rows) => [...rows] },
  {
    mode: "upsert",
    seed: 17,
    primaryKey: true,
    row: (n) => ({ id: n % KEYS, device: `d${n % 5}`, value: n / 2 }),
    expected: (rows) => [...new Map(rows.map((r) => [r.id, r])).values()].sort((a, b) => a.id - b.id),
  },
];

for (const c of CASES) {
  test(`${c.mode}: ${KILLS} SIGKILLs and restarts from the checkpoint leave the table as an uninterrupted run does`, { timeout: 240_000 }, async (t) => {
    const table = uniqueTable(`crash_${c.mode}`);
    const writes = `${table}_writes`;
    await query(`CREATE TABLE ${table} (id integer NOT NULL${c.primaryKey ? " PRIMARY KEY" : ""}, device text NOT NULL, value double precision NOT NULL)`);
    // Row triggers fire for INSERT, ON CONFLICT DO UPDATE and COPY alike, in the batch's transaction.
    await query(`CREATE TABLE ${writes} (id integer NOT NULL, value double precision NOT NULL)`);
    await query(`CREATE FUNCTION ${writes}_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ${writes} VALUES (NEW.id, NEW.value); RETURN NEW; END $$`);
    await query(`CREATE TRIGGER ${writes}_log AFTER INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${writes}_log()`);
    const work = mkdtempSync(join(tmpdir(), "dstream-pg-crash-"));
    const input = join(work, "in");
    const staging = join(work, "staging");
    mkdirSync(input);
    mkdirSync(staging);
    const cp = join(work, "cp");
    const start = (): ChildApp => new ChildApp("test/fixtures/postgresSinkApp.ts", [input, cp, POSTGRES_URL, table, c.mode, "200"]);
    let app = start();
    t.after(async () => {
      await app.kill("SIGKILL");
      rmSync(work, { recursive: true, force: true });
    });
    await app.waitForLine((l) => l === "STARTED", 60_000, "the application to start");
    // A run killed before its first checkpoint starts afresh and ignores older files: produce after one exists.
    await waitUntil(() => (readdirSync(cp).some((n) => n.startsWith("checkpoint-")) ? true : undefined), 30_000, "the first checkpoint");
    const inputRows: Row[] = [];
    const producer = (async () => {
      for (let f = 0; f < FILES; f++) {
        const lines: string[] = [];
        for (let l = 0; l < LINES; l++) {
          const r = c.row(f * LINES + l);
          inputRows.push(r);
          lines.push(`${r.id} ${r.device} ${r.value}`);
        }
        writeFileSync(join(staging, `f${f}`), lines.join("\n") + "\n");
        renameSync(join(staging, `f${f}`), join(input, `f${String(f).padStart(3, "0")}.txt`));
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const rnd = prng(c.seed);
    // Rows written so far: grows with every batch committed, in each mode (upsert's table stops growing at KEYS rows).
    const written = async (): Promise<number> => Number((await query(`SELECT count(*)::int AS n FROM ${writes}`))[0]!.n);
    const lastValue = (FILES * LINES - 1) / 2;
    const lastWritten = async (): Promise<boolean> => (await query(`SELECT 1 FROM ${writes} WHERE value = $1`, [lastValue])).length > 0;
    const writtenAtKill: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      // A file stream's batches report no record count: the writes growing say rows flow.
      const before = writtenAtKill.at(-1) ?? 0;
      const deadline = Date.now() + 60_000;
      for (let w = await written(); w <= before && !(await lastWritten()); w = await written()) {
        if (Date.now() > deadline || app.hasExited) throw new Error(`no rows arrive after restart ${k}\n${app.stderr.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 500)));
      assert.equal((await app.kill("SIGKILL")).signal, "SIGKILL", `the application ended on its own:\n${app.stderr.slice(-2000)}`);
      writtenAtKill.push(await written());
      app = start();
    }
    await producer;
    const deadline = Date.now() + 120_000;
    while (!(await lastWritten())) {
      if (Date.now() > deadline || app.hasExited) throw new Error(`the last input row was never written (${await written()} rows written)\n${app.stderr.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // A batch or two more: the last batch's other partitions commit, and a duplicate written late would still show.
    const seen = app.lines.length;
    await waitUntil(() => (app.lines.slice(seen).filter((l) => l.startsWith("BATCH")).length >= 2 ? true : undefined), 30_000, "two more batches");
    await app.kill("SIGTERM");
    t.diagnostic(`rows written at each kill: ${writtenAtKill.join(", ")}`);
    const rows = await query(`SELECT id, device, value FROM ${table} ORDER BY id`);
    assert.deepEqual(rows, c.expected(inputRows), "no duplicate and no gap");
    assert.deepEqual(await query(`SELECT id, value, count(*)::int AS n FROM ${writes} GROUP BY id, value HAVING count(*) > 1 ORDER BY id, value`), [], "no row written twice");
  });
}
