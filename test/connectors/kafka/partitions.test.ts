/**
 * Where a producer puts a record when the topic's partition count changes under it: an explicit
 * partition is honoured or the send fails (never redirected), and a key is hashed over the
 * current partition count with Kafka's murmur2, as Kafka's own producer does.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IllegalArgumentException } from "../../../src/index.js";
import { KafkaClients, KafkaProducerCache, KafkaSink, TimeoutException, type ProducerRecord } from "../../../src/connectors/kafka/index.js";
import { forEachMaster } from "../../helpers/masters.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "./broker.js";

const broker = useBroker();
const params = { "bootstrap.servers": BOOTSTRAP };

async function ends(topic: string, partitions: number): Promise<number[]> {
  const offsets = await broker.admin.endOffsets(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
  return offsets.map((o) => o.offset);
}

/** The keys of every record in one partition. */
async function keysIn(topic: string, partition: number): Promise<string[]> {
  const end = await broker.endOffset(topic, partition);
  const c = KafkaClients.consumer({ "bootstrap.servers": BOOTSTRAP, "group.id": "partitions-test", "fetch.max.wait.ms": 100 });
  try {
    c.assign([{ topic, partition }]);
    const records = await c.fetchRange({ topic, partition }, 0, end, { timeoutMs: 10_000 });
    return records.map((r) => String(r.key));
  } finally {
    await c.close();
  }
}

const toPartitions = (topic: string, n: number, partitions: readonly number[]): ProducerRecord[] =>
  Array.from({ length: n }, (_, i) => ({ topic, partition: partitions[i % partitions.length]!, value: `v${i}` }));

/** Kafka's Utils.murmur2 of these keys (its UtilsTest's vectors), so the test does not trust the code it checks. */
const MURMUR2: ReadonlyArray<readonly [string, number]> = [
  ["21", -973932308],
  ["foobar", -790332482],
  ["a-little-bit-long-string", -985981536],
  ["abc", 479470107],
];
/** Kafka's default partitioner for a keyed record: toPositive(murmur2(key)) % numPartitions. */
const kafkaPartition = (hash: number, n: number): number => (hash & 0x7fffffff) % n;

describe("a cached Kafka producer after the topic grows", () => {
  it("sends records with explicit partitions 2 and 3 to partitions 2 and 3", async () => {
    const topic = await broker.createTopic(uniqueTopic("grow"), 2);
    const producer = KafkaProducerCache.getOrCreate(params);
    await producer.send([{ topic, partition: 0, value: "warm" }]);
    await broker.admin.createPartitions(topic, 4);
    await producer.send(toPartitions(topic, 1000, [2, 3]));
    assert.deepEqual(await ends(topic, 4), [1, 0, 500, 500]);
  });

  it("sends within a transaction to the partitions asked for", async () => {
    const topic = await broker.createTopic(uniqueTopic("grow-tx"), 2);
    const producer = KafkaClients.producer({ ...params, "transactional.id": uniqueTopic("grow-txid") });
    try {
      await producer.initTransactions();
      await producer.beginTransaction();
      await producer.send([{ topic, partition: 1, value: "warm" }]);
      await producer.commitTransaction();
      await broker.admin.createPartitions(topic, 4);
      await producer.beginTransaction();
      await producer.send(toPartitions(topic, 100, [2, 3]));
      await producer.commitTransaction();
    } finally {
      await producer.close();
    }
    // A commit marker follows each partition's records, written after the commit returns: the
    // ends are the records plus at most that marker.
    const [e0, e1, e2, e3] = await ends(topic, 4);
    assert.equal(e0, 0);
    assert.ok(e1! >= 1 && e1! <= 2 && e2! >= 50 && e2! <= 51 && e3! >= 50 && e3! <= 51, `ends ${[e0, e1, e2, e3].join(", ")}`);
  });

  it("hashes keys over the partition count, as Kafka's default partitioner does", async () => {
    // Three partitions: a count that is not a power of two tells toPositive (& 0x7fffffff) from >>> 0.
    const topic = await broker.createTopic(uniqueTopic("keys"), 3);
    await KafkaProducerCache.getOrCreate(params).send(MURMUR2.map(([key]) => ({ topic, key, value: key })));
    for (let p = 0; p < 3; p++) {
      const expected = MURMUR2.filter(([, h]) => kafkaPartition(h, 3) === p).map(([k]) => k);
      assert.deepEqual(await keysIn(topic, p), expected, `partition ${p}`);
    }
  });

  it("fails a send to a partition the topic does not have, naming topic and partition, and sends nothing", async () => {
    const topic = await broker.createTopic(uniqueTopic("no-such-partition"), 4);
    const producer = KafkaClients.producer({ ...params, "max.block.ms": 300 });
    try {
      await assert.rejects(
        producer.send([
          { topic, partition: 1, value: "a" },
          { topic, partition: 7, value: "b" },
        ]),
        (e: Error) => e instanceof TimeoutException && e.message.includes(`Partition 7 of topic ${topic} with partition count 4 is not present in metadata after 300 ms`),
      );
      await assert.rejects(
        producer.send([{ topic, partition: -1, value: "c" }]),
        (e: Error) => e instanceof IllegalArgumentException && /Invalid partition: -1/.test(e.message),
      );
    } finally {
      await producer.close();
    }
    assert.deepEqual(await ends(topic, 4), [0, 0, 0, 0]);
  });
});

describe("a Kafka admin client that knew the topic before it grew", () => {
  it("lists offsets of the new partitions and deletes records in them", async () => {
    const topic = await broker.createTopic(uniqueTopic("admin-grow"), 2);
    const admin = KafkaClients.admin(params);
    try {
      assert.deepEqual(
        (await admin.endOffsets([{ topic, partition: 1 }])).map((o) => o.offset),
        [0],
      );
      await broker.admin.createPartitions(topic, 4);
      await broker.produce(toPartitions(topic, 4, [3]));
      assert.deepEqual(
        (await admin.endOffsets([{ topic, partition: 3 }])).map((o) => o.offset),
        [4],
      );
      await admin.deleteRecords([{ topic, partition: 3, offset: 2 }]);
      assert.deepEqual(
        (await admin.beginningOffsets([{ topic, partition: 3 }])).map((o) => o.offset),
        [2],
      );
      await assert.rejects(admin.endOffsets([{ topic, partition: 9 }]), /Partition 9 of topic .* does not exist \(the topic has 4 partitions\)/);
    } finally {
      await admin.close();
    }
  });
});

forEachMaster("KafkaSink.write after the topic grows", (env) => {
  it("writes records with explicit partitions to them with the executors' cached producers", async () => {
    const topic = await broker.createTopic(uniqueTopic("sink-grow"), 2);
    const rdd = env.sc.parallelize(Array.from({ length: 1000 }, (_, i) => i), 4);
    await KafkaSink.write(rdd, topic, { kafkaParams: params, serializer: (i) => ({ value: String(i), partition: i % 2 }) });
    await broker.admin.createPartitions(topic, 4);
    const second = await KafkaSink.write(rdd, topic, { kafkaParams: params, serializer: (i) => ({ value: String(i), partition: 2 + (i % 2) }) });
    assert.ok(second.partitions.every((p) => !p.newProducer), "the producers are the cached ones");
    assert.deepEqual(await ends(topic, 4), [500, 500, 500, 500]);
  });
});
