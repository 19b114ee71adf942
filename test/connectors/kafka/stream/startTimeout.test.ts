/**
 * A stream whose brokers cannot be reached when it starts fails after default.api.timeout.ms, as
 * Spark's driver consumer does, naming the address and the setting; once it has started, an
 * outage makes it wait instead (outage.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigException, ConsumerStrategies, KafkaSink, KafkaUtils, LocationStrategies, TimeoutException } from "../../../../src/connectors/kafka/index.js";
import { suiteContext, withStreaming } from "./support.js";

/** Nothing listens on port 1 of the loopback: every connection is refused at once. */
const UNREACHABLE = "127.0.0.1:1";

const namesAddressAndSetting = (setting: string, ms: number) => (e: Error) => {
  assert.ok(e instanceof TimeoutException, String(e));
  assert.ok(e.message.includes(UNREACHABLE), e.message);
  assert.ok(e.message.includes(`${ms} ms (${setting})`), e.message);
  return true;
};

describe("a Kafka direct stream whose brokers are unreachable at start", () => {
  const sc = suiteContext("local[1]");

  it("fails after default.api.timeout.ms, naming the address and the setting, and reports it to awaitTermination", { timeout: 60_000 }, async () => {
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const params = { "bootstrap.servers": UNREACHABLE, "group.id": "unreachable", "default.api.timeout.ms": 1500 };
      const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(["t"], params));
      stream.foreachRDD(() => undefined);
      ssc.start();
      await assert.rejects(stream.started(), namesAddressAndSetting("default.api.timeout.ms", 1500));
      await clock.advance(1000);
      await assert.rejects(ssc.awaitTerminationOrTimeout(0), namesAddressAndSetting("default.api.timeout.ms", 1500));
    });
  });

  it("bounds a transactional sink's initTransactions by max.block.ms", { timeout: 60_000 }, async () => {
    await withStreaming(sc(), async ({ ssc }) => {
      const params = { "bootstrap.servers": UNREACHABLE, "group.id": "unreachable-tx", "default.api.timeout.ms": 30_000 };
      const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(["t"], params));
      KafkaSink.writeTransactional(stream.map((r) => r.value), "out", { kafkaParams: { "bootstrap.servers": UNREACHABLE, "max.block.ms": 1000 }, transactionalId: "unreachable-tx" });
      ssc.start();
      await assert.rejects(stream.started(), namesAddressAndSetting("max.block.ms", 1000));
    });
  });

  it("refuses a default.api.timeout.ms that is not a number where the stream is defined", async () => {
    await withStreaming(sc(), async ({ ssc }) => {
      assert.throws(
        () =>
          KafkaUtils.createDirectStream(
            ssc,
            LocationStrategies.PreferConsistent,
            ConsumerStrategies.Subscribe(["t"], { "bootstrap.servers": UNREACHABLE, "default.api.timeout.ms": "soon" }),
          ),
        (e: Error) => e instanceof ConfigException && /default\.api\.timeout\.ms/.test(e.message),
      );
    });
  });
});
