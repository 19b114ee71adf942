/**
 * A batch that meets a server that is down is not skipped. PostgresSink.write runs it again as a
 * whole (its committed partitions skip) and holds back the later batches until the server is
 * back. With Kafka offsets, once a batch has failed for good, no later batch commits: a
 * restart from the database's offsets then reads the failed batch's input again.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PostgresSink } from "../../../src/connectors/postgres/index.js";
import { totalsAfter, WordsByBatch } from "../../streaming/recovery/inProcessApp.js";
import { suiteContext, withStreaming } from "../../streaming/receivers/support.js";
import { PgProxy, uniqueTable, usePostgres } from "./support.js";

const query = usePostgres();

async function wordsTable(t: { after: (f: () => Promise<void>) => void }): Promise<{ table: string; proxy: PgProxy; counts: () => Promise<Array<[string, number]>> }> {
  const table = uniqueTable("outage");
  await query(`CREATE TABLE ${table} (word text NOT NULL)`);
  const proxy = await PgProxy.start();
  t.after(() => proxy.down());
  const counts = async (): Promise<Array<[string, number]>> =>
    (await query(`SELECT word, count(*)::int AS n FROM ${table} GROUP BY word ORDER BY word`)).map((r) => [r.word as string, r.n as number]);
  return { table, proxy, counts };
}

describe("PostgresSink.write when the server goes away", () => {
  const sc = suiteContext("local[2]");

  test("a batch is run again until the server is back, and every batch's rows are in the table once", async (t) => {
    const { table, proxy, counts } = await wordsTable(t);
    await withStreaming(sc(), async ({ ssc, clock }) => {
      PostgresSink.write(new WordsByBatch(ssc), { connectionString: proxy.url, table, columns: ["word"], toRow: (w) => [w], retries: 0, retryWaitMs: 50, batchRetryMs: 60_000 });
      ssc.start();
      await clock.advance(2000);
      assert.deepEqual(await counts(), totalsAfter(2));
      await proxy.down();
      const third = clock.advance(1000);
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(await counts(), totalsAfter(2), "nothing of batch 3000 while the server is away");
      await proxy.up();
      await third;
      await clock.advance(2000);
      const deadline = Date.now() + 30_000;
      while (JSON.stringify(await counts()) !== JSON.stringify(totalsAfter(5)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(await counts(), totalsAfter(5), "batches 1..5, each once");
      await assert.doesNotReject(ssc.awaitTerminationOrTimeout(10));
    });
  });

  test("with offsets, a batch that fails for good stops later batches, and committedOffsets stays at the last batch before it", async (t) => {
    const { table, proxy, counts } = await wordsTable(t);
    const offsets = { offsetRangesFor: (time: unknown) => [{ topic: "words", partition: 0, fromOffset: Number(time) / 1000 - 1, untilOffset: Number(time) / 1000 }] };
    await withStreaming(sc(), async ({ ssc, clock }) => {
      PostgresSink.write(new WordsByBatch(ssc), { connectionString: proxy.url, table, columns: ["word"], toRow: (w) => [w], queryId: table, offsets, retries: 0, batchRetryMs: 0 });
      ssc.start();
      await clock.advance(2000);
      await proxy.down();
      await clock.advance(1000);
      await assert.rejects(ssc.awaitTerminationOrTimeout(30_000), /unreachable.*bash scripts\/services\.sh start postgresql/s);
      await proxy.up();
      await clock.advance(1000);
      await assert.rejects(ssc.awaitTerminationOrTimeout(30_000), /batch 3000 ms failed, so batch 4000 ms is not written.*Restart the application from PostgresSink\.committedOffsets/s);
    });
    assert.deepEqual(await counts(), totalsAfter(2));
    assert.deepEqual(await PostgresSink.committedOffsets(proxy.url, table), { time: 2000, offsets: [{ topic: "words", partition: 0, fromOffset: 1, untilOffset: 2 }] });
  });
});
