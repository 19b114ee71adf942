/**
 * What a direct stream says when it cannot work — an unknown topic, a malformed broker address,
 * a deserializer that throws — and that no record is lost when the cause is fixed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ConfigException,
  ConsumerStrategies,
  KafkaUtils,
  LocationStrategies,
  NoOffsetForPartitionException,
  TopicPartition,
  UnknownTopicOrPartitionException,
} from "../../../../src/connectors/kafka/index.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "../broker.js";
import { MASTERS, streamParams, suiteContext, withStreaming } from "./support.js";

const broker = useBroker();

const produce = (topic: string, partition: number, values: readonly string[]) => broker.produce(values.map((value) => ({ topic, partition, value })));

for (const master of MASTERS) {
  describe(`Kafka direct stream errors [${master}]`, () => {
    const sc = suiteContext(master);

    it("an unknown topic fails each batch naming the topic; once it exists, every record is read", async () => {
      const topic = uniqueTopic("unknown");
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], streamParams()));
        const seen: string[][] = [];
        stream.foreachRDD(async (rdd) => void seen.push(await rdd.map((r) => r.value).collect()));
        ssc.start();
        await clock.advance(1000);
        await assert.rejects(ssc.awaitTerminationOrTimeout(0), (e: Error) => {
          assert.ok(e instanceof UnknownTopicOrPartitionException, String(e));
          assert.match(e.message, new RegExp(`^Kafka 0\\.10 direct stream \\[0\\] \\(Subscribe\\(${topic}\\)\\) cannot (start|fix the offsets of batch 1000 ms)`));
          assert.match(e.message, new RegExp(`Unknown topic ${topic}\\. Create the topic, or check the name given to Subscribe\\(${topic}\\)`));
          return true;
        });
        assert.deepEqual(seen, [], "a batch whose offsets could not be fixed has no jobs");
        await broker.createTopic(topic, 1);
        await produce(topic, 0, ["r0", "r1"]);
        await clock.advance(1000);
        assert.deepEqual(seen, [["r0", "r1"]]);
      });
    });

    it("a partition that Assign names but the topic lacks is an error naming it", async () => {
      const topic = await broker.createTopic(uniqueTopic("assign-missing"), 1);
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Assign([new TopicPartition(topic, 3)], streamParams()));
        stream.foreachRDD(() => undefined);
        ssc.start();
        await clock.advance(1000);
        await assert.rejects(ssc.awaitTerminationOrTimeout(0), (e: Error) => e instanceof UnknownTopicOrPartitionException && e.message.includes(`partition(s) ${topic}-3 do not exist`));
      });
    });

    it("auto.offset.reset=none without committed offsets names the partitions", async () => {
      const topic = await broker.createTopic(uniqueTopic("reset-none"), 2);
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], streamParams({ "auto.offset.reset": "none" })));
        stream.foreachRDD(() => undefined);
        ssc.start();
        await clock.advance(1000);
        await assert.rejects(ssc.awaitTerminationOrTimeout(0), (e: Error) => {
          assert.ok(e instanceof NoOffsetForPartitionException);
          assert.match(e.message, new RegExp(`Undefined offset with no reset policy for partitions: \\[${topic}-0, ${topic}-1\\]`));
          return true;
        });
      });
    });

    it("a deserializer that throws fails its batch naming topic, partition and offset; the committed offsets keep its records", async () => {
      const topic = await broker.createTopic(uniqueTopic("bad-record"), 2);
      await produce(topic, 0, ["a", "b"]);
      await produce(topic, 1, ["c"]);
      const params = streamParams();
      const seen: string[][] = [];
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const strict = (data: Buffer | null): string => {
          const s = String(data);
          if (s === "bad") throw new Error(`cannot parse ${JSON.stringify(s)}`);
          return s;
        };
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], { ...params, "value.deserializer": strict }));
        stream.foreachRDD(async (rdd) => {
          seen.push((await rdd.map((r) => r.value).collect()).sort());
          stream.commitAsync(rdd.offsetRanges);
        });
        ssc.start();
        await clock.advance(1000);
        await produce(topic, 0, ["d", "bad", "e"]);
        await produce(topic, 1, ["f"]);
        await clock.advance(1000);
        await assert.rejects(ssc.awaitTerminationOrTimeout(0), (e: Error) => {
          assert.match(e.message, /RecordDeserializationException/);
          assert.match(e.message, new RegExp(`Error deserializing value for partition ${topic}-0 at offset 3 \\(topic '${topic}', partition 0, offset 3\\)`));
          assert.match(e.message, /cannot parse "bad"/);
          return true;
        });
      });
      // The failed batch committed nothing: a restart (here with a lenient deserializer) reads it again.
      assert.deepEqual(await broker.admin.listConsumerGroupOffsets(params["group.id"]), [
        { topic, partition: 0, offset: 2 },
        { topic, partition: 1, offset: 1 },
      ]);
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], params));
        stream.foreachRDD(async (rdd) => void seen.push((await rdd.map((r) => r.value).collect()).sort()));
        ssc.start();
        await clock.advance(1000);
      });
      assert.deepEqual(seen, [
        ["a", "b", "c"],
        ["bad", "d", "e", "f"],
      ]);
    });
  });
}

describe("Kafka direct stream settings, checked where the stream is defined", () => {
  const sc = suiteContext("local[1]");

  it("a malformed broker address, or an invalid setting, names the stream and its strategy", async () => {
    await withStreaming(sc(), async ({ ssc }) => {
      for (const [params, message] of [
        [{ "bootstrap.servers": "localhost" }, /^Invalid url in bootstrap\.servers: localhost \(expected host:port, e\.g\. 127\.0\.0\.1:9092\) \(defining Kafka 0\.10 direct stream \[\d+\] over Subscribe\(t\)\)$/],
        [{ "bootstrap.servers": "127.0.0.1:99999" }, /Invalid url in bootstrap\.servers: 127\.0\.0\.1:99999/],
        [{ "bootstrap.servers": BOOTSTRAP, "auto.offset.reset": "smallest" }, /Invalid value smallest for configuration auto\.offset\.reset: String must be one of: latest, earliest, none/],
        [{ "bootstrap.servers": BOOTSTRAP, "value.deserializer": "yaml" }, /Invalid value "yaml" for configuration value\.deserializer/],
      ] as const) {
        assert.throws(
          () => KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(["t"], params as { "bootstrap.servers": string })),
          (e: Error) => e instanceof ConfigException && message.test(e.message),
          JSON.stringify(params),
        );
      }
      assert.throws(() => ConsumerStrategies.Subscribe("a,b" as unknown as string[], { "bootstrap.servers": BOOTSTRAP }), /pass the topics as an array or Set, e\.g\. \["a","b"\]/);
      assert.throws(() => ConsumerStrategies.Subscribe(["bad topic"], { "bootstrap.servers": BOOTSTRAP }), /"bad topic" is not a legal topic name/);
    });
  });
});
