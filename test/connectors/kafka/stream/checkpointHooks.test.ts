/**
 * The direct stream's checkpoint hooks (InputDStream's checkpointBatchData / restoreBatchData /
 * checkpointStreamData / restoreStreamData), called as the checkpoint layer calls them: a
 * restored batch reads exactly its checkpointed ranges, and the restored stream continues from
 * the position after the last generated batch, with no gap and no overlap.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Time } from "../../../../src/index.js";
import { ConsumerStrategies, KafkaRDD, KafkaUtils, LocationStrategies, type OffsetRange, type ProducerRecord } from "../../../../src/connectors/kafka/index.js";
import { uniqueTopic, useBroker } from "../broker.js";
import { MASTERS, assertContiguous, recordBatches, streamParams, suiteContext, withStreaming } from "./support.js";

const broker = useBroker();

const values = (topic: string, partition: number, from: number, n: number): ProducerRecord[] =>
  Array.from({ length: n }, (_, i) => ({ topic, partition, value: `${partition}-${from + i}` }));

for (const master of MASTERS) {
  describe(`Kafka direct stream checkpoint hooks [${master}]`, () => {
    const sc = suiteContext(master, { "spark.streaming.kafka.maxRatePerPartition": "3" });

    it("checkpoints each batch's offset ranges and the position after the last one, and restores both", async () => {
      const topic = await broker.createTopic(uniqueTopic("checkpoint"), 2);
      await broker.produce([...values(topic, 0, 0, 8), ...values(topic, 1, 0, 4)]);
      const params = streamParams();
      let batchData: Array<[number, OffsetRange[]]> = [];
      let saved: { batch: [number, unknown]; stream: unknown } | undefined;
      const first = await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], params));
        const batches = recordBatches(stream);
        ssc.start();
        await clock.advance(2000);
        const t = 2000;
        saved = { batch: [t, stream.checkpointBatchData(new Time(t), stream.generatedRDDs.get(t)!)], stream: stream.checkpointStreamData() };
        batchData = [[t, [...stream.offsetRangesFor(t)!]]];
        return batches;
      });
      assert.deepEqual(saved!.batch[1], {
        offsetRanges: [
          [topic, 0, 3, 6],
          [topic, 1, 3, 4],
        ],
      });
      assert.deepEqual(saved!.stream, {
        currentOffsets: [
          [topic, 0, 6],
          [topic, 1, 4],
        ],
      });
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], params));
        stream.restoreStreamData(saved!.stream as never);
        const restored = stream.restoreBatchData(new Time(2000), saved!.batch[1] as never);
        assert.ok(restored instanceof KafkaRDD);
        assert.deepEqual(restored.offsetRanges.map(String), batchData[0]![1].map(String));
        assert.deepEqual((await restored.map((r) => r.value).collect()).sort(), ["0-3", "0-4", "0-5", "1-3"]);
        const batches = recordBatches(stream);
        ssc.start();
        await clock.advance(1000);
        assertContiguous([...first, ...batches], new Map());
        assert.deepEqual(batches[0]!.ranges.map((r) => [r.partition, r.fromOffset, r.untilOffset]), [
          [0, 6, 8],
          [1, 4, 4],
        ]);
      });
    });
  });
}
