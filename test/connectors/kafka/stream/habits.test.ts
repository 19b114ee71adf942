/**
 * Help for Spark users' habits: Spark 0.8's metadata.broker.list is accepted with a note, a
 * warning about the application's definition is said once (not once more per executor that
 * reloads the application), and the stream says at which offsets it starts, and why.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setLogLevel } from "../../../../src/core/log.js";
import { setExecutorMode } from "../../../../src/core/closure/index.js";
import { ConfigException, ConsumerStrategies, KafkaUtils, LocationStrategies, OffsetRange } from "../../../../src/connectors/kafka/index.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "../broker.js";
import { suiteContext, withStreaming } from "./support.js";

const broker = useBroker();

/** The log lines written while `body` runs. */
async function logLines(body: () => Promise<void>, level = "warn"): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter((l) => l !== ""));
    return true;
  }) as typeof process.stderr.write;
  setLogLevel(level);
  try {
    await body();
  } finally {
    process.stderr.write = write;
    setLogLevel("warn");
  }
  return lines;
}

const count = (lines: readonly string[], re: RegExp): number => lines.filter((l) => re.test(l)).length;

describe("Spark users' habits with a Kafka direct stream", () => {
  const sc = suiteContext("local[1]");

  it("accepts metadata.broker.list as Spark 0.8's name for bootstrap.servers, saying so once", async () => {
    const topic = await broker.createTopic(uniqueTopic("broker-list"), 1);
    await broker.produce([{ topic, partition: 0, value: "a" }]);
    let values: string[] = [];
    const lines = await logLines(async () => {
      values = await KafkaUtils.createRDD(sc(), { "metadata.broker.list": BOOTSTRAP, "group.id": "g" }, [OffsetRange.create(topic, 0, 0, 1)])
        .map((r) => r.value)
        .collect();
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const params = { "metadata.broker.list": BOOTSTRAP, "group.id": uniqueTopic("g"), "auto.offset.reset": "earliest" };
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], params));
        stream.foreachRDD(async (rdd) => void values.push(...(await rdd.map((r) => r.value).collect())));
        ssc.start();
        await clock.advance(1000);
      });
    });
    assert.deepEqual(values, ["a", "a"]);
    assert.equal(count(lines, /metadata\.broker\.list is Spark 0\.8's name for bootstrap\.servers; using 127\.0\.0\.1:\d+ as bootstrap\.servers/), 1, lines.join("\n"));
  });

  it("names metadata.broker.list when neither it nor bootstrap.servers is set", () => {
    assert.throws(
      () => KafkaUtils.createRDD(sc(), { "group.id": "g" }, []),
      (e: Error) => e instanceof ConfigException && /Missing required configuration "bootstrap\.servers"/.test(e.message) && /metadata\.broker\.list/.test(e.message),
    );
  });

  it("warns once that group.id is null, however many times the definition is repeated or rebuilt by executors", async () => {
    const lines = await logLines(async () => {
      for (let i = 0; i < 3; i++) KafkaUtils.createRDD(sc(), { "bootstrap.servers": BOOTSTRAP }, []);
      await withStreaming(sc(), async ({ ssc }) => {
        const define = () => KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(["t"], { "bootstrap.servers": BOOTSTRAP }));
        define();
        // What an executor does when it reloads the application module: build the same graph.
        setExecutorMode(true);
        try {
          define();
          define();
        } finally {
          setExecutorMode(false);
        }
      });
    });
    assert.equal(count(lines, /^.*WARN .*(?<!stream \[\d+\]: )group\.id is null, you should probably set it$/), 1, lines.join("\n"));
    assert.equal(count(lines, /direct stream \[\d+\]: group\.id is null/), 1, lines.join("\n"));
  });

  it("says at which offsets it starts, per partition, and warns when auto.offset.reset=latest skips what was written", async () => {
    const topic = await broker.createTopic(uniqueTopic("start-log"), 2);
    await broker.produce([...["a", "b", "c"].map((value) => ({ topic, partition: 0, value })), { topic, partition: 1, value: "d" }]);
    const group = uniqueTopic("start-group");
    const lines = await logLines(async () => {
      await withStreaming(sc(), async ({ ssc }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], { "bootstrap.servers": BOOTSTRAP, "group.id": group }));
        stream.foreachRDD(() => undefined);
        ssc.start();
        await stream.started();
      });
    }, "info");
    const starts = lines.filter((l) => l.includes("starts at"));
    assert.equal(starts.length, 1, lines.join("\n"));
    assert.ok(starts[0]!.includes(`INFO  dstream: Kafka 0.10 direct stream [0] (Subscribe(${topic})) starts at ${topic}-0=3, ${topic}-1=1 (auto.offset.reset=latest)`), starts[0]);
    const warned = lines.filter((l) => l.includes("WARN") && l.includes("auto.offset.reset=latest"));
    assert.equal(warned.length, 1, lines.join("\n"));
    assert.ok(
      warned[0]!.includes(`no offsets committed by group ${group} for ${topic}-0, ${topic}-1, so auto.offset.reset=latest (Kafka's default) starts them at the end: ${topic}-0=3, ${topic}-1=1`),
      warned[0],
    );
  });

  it("names the reason for each partition's start: a given offset, the group's commit, or the reset policy", async () => {
    const topic = await broker.createTopic(uniqueTopic("start-why"), 3);
    await broker.produce([0, 1, 2].map((partition) => ({ topic, partition, value: "x" })));
    const group = uniqueTopic("start-why-group");
    await broker.admin.commitConsumerGroupOffsets(group, [{ topic, partition: 1, offset: 1 }]);
    const lines = await logLines(async () => {
      await withStreaming(sc(), async ({ ssc }) => {
        const params = { "bootstrap.servers": BOOTSTRAP, "group.id": group, "auto.offset.reset": "earliest" };
        const offsets = [{ topic, partition: 0, offset: 1 }];
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], params, offsets));
        stream.foreachRDD(() => undefined);
        ssc.start();
        await stream.started();
      });
    }, "info");
    const start = lines.find((l) => l.includes("starts at"));
    assert.ok(
      start?.endsWith(`starts at ${topic}-0=1 (given to the consumer strategy); ${topic}-1=1 (committed by group ${group}); ${topic}-2=0 (auto.offset.reset=earliest)`),
      start,
    );
    assert.equal(count(lines, /WARN/), 0, lines.join("\n"));
  });
});
