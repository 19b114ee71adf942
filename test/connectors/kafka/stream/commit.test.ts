/**
 * `commitAsync`: offsets queued after a batch's output are committed to the consumer group when
 * the next batch is generated (as in Spark) or when the stream stops, and a restarted stream
 * begins at them.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ConsumerStrategies,
  KafkaUtils,
  LocationStrategies,
  type OffsetRange,
  type TopicPartitionOffset,
} from "../../../../src/connectors/kafka/index.js";
import { uniqueTopic, useBroker } from "../broker.js";
import { MASTERS, streamParams, suiteContext, withStreaming } from "./support.js";

const broker = useBroker();

const produce = (topic: string, partition: number, values: readonly string[]) => broker.produce(values.map((value) => ({ topic, partition, value })));

for (const master of MASTERS) {
  describe(`Kafka direct stream commitAsync [${master}]`, () => {
    const sc = suiteContext(master);

    it("commits each batch's ranges after its output, at the next batch; a restart begins there", async () => {
      const topic = await broker.createTopic(uniqueTopic("commit"), 2);
      const params = streamParams();
      const group = params["group.id"];
      await produce(topic, 0, ["a", "b", "c"]);
      await produce(topic, 1, ["d", "e"]);
      const committed: Array<{ offsets: readonly TopicPartitionOffset[]; error: Error | undefined }> = [];
      const seen: string[][] = [];
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], params));
        stream.foreachRDD(async (rdd) => {
          const offsetRanges: readonly OffsetRange[] = rdd.offsetRanges;
          seen.push((await rdd.map((r) => r.value).collect()).sort());
          stream.commitAsync(offsetRanges, { onComplete: (offsets, error) => void committed.push({ offsets, error }) });
        });
        ssc.start();
        await clock.advance(1000);
        assert.deepEqual(await broker.admin.listConsumerGroupOffsets(group), [], "nothing is committed before the next batch is generated");
        await produce(topic, 0, ["f"]);
        await clock.advance(1000);
        await stream.stop(); // also commits what the last batch queued
        assert.deepEqual(
          committed.map((c) => [c.offsets.map((o) => [o.partition, o.offset]), c.error]),
          [
            [
              [
                [0, 3],
                [1, 2],
              ],
              undefined,
            ],
            [
              [
                [0, 4],
                [1, 2],
              ],
              undefined,
            ],
          ],
        );
      });
      assert.deepEqual(await broker.admin.listConsumerGroupOffsets(group), [
        { topic, partition: 0, offset: 4 },
        { topic, partition: 1, offset: 2 },
      ]);
      await produce(topic, 1, ["g"]);
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], params));
        stream.foreachRDD(async (rdd) => void seen.push((await rdd.map((r) => r.value).collect()).sort()));
        ssc.start();
        await clock.advance(1000);
      });
      assert.deepEqual(seen, [["a", "b", "c", "d", "e"], ["f"], ["g"]]);
    });

    it("reports a commit that cannot happen to the callback", async () => {
      const topic = await broker.createTopic(uniqueTopic("commit-nogroup"), 1);
      await produce(topic, 0, ["x"]);
      const errors: Array<Error | undefined> = [];
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const { "group.id": _unused, ...noGroup } = streamParams();
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], noGroup));
        stream.foreachRDD((rdd) => stream.commitAsync(rdd.offsetRanges, (_offsets, e) => void errors.push(e)));
        ssc.start();
        await clock.advance(2000);
      });
      assert.equal(errors.length, 2);
      assert.match(String(errors[0]?.message), new RegExp(`Cannot commit offsets ${topic}-0=1: the stream's kafkaParams have no group.id`));
    });
  });
}
