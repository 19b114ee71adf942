/**
 * A batch bigger than the broker's message.max.bytes (1 MB by default) for one partition still
 * commits: its records go in sends that keep each partition under the limit. One copy in this
 * process copies 3 MB of input to a one-partition output topic in a single batch.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Milliseconds, SparkConf, StreamingContext } from "../../../src/index.js";
import { KafkaScaleOut } from "../../../src/connectors/kafka-scaleout/index.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "../kafka/broker.js";
import { eventually, readCommitted } from "./copies.js";

const broker = useBroker();

describe("KafkaScaleOut: a batch over the broker's message size", () => {
  it("commits 3 MB for one partition in one batch", async () => {
    const input = await broker.createTopic(uniqueTopic("so-big-in"), 1);
    const output = await broker.createTopic(uniqueTopic("so-big-out"), 1);
    const lines = Array.from({ length: 3000 }, (_, i) => `${String(i).padStart(6, "0")} ${"x".repeat(1000)}`);
    await broker.produce(lines.map((value) => ({ topic: input, partition: 0, value })));
    const app = uniqueTopic("so-big-app");
    const ssc = new StreamingContext(new SparkConf().setAppName(app).setMaster("local[1]").set("spark.ui.enabled", "false"), Milliseconds(1000));
    const so = new KafkaScaleOut(ssc, { applicationId: app, instanceId: "solo", kafkaParams: { "bootstrap.servers": BOOTSTRAP, "auto.offset.reset": "earliest" }, sessionTimeoutMs: 6000, firstBatchDelayMs: 1000 });
    const batches: number[] = [];
    so.onBatchCommitted((b) => batches.push(b.inputRanges.reduce((n, r) => n + r.untilOffset - r.fromOffset, 0)));
    so.writeTransactional(so.createStream([input]).map((r) => r.value), output);
    await so.start();
    try {
      const got = await eventually(async () => {
        const out = await readCommitted(output, 1);
        return out.length >= lines.length ? out : undefined;
      }, `the ${lines.length} records of about 1 kB are committed`, 60_000);
      assert.ok(batches.includes(lines.length), `one batch read all ${lines.length} lines: ${JSON.stringify(batches)}`);
      assert.deepEqual(got.map(([, v]) => v), lines, "each line once, in order");
    } finally {
      await so.stop();
    }
  });
});
