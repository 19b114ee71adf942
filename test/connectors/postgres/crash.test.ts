/**
 * SIGKILL at random points while files arrive, resumed from the checkpoint each time: the table
 * ends exactly as an uninterrupted run leaves it (no duplicate, no gap), in insert, copy and
 * upsert mode. A trigger logs every row written; a replayed batch that wrote again would log
 * some (id, value) twice, and in insert and copy mode (no key) also show as duplicate rows.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PostgresWriteMode } from "../../../src/connectors/postgres/index.js";
import { killWhileFilesArrive } from "../sinkCrash.js";
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
    const inputRows = Array.from({ length: FILES * LINES }, (_, n) => c.row(n));
    const lastValue = (FILES * LINES - 1) / 2;
    await killWhileFilesArrive(t, {
      fixture: (input, cp) => ({ script: "test/fixtures/postgresSinkApp.ts", args: [input, cp, POSTGRES_URL, table, c.mode, "200"] }),
      files: Array.from({ length: FILES }, (_, f) => inputRows.slice(f * LINES, (f + 1) * LINES).map((r) => `${r.id} ${r.device} ${r.value}`)),
      // Rows written so far: grows with every batch committed, in each mode (upsert's table stops growing at KEYS rows).
      written: async () => Number((await query(`SELECT count(*)::int AS n FROM ${writes}`))[0]!.n),
      lastWritten: async () => (await query(`SELECT 1 FROM ${writes} WHERE value = $1`, [lastValue])).length > 0,
      kills: KILLS,
      seed: c.seed,
    });
    const rows = await query(`SELECT id, device, value FROM ${table} ORDER BY id`);
    assert.deepEqual(rows, c.expected(inputRows), "no duplicate and no gap");
    assert.deepEqual(await query(`SELECT id, value, count(*)::int AS n FROM ${writes} GROUP BY id, value HAVING count(*) > 1 ORDER BY id, value`), [], "no row written twice");
  });
}
