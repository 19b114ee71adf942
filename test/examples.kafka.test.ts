/**
 * FraudSignals and TrendingItems on real data, as their docs say to feed it: their generated
 * samples produced to a Kafka topic on the test broker, read with --bootstrap/--topic. How Kafka
 * cuts the records into batches is not fixed, so what is checked is what does not depend on it:
 * every signal and freed card, and each item's final also-viewed list.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startExample } from "./helpers/exampleProcess.js";
import { writtenBatches } from "./helpers/exampleOutput.js";
import { expectedFraudSignals } from "./helpers/fraudSignalsExpected.js";
import { expectedTrendingItems } from "./helpers/trendingItemsExpected.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "./connectors/kafka/broker.js";
import { samplePayments } from "../examples/support/payments.js";
import { sampleShopEvents } from "../examples/support/shopEvents.js";

const broker = useBroker();

async function topicWith(prefix: string, values: readonly unknown[]): Promise<string> {
  const topic = await broker.createTopic(uniqueTopic(prefix));
  await broker.produce(values.map((v) => ({ topic, partition: 0, value: JSON.stringify(v) })));
  return topic;
}

test("FraudSignals reads payments from a Kafka topic: the same signals, and every card freed", { timeout: 120_000 }, async () => {
  const topic = await topicWith("payments", samplePayments().flat());
  const { code, stdout, stderr } = await startExample(["FraudSignals", "--bootstrap", BOOTSTRAP, "--topic", topic, "--seconds", "10"]).exited;
  assert.equal(code, 0, stderr);
  const want = expectedFraudSignals(17);
  const pick = (prefix: string) => stdout.split("\n").filter((l) => l.startsWith(prefix)).sort();
  assert.deepEqual(pick("signal "), want.signals.flat().sort());
  assert.deepEqual(pick("freed "), want.freed.flat().sort());
});

test("TrendingItems reads shop events from a Kafka topic: each item's final also-viewed list", { timeout: 120_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), "dstream-trendingitems-kafka-test-"));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const topic = await topicWith("shop-events", sampleShopEvents().flat());
  const { code, stderr } = await startExample(["TrendingItems", "--bootstrap", BOOTSTRAP, "--topic", topic, "--out", out, "--seconds", "8"]).exited;
  assert.equal(code, 0, stderr);
  const latest = new Map<string, string>();
  for (const [, lines] of [...writtenBatches(out, "also-viewed")].sort(([a], [b]) => a - b))
    for (const line of lines) latest.set((JSON.parse(line) as { item: string }).item, line);
  assert.deepEqual([...latest.values()].sort(), expectedTrendingItems(12).final);
});
