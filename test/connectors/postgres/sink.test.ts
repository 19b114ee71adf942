import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PostgresSink, PostgresSinkException, type PostgresWriteMode } from "../../../src/connectors/postgres/index.js";
import { suiteContext, withStreaming } from "../../streaming/receivers/support.js";
import { PgProxy, POSTGRES_URL, uniqueTable, usePostgres } from "./support.js";

const query = usePostgres();

async function readingsTable(): Promise<string> {
  const t = uniqueTable("readings");
  await query(`CREATE TABLE ${t} (id integer PRIMARY KEY, device text, value double precision, tags jsonb, at timestamptz)`);
  return t;
}
const count = async (t: string): Promise<number> => Number((await query(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n);
const progress = async (queryId: string): Promise<Array<Record<string, unknown>>> =>
  query(`SELECT batch_time::int AS time, partition, rows, offsets FROM dstream_progress WHERE query_id = $1 ORDER BY batch_time, partition`, [queryId]);

type Reading = { id: number; device: string; value: number };
const readings = (n: number, from = 0): Reading[] => Array.from({ length: n }, (_, i) => ({ id: from + i, device: `d${(from + i) % 7}`, value: (from + i) / 4 }));

for (const master of ["local[1]", "local[2]"]) {
  describe(`PostgresSink [${master}]`, () => {
    const sc = suiteContext(master);

    for (const mode of ["insert", "copy"] as const) {
      test(`${mode}: every row once, and a replayed batch writes nothing`, async () => {
        const table = await readingsTable();
        const rows = readings(2500);
        const opts = { connectionString: POSTGRES_URL, table, columns: ["id", "device", "value"], mode, toRow: (r: Reading) => [r.id, r.device, r.value] };
        const first = await PostgresSink.writeBatch(sc().parallelize(rows, 3), 1000, opts);
        assert.equal(first.rows, rows.length);
        assert.equal(first.skippedPartitions, 0);
        const replay = await PostgresSink.writeBatch(sc().parallelize(rows, 3), 1000, opts);
        assert.equal(replay.rows, 0, "a replayed batch writes no row");
        assert.equal(replay.skippedPartitions, 3);
        assert.equal(await count(table), rows.length);
        const back = await query(`SELECT id, device, value FROM ${table} ORDER BY id`);
        assert.deepEqual(back, rows);
        assert.deepEqual(
          (await progress(table)).map((p) => [p.time, p.partition]),
          [
            [1000, 0],
            [1000, 1],
            [1000, 2],
          ],
        );
      });
    }

    test("upsert: the last row of a key wins, within a batch and across batches", async () => {
      const table = await readingsTable();
      const opts = { connectionString: POSTGRES_URL, table, columns: ["id", "device", "value"], mode: "upsert" as PostgresWriteMode, key: ["id"] };
      // Key 1 twice in one partition: one statement cannot update a row twice, so the last one must be chosen.
      await PostgresSink.writeBatch(
        sc().parallelize(
          [
            [1, "a", 1],
            [1, "a", 2],
            [2, "b", 3],
          ],
          1,
        ),
        1000,
        opts,
      );
      await PostgresSink.writeBatch(
        sc().parallelize(
          [
            [2, "b", 30],
            [3, "c", 4],
          ],
          2,
        ),
        2000,
        opts,
      );
      assert.deepEqual(await query(`SELECT id, device, value FROM ${table} ORDER BY id`), [
        { id: 1, device: "a", value: 2 },
        { id: 2, device: "b", value: 30 },
        { id: 3, device: "c", value: 4 },
      ]);
    });

    test("insert and copy store the same values: NULL, quotes, commas, newlines, JSON, dates", async () => {
      const at = new Date("2026-01-02T03:04:05.678Z");
      const awkward = [
        [1, 'say "hi", then\nleave', -0.5, { a: [1, "x"] }, at],
        [2, "", null, null, null],
        [3, null, Number.POSITIVE_INFINITY, [1, 2], at],
      ];
      const stored: unknown[] = [];
      for (const mode of ["insert", "copy"] as const) {
        const table = await readingsTable();
        await PostgresSink.writeBatch(sc().parallelize(awkward, 2), 1000, { connectionString: POSTGRES_URL, table, columns: ["id", "device", "value", "tags", "at"], mode });
        stored.push(await query(`SELECT * FROM ${table} ORDER BY id`));
      }
      assert.deepEqual(stored[0], stored[1]);
      assert.deepEqual(stored[0], [
        { id: 1, device: 'say "hi", then\nleave', value: -0.5, tags: { a: [1, "x"] }, at },
        { id: 2, device: "", value: null, tags: null, at: null },
        { id: 3, device: null, value: Number.POSITIVE_INFINITY, tags: [1, 2], at },
      ]);
    });
  });
}

describe("PostgresSink in a stream", () => {
  const sc = suiteContext("local[2]");

  test("PostgresSink.write writes each batch once, with the batch's Kafka offset ranges, and committedOffsets reads them back", async () => {
    const table = await readingsTable();
    const queryId = `${table}-q`;
    // The offsets option takes any source of offset ranges per batch time; a Kafka direct stream is one.
    const offsets = { offsetRangesFor: (t: unknown) => [{ topic: "sensors", partition: 0, fromOffset: 0, untilOffset: Number(t) / 100 }] };
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const queue = [readings(10), readings(10, 10), readings(5, 20)].map((b) => ssc.sparkContext.parallelize(b, 2));
      const stream = ssc.queueStream(queue, true);
      PostgresSink.write(stream, { connectionString: POSTGRES_URL, table, columns: ["id", "device", "value"], queryId, offsets });
      ssc.start();
      for (let i = 0; i < 3; i++) await clock.advance(1000);
      const deadline = Date.now() + 30_000;
      while ((await progress(queryId)).length < 6) {
        if (Date.now() > deadline) throw new Error("three batches of two partitions were not committed");
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    assert.equal(await count(table), 25);
    const p = await progress(queryId);
    assert.deepEqual(
      p.map((r) => [r.time, r.partition, r.rows]),
      [
        [1000, 0, 5],
        [1000, 1, 5],
        [2000, 0, 5],
        [2000, 1, 5],
        [3000, 0, 2],
        [3000, 1, 3],
      ],
    );
    assert.deepEqual(await PostgresSink.committedOffsets(POSTGRES_URL, queryId), { time: 3000, offsets: [{ topic: "sensors", partition: 0, fromOffset: 0, untilOffset: 30 }] });
    assert.equal(await PostgresSink.committedOffsets(POSTGRES_URL, `${queryId}-none`), undefined);
  });
});

describe("PostgresSink: bad input and a server that is down", () => {
  const sc = suiteContext("local[2]");
  const base = { connectionString: POSTGRES_URL, columns: ["id", "device", "value"] };

  test("names that are not plain SQL names, bad modes and keys are refused before any write", async () => {
    const rdd = sc().parallelize([[1, "a", 1]], 1);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ table: "t; DROP TABLE x" }, /table "t; DROP TABLE x" is not a plain SQL name/],
      [{ table: "t", columns: ["id", 'd"x'] }, /column "d\\"x" is not a plain SQL name/],
      [{ table: "t", columns: [] }, /columns must be a non-empty array/],
      [{ table: "t", columns: ["id", "id"] }, /lists a column twice/],
      [{ table: "t", mode: "merge" }, /mode must be one of insert, upsert, copy, got merge/],
      [{ table: "t", mode: "upsert" }, /mode upsert needs key/],
      [{ table: "t", mode: "upsert", key: ["nope"] }, /key column nope is not in columns/],
      [{ table: "t", connectionString: "mysql://x" }, /connectionString must be a postgres:\/\//],
    ];
    for (const [o, re] of cases) {
      await assert.rejects(PostgresSink.writeBatch(rdd, 1000, { ...base, ...o } as never), (e: Error) => {
        assert.match(e.message, /^PostgresSink\.writeBatch: /);
        assert.match(e.message, re);
        return true;
      });
    }
  });

  test("a missing table or column, and values of the wrong type, fail with the name and the fix, and commit nothing", async () => {
    const table = await readingsTable();
    const missing = uniqueTable("missing");
    await assert.rejects(PostgresSink.writeBatch(sc().parallelize([[1, "a", 1]], 1), 1000, { ...base, table: missing }), (e: Error) => {
      assert.ok(e instanceof PostgresSinkException);
      assert.match(e.message, new RegExp(`table ${missing}.*Create table ${missing} first`));
      return true;
    });
    await assert.rejects(PostgresSink.writeBatch(sc().parallelize([[1, "a", 1]], 1), 1000, { ...base, table, columns: ["id", "devise", "value"] }), (e: Error) => {
      assert.match(e.message, /column "devise" does not exist.*The columns option \(id, devise, value\) must name columns of/);
      return true;
    });
    const wrongType = [
      [1, "a", 1],
      [2, "b", "not a number"],
    ];
    for (const mode of ["insert", "copy"] as const) {
      await assert.rejects(PostgresSink.writeBatch(sc().parallelize(wrongType, 1), 1000, { ...base, table, mode }), (e: Error) => {
        assert.match(e.message, /invalid input syntax for type double precision: "not a number".*make toRow produce values of the columns' types/s);
        assert.match(e.message, /batch 1000 ms, partition 0/);
        return true;
      });
    }
    await assert.rejects(PostgresSink.writeBatch(sc().parallelize([[1, "a", 1]], 1), 1000, { ...base, table, connectionString: POSTGRES_URL.replace("dstream:dstream@", "dstream:wrong@") }), (e: Error) => {
      assert.match(e.message, /password authentication failed.*Correct the user or password in connectionString/);
      assert.doesNotMatch(e.message, /wrong/, "the password is not printed");
      return true;
    });
    await assert.rejects(
      PostgresSink.writeBatch(sc().parallelize([[1, "a", 1]], 1), 1000, { ...base, table, connectionString: POSTGRES_URL.replace(/\/dstream$/, "/no_such_db") }),
      /database "no_such_db" does not exist.*Correct the database name in connectionString/,
    );
    await assert.rejects(PostgresSink.writeBatch(sc().parallelize([[1, "a"]], 1), 1000, { ...base, table }), /a row has 2 values but columns lists 3 \(id, device, value\): \[1,"a"\]/);
    await assert.rejects(PostgresSink.writeBatch(sc().parallelize(["text"], 1), 1000, { ...base, table }), /neither an array of values nor an object by column name: "text". Pass toRow/);
    await assert.rejects(PostgresSink.writeBatch(sc().parallelize([{ id: 1 }], 1), 1000, { ...base, table }), /a row has no device, value/);
    // The failed batches rolled back their progress rows with their rows, so the batch can still be written.
    assert.equal(await count(table), 0);
    assert.deepEqual(await progress(table), []);
    const ok = await PostgresSink.writeBatch(sc().parallelize([[1, "a", 1]], 1), 1000, { ...base, table });
    assert.equal(ok.rows, 1);
  });

  test("a server that is down fails the batch naming the command that starts it; once it is back the batch is written once", async () => {
    const table = await readingsTable();
    const proxy = await PgProxy.start();
    const opts = { ...base, connectionString: proxy.url, table, retries: 1, retryWaitMs: 10 };
    const rows = readings(100).map((r) => [r.id, r.device, r.value]);
    await PostgresSink.writeBatch(sc().parallelize(rows.slice(0, 50), 2), 1000, opts);
    await proxy.down();
    await assert.rejects(PostgresSink.writeBatch(sc().parallelize(rows.slice(50), 2), 2000, opts), (e: Error) => {
      assert.ok(e instanceof PostgresSinkException || /PostgresSink/.test(e.message), e.message);
      assert.match(e.message, /the server is unreachable or the connection broke.*bash scripts\/services\.sh start postgresql/s);
      return true;
    });
    await proxy.up();
    // The failed job does not cancel its other task, which may still commit its own partition
    // (each partition is its own transaction): the retry then skips that partition, by its progress row.
    const retried = await PostgresSink.writeBatch(sc().parallelize(rows.slice(50), 2), 2000, opts);
    assert.equal(retried.rows + 25 * retried.skippedPartitions, 50, "the retry writes what the failed attempt did not");
    assert.deepEqual((await progress(table)).map((p) => p.time), [1000, 1000, 2000, 2000]);
    assert.deepEqual((await query(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id), readings(100).map((r) => r.id), "every row once");
    await proxy.down();
  });

  test("a server that comes back within the retries: the batch succeeds without failing", async () => {
    const table = await readingsTable();
    const proxy = await PgProxy.start();
    const opts = { ...base, connectionString: proxy.url, table, retries: 5, retryWaitMs: 200 };
    await PostgresSink.writeBatch(sc().parallelize([[0, "a", 0]], 1), 1000, opts);
    await proxy.down();
    const pending = PostgresSink.writeBatch(sc().parallelize([[1, "a", 1], [2, "b", 2]], 2), 2000, opts);
    await new Promise((r) => setTimeout(r, 300));
    await proxy.up();
    const r = await pending;
    assert.equal(r.rows, 2);
    assert.equal(await count(table), 3);
    await proxy.down();
  });
});
