/**
 * The direct stream over a real broker, in local[1] and local[2]: exact word counts, offset
 * ranges that chain with no gap or overlap, rate limits, starting positions, and new partitions.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BatchInfo } from "../../../../src/index.js";
import {
  ConsumerStrategies,
  KafkaUtils,
  LocationStrategies,
  OffsetRange,
  TopicPartition,
  type ConsumerRecord,
  type DirectKafkaInputDStream,
  type ProducerRecord,
} from "../../../../src/connectors/kafka/index.js";
import { uniqueTopic, useBroker } from "../broker.js";
import { MASTERS, recordBatches, streamParams, suiteContext, withStreaming } from "./support.js";

const broker = useBroker();

function lines(topic: string, partitions: number, texts: readonly string[]): ProducerRecord[] {
  return texts.map((value, i) => ({ topic, partition: i % partitions, value }));
}

function countWords(texts: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of texts) for (const w of t.split(" ")) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

for (const master of MASTERS) {
  describe(`Kafka direct stream [${master}]`, () => {
    const sc = suiteContext(master);

    it("counts the words of a produced topic exactly, batch by batch", async () => {
      const topic = await broker.createTopic(uniqueTopic("wordcount"), 3);
      const first = ["the quick brown fox", "jumps over the lazy dog", "the end", "a b a", "fox fox"];
      const second = ["the dog", "b c", "quick quick quick"];
      await broker.produce(lines(topic, 3, first));
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], streamParams()));
        const counts = stream
          .map((r) => r.value)
          .flatMap((l) => l.split(" "))
          .map((w) => [w, 1] as [string, number])
          .reduceByKey((a, b) => a + b);
        const batches: Array<Map<string, number>> = [];
        counts.foreachRDD(async (rdd) => {
          batches.push(new Map(await rdd.collect()));
        });
        const infos: BatchInfo[] = [];
        ssc.addStreamingListener({ onBatchCompleted: (e) => void infos.push(e.batchInfo) });
        ssc.start();
        await clock.advance(1000);
        await broker.produce(lines(topic, 3, second));
        await clock.advance(1000);
        await clock.advance(1000);
        assert.deepEqual(batches, [countWords(first), countWords(second), new Map()]);
        assert.deepEqual(
          infos.map((i) => i.numRecords),
          [first.length, second.length, 0],
          "records per batch reach the input info tracker",
        );
        const desc = String(infos[0]!.streamIdToInputInfo.get(stream.id)!.metadata.Description);
        assert.match(desc, new RegExp(`topic: ${topic}\tpartition: 0\toffsets: 0 to 2\tcount: 2`));
      });
    });

    it("starts at explicit offsets, else the group's committed offsets, else auto.offset.reset", async () => {
      const topic = await broker.createTopic(uniqueTopic("start"), 3);
      await broker.produce([0, 1, 2].flatMap((p) => Array.from({ length: 6 }, (_, i) => ({ topic, partition: p, value: `${p}-${i}` }))));
      const params = streamParams({ "auto.offset.reset": "latest" });
      await broker.admin.commitConsumerGroupOffsets(params["group.id"], [{ topic, partition: 1, offset: 4 }]);
      await withStreaming(sc(), async ({ ssc, clock }) => {
        // Partition 0: explicit 2; partition 1: committed 4; partition 2: latest (6).
        const stream = KafkaUtils.createDirectStream(
          ssc,
          LocationStrategies.PreferConsistent,
          ConsumerStrategies.Subscribe([topic], params, new Map([[new TopicPartition(topic, 0), 2]])),
        );
        const batches = recordBatches(stream);
        ssc.start();
        await stream.started();
        await broker.produce([{ topic, partition: 2, value: "2-6" }]);
        await clock.advance(1000);
        assert.deepEqual(batches[0]!.ranges.map(String), [
          String(OffsetRange.create(topic, 0, 2, 6)),
          String(OffsetRange.create(topic, 1, 4, 6)),
          String(OffsetRange.create(topic, 2, 6, 7)),
        ]);
      });
    });

    it("Assign reads exactly the given partitions from the given offsets", async () => {
      const topic = await broker.createTopic(uniqueTopic("assign"), 3);
      await broker.produce([0, 1, 2].flatMap((p) => Array.from({ length: 4 }, (_, i) => ({ topic, partition: p, value: `${p}-${i}` }))));
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(
          ssc,
          LocationStrategies.PreferConsistent,
          ConsumerStrategies.Assign([new TopicPartition(topic, 2), new TopicPartition(topic, 0)], streamParams(), [[new TopicPartition(topic, 2), 1]]),
        );
        const values: string[][] = [];
        stream.foreachRDD(async (rdd) => void values.push((await rdd.map((r) => r.value).collect()).sort()));
        ssc.start();
        await clock.advance(1000);
        assert.deepEqual(values, [["0-0", "0-1", "0-2", "0-3", "2-1", "2-2", "2-3"]]);
      });
    });

    it("picks up partitions added to a subscribed topic, and new topics matching a pattern, from their first record", async () => {
      const prefix = uniqueTopic("grow");
      const topic = await broker.createTopic(`${prefix}-a`, 1);
      await broker.produce([{ topic, partition: 0, value: "a0" }]);
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const params = streamParams({ "auto.offset.reset": "latest" });
        const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        const subscribed = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], params));
        const pattern = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.SubscribePattern(new RegExp(`${escaped}-.*`), streamParams({ "auto.offset.reset": "latest" })));
        const bySubscribe: string[][] = [];
        const byPattern: string[][] = [];
        subscribed.foreachRDD(async (rdd) => void bySubscribe.push((await rdd.map((r) => r.value).collect()).sort()));
        pattern.foreachRDD(async (rdd) => void byPattern.push((await rdd.map((r) => r.value).collect()).sort()));
        ssc.start();
        await Promise.all([subscribed.started(), pattern.started()]);
        await broker.produce([{ topic, partition: 0, value: "a1" }]);
        await clock.advance(1000);
        await broker.admin.createPartitions(topic, 3);
        const other = await broker.createTopic(`${prefix}-b`, 2);
        // Produced before any batch could notice the new partitions: they must not be skipped.
        await broker.produce([
          { topic, partition: 1, value: "a1-new" },
          { topic, partition: 2, value: "a2-new" },
          { topic: other, partition: 1, value: "b1" },
        ]);
        await clock.advance(1000);
        assert.deepEqual(bySubscribe, [["a1"], ["a1-new", "a2-new"]]);
        assert.deepEqual(byPattern, [["a1"], ["a1-new", "a2-new", "b1"]]);
      });
    });
  });
}
