import assert from "node:assert/strict";
import { it } from "node:test";
import { KafkaSink, KafkaUtils, OffsetRange, type ConsumerRecord } from "../../../src/connectors/kafka/index.js";
import type { SparkContext } from "../../../src/index.js";
import { forEachMaster, sorted } from "../../helpers/masters.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "./broker.js";

const broker = useBroker();
const producerParams = { "bootstrap.servers": BOOTSTRAP };

/** Every record of every partition of `topic`, read back with createRDD. */
async function readAll(sc: SparkContext, topic: string, partitions: number): Promise<Array<ConsumerRecord<string | null, string>>> {
  const ranges: OffsetRange[] = [];
  for (let p = 0; p < partitions; p++) ranges.push(OffsetRange.create(topic, p, 0, await broker.endOffset(topic, p)));
  return KafkaUtils.createRDD(sc, { "bootstrap.servers": BOOTSTRAP, "group.id": "sink-test" }, ranges).collect();
}

const WORDS = "the quick brown fox jumps over the lazy dog the end".split(" ");

forEachMaster("KafkaSink.write", (env) => {
  it("sends every element from the executors and reuses each executor's producer", async () => {
    const topic = await broker.createTopic(uniqueTopic("sink"), 3);
    const rdd = env.sc.parallelize(WORDS, 4);
    const first = await KafkaSink.write(rdd, topic, { kafkaParams: producerParams, serializer: (w) => ({ key: w, value: w.toUpperCase() }) });
    assert.equal(first.records, WORDS.length);
    assert.deepEqual(
      first.partitions.map((p) => p.partition),
      [0, 1, 2, 3],
    );
    const executors = new Set(first.partitions.map((p) => p.executorId));
    if (env.parallel) assert.ok(!executors.has("driver"), "local[N] writes from worker executors");
    // Each executor creates its producer once, for its first task; later tasks and jobs reuse it.
    assert.equal(first.partitions.filter((p) => p.newProducer).length, executors.size);
    const second = await KafkaSink.write(rdd, topic, { kafkaParams: producerParams, serializer: (w) => ({ key: w, value: w.toUpperCase() }) });
    assert.deepEqual(
      second.partitions.filter((p) => p.newProducer),
      [],
      "a second batch creates no producer",
    );
    const back = await readAll(env.sc, topic, 3);
    const expected = sorted([...WORDS, ...WORDS].map((w) => [w, w.toUpperCase()]));
    assert.deepEqual(sorted(back.map((r) => [r.key, r.value])), expected);
    // Keyed records land in the key's partition, so each key is in one partition only.
    const partitionsOf = new Map<string, Set<number>>();
    for (const r of back) partitionsOf.set(r.key!, (partitionsOf.get(r.key!) ?? new Set()).add(r.partition));
    assert.ok([...partitionsOf.values()].every((s) => s.size === 1));
    env.agree("sink records", sorted(back.map((r) => [r.key, r.value, r.partition])));
  });

  it("writes a word count's pairs as key and value without a serializer", async () => {
    const topic = await broker.createTopic(uniqueTopic("sink-pairs"), 1);
    const counts = env.sc
      .parallelize(WORDS, 3)
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b);
    const result = await KafkaSink.write(counts, topic, { kafkaParams: producerParams });
    assert.equal(result.records, new Set(WORDS).size);
    const back = await readAll(env.sc, topic, 1);
    assert.deepEqual(sorted(back.map((r) => [r.key, r.value])), sorted([...new Set(WORDS)].map((w) => [w, String(WORDS.filter((x) => x === w).length)])));
  });

  it("sends headers, explicit partitions and null values", async () => {
    const topic = await broker.createTopic(uniqueTopic("sink-headers"), 2);
    await KafkaSink.write(env.sc.parallelize([0, 1, 2, 3], 2), topic, {
      kafkaParams: producerParams,
      serializer: (i) => ({ partition: i % 2, key: `k${i}`, value: i === 3 ? null : `v${i}`, headers: { n: String(i) } }),
    });
    const back = await readAll(env.sc, topic, 2);
    // Two tasks write to each Kafka partition, so the order within a partition is not fixed.
    assert.deepEqual(
      sorted(back.map((r) => [r.partition, r.key, r.value, r.headers.map((h) => [h.key, Buffer.from(h.value!).toString()])])),
      [
        [0, "k0", "v0", [["n", "0"]]],
        [0, "k2", "v2", [["n", "2"]]],
        [1, "k1", "v1", [["n", "1"]]],
        [1, "k3", null, [["n", "3"]]],
      ],
    );
  });
});
