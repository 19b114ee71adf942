/**
 * npm run bench:postgres — rows/s of PostgresSink.writeBatch in local[2] (two partitions, each
 * its own transaction with its progress-table claim) in insert, upsert and copy mode, against
 * a raw `pg` loop doing the same rows as 1000-row multi-row INSERTs (upsert: the same
 * INSERT ... ON CONFLICT) in one transaction, on one connection and on two, in the same run. Medians of BENCH_RUNS
 * rounds, the configurations interleaved in each round. Each run writes a fresh table, and
 * every table's row count is checked.
 * Needs the PostgreSQL of scripts/services.sh (bash scripts/services.sh start postgresql).
 */
import pg from "pg";
import { SparkContext } from "../src/index.js";
import { PostgresSink, type PostgresWriteMode } from "../src/connectors/postgres/index.js";

const URL = process.env.BENCH_POSTGRES_URL ?? "postgres://dstream:dstream@127.0.0.1:5432/dstream";
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PER_STATEMENT = 1000;

type Row = [number, string, number];
const rows: Row[] = Array.from({ length: ROWS }, (_, i) => [i, `device-${i % 100}`, i * 0.25]);

const admin = new pg.Client({ connectionString: URL });
try {
  await admin.connect();
} catch (e) {
  console.error(`bench:postgres: no PostgreSQL at ${URL}: ${(e as Error).message}\nStart it with: bash scripts/services.sh start postgresql`);
  process.exit(1);
}
let tables = 0;
const created: string[] = [];
async function freshTable(): Promise<string> {
  const t = `bench_pg_${process.pid}_${tables++}`;
  await admin.query(`CREATE TABLE ${t} (id integer PRIMARY KEY, device text NOT NULL, value double precision NOT NULL)`);
  created.push(t);
  return t;
}
async function dropTable(t: string): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS ${t}`);
  await admin.query("DELETE FROM dstream_progress WHERE query_id = $1", [t]).catch(() => undefined);
}
async function checkCount(t: string): Promise<void> {
  const n = Number((await admin.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n);
  if (n !== ROWS) throw new Error(`bench:postgres: ${t} holds ${n} rows, expected ${ROWS}`);
}

/**
 * The baseline: `connections` clients, each writing its share of the rows as multi-row INSERTs
 * of 1000 rows in one transaction (2 connections: the sink's parallelism in local[2]).
 */
async function rawLoop(upsert: boolean, connections = 1): Promise<number> {
  const t = await freshTable();
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: URL });
      await c.connect();
      return c;
    }),
  );
  const values = (n: number): string => Array.from({ length: n }, (_, r) => `($${r * 3 + 1}, $${r * 3 + 2}, $${r * 3 + 3})`).join(", ");
  const conflict = upsert ? " ON CONFLICT (id) DO UPDATE SET device = EXCLUDED.device, value = EXCLUDED.value" : "";
  const share = Math.ceil(rows.length / connections);
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c, k) => {
      const mine = rows.slice(k * share, (k + 1) * share);
      await c.query("BEGIN");
      for (let i = 0; i < mine.length; i += PER_STATEMENT) {
        const chunk = mine.slice(i, i + PER_STATEMENT);
        await c.query(`INSERT INTO ${t} (id, device, value) VALUES ${values(chunk.length)}${conflict}`, chunk.flat());
      }
      await c.query("COMMIT");
    }),
  );
  const ms = performance.now() - t0;
  await Promise.all(clients.map((c) => c.end()));
  await checkCount(t);
  return ms;
}

async function sink(sc: SparkContext, mode: PostgresWriteMode): Promise<number> {
  const t = await freshTable();
  const rdd = sc.parallelize(rows, 2).cache();
  await rdd.count(); // the rows are in the executors before the clock starts, as a batch's input would be
  const t0 = performance.now();
  const r = await PostgresSink.writeBatch(rdd, 1000, { connectionString: URL, table: t, columns: ["id", "device", "value"], mode, key: mode === "upsert" ? ["id"] : undefined, queryId: t });
  const ms = performance.now() - t0;
  if (r.rows !== ROWS) throw new Error(`bench:postgres: ${mode} wrote ${r.rows} rows, expected ${ROWS}`);
  await checkCount(t);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const sc = new SparkContext({ master: "local[2]", appName: "bench-postgres", conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false" } });
const times: Record<string, number[]> = { "raw pg insert": [], "raw pg upsert": [], "raw pg insert x2": [], "raw pg upsert x2": [], "sink insert": [], "sink upsert": [], "sink copy": [] };
try {
  // Warm-up: executors started, pools opened, the progress table created.
  await sink(sc, "insert");
  for (let round = 0; round < RUNS; round++) {
    times["raw pg insert"]!.push(await rawLoop(false));
    times["raw pg upsert"]!.push(await rawLoop(true));
    times["raw pg insert x2"]!.push(await rawLoop(false, 2));
    times["raw pg upsert x2"]!.push(await rawLoop(true, 2));
    times["sink insert"]!.push(await sink(sc, "insert"));
    times["sink upsert"]!.push(await sink(sc, "upsert"));
    times["sink copy"]!.push(await sink(sc, "copy"));
    for (const t of created.splice(0)) await dropTable(t);
  }
} finally {
  await sc.stop();
  for (const t of created) await dropTable(t);
  await admin.end();
}

const rate = (name: string): number => ROWS / (median(times[name]!) / 1000);
console.log(`bench:postgres: ${ROWS} rows of (integer, text, double), median of ${RUNS} runs`);
for (const name of Object.keys(times)) console.log(`  ${name.padEnd(16)} ${Math.round(rate(name)).toLocaleString("en").padStart(10)} rows/s`);
console.log(`  ratios: sink insert / raw insert ${(rate("sink insert") / rate("raw pg insert")).toFixed(2)}, sink upsert / raw upsert ${(rate("sink upsert") / rate("raw pg upsert")).toFixed(2)}, sink copy / raw insert ${(rate("sink copy") / rate("raw pg insert")).toFixed(2)}`);
console.log(`  against 2 raw connections (the sink's parallelism): insert ${(rate("sink insert") / rate("raw pg insert x2")).toFixed(2)}, upsert ${(rate("sink upsert") / rate("raw pg upsert x2")).toFixed(2)}, copy ${(rate("sink copy") / rate("raw pg insert x2")).toFixed(2)}`);
