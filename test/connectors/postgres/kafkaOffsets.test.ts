/**
 * Spark's "store offsets in your own data store" with the real Kafka broker: the direct stream's
 * offset ranges commit with the rows, and an application started again from
 * PostgresSink.committedOffsets reads on from there, so every record is in the table once.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from "../../../src/connectors/kafka/index.js";
import { PostgresSink, type StoredOffsetRange } from "../../../src/connectors/postgres/index.js";
import { numbered, uniqueTopic, useBroker } from "../kafka/broker.js";
import { streamParams, suiteContext, waitFor } from "../kafka/stream/support.js";
import { withStreaming } from "../../streaming/receivers/support.js";
import { POSTGRES_URL, uniqueTable, usePostgres } from "./support.js";

const broker = useBroker();
const query = usePostgres();

describe("PostgresSink with a Kafka direct stream's offsets", () => {
  const sc = suiteContext("local[2]");

  test("a restart from committedOffsets writes each record once", async () => {
    const topic = await broker.createTopic(uniqueTopic("pg-offsets"), 2);
    const table = uniqueTable("kafka_rows");
    await query(`CREATE TABLE ${table} (p integer NOT NULL, o bigint NOT NULL, v text NOT NULL)`);
    const count = async (): Promise<number> => Number((await query(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);
    const params = streamParams();
    // The progress table is keyed by batch time: the second application starts its clock past the first's, as a real clock would be.
    const run = (from: readonly StoredOffsetRange[] | undefined, rows: number, startTime: number): Promise<void> =>
      withStreaming(sc(), async ({ ssc, clock }) => {
        const start = from?.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.untilOffset }));
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], params, start));
        PostgresSink.write(
          stream.map((r) => [r.partition, r.offset, r.value] as [number, number, string]),
          { connectionString: POSTGRES_URL, table, columns: ["p", "o", "v"], queryId: table, offsets: stream },
        );
        ssc.start();
        await waitFor(async () => {
          await clock.advance(1000);
          return (await count()) >= rows;
        }, `${rows} rows in ${table}`);
      }, { startTime });

    await broker.produce([...numbered(topic, 0, 40, "a"), ...numbered(topic, 1, 25, "a")]);
    await run(undefined, 65, 0);
    const first = await PostgresSink.committedOffsets(POSTGRES_URL, table);
    assert.ok(first, "a batch committed its offsets");
    assert.deepEqual(
      first.offsets.map((r) => [r.partition, r.untilOffset]).sort(),
      [
        [0, 40],
        [1, 25],
      ],
    );
    await broker.produce([...numbered(topic, 0, 10, "b"), ...numbered(topic, 1, 20, "b")]);
    await run(first.offsets, 95, 1_000_000);
    const rows = await query(`SELECT p, o::int AS o, v FROM ${table} ORDER BY p, o`);
    assert.equal(rows.length, 95, "every record once");
    assert.equal(new Set(rows.map((r) => `${r.p}:${r.o}`)).size, 95);
    const last = await PostgresSink.committedOffsets(POSTGRES_URL, table);
    assert.deepEqual(
      last!.offsets.map((r) => [r.partition, r.untilOffset]).sort(),
      [
        [0, 50],
        [1, 45],
      ],
    );
  });
});
