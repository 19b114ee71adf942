import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KafkaException, UnknownTopicOrPartitionException } from "../../../src/connectors/kafka/index.js";
import { numbered, uniqueTopic, useBroker } from "./broker.js";

const broker = useBroker();

describe("KafkaAdminClient", () => {
  it("creates topics with partitions, and lists and describes them", async () => {
    const a = uniqueTopic("admin-a");
    const b = uniqueTopic("admin-b");
    await broker.admin.createTopics([
      { name: a, numPartitions: 3 },
      { name: b, numPartitions: 1, configs: { "retention.ms": "3600000" } },
    ]);
    const names = await broker.admin.listTopics();
    assert.ok(names.includes(a) && names.includes(b));
    assert.ok(!names.some((n) => n.startsWith("__")), "internal topics are not listed");
    const [da, db] = await broker.admin.describeTopics([a, b]);
    assert.equal(da!.name, a);
    assert.deepEqual(
      da!.partitions.map((p) => p.partition),
      [0, 1, 2],
    );
    assert.ok(da!.partitions.every((p) => p.leader >= 0 && p.replicas.length === 1 && p.isr.length === 1));
    assert.equal(db!.partitions.length, 1);
    assert.deepEqual(await broker.admin.partitionsFor([b]), [{ topic: b, partition: 0 }]);
  });

  it("tells an existing topic apart, unless asked to create only if missing", async () => {
    const t = await broker.createTopic(uniqueTopic("admin-dup"));
    await assert.rejects(broker.admin.createTopics([{ name: t }]), (e: Error) => e instanceof KafkaException && /TOPIC_ALREADY_EXISTS/.test(e.message));
    await broker.admin.createTopics([{ name: t }], { ifNotExists: true });
  });

  it("gives beginning and end offsets", async () => {
    const t = await broker.createTopic(uniqueTopic("admin-offsets"), 2);
    await broker.produce(numbered(t, 1, 5));
    const tps = [
      { topic: t, partition: 0 },
      { topic: t, partition: 1 },
    ];
    assert.deepEqual(await broker.admin.endOffsets(tps), [
      { topic: t, partition: 0, offset: 0 },
      { topic: t, partition: 1, offset: 5 },
    ]);
    await broker.admin.deleteRecords([{ topic: t, partition: 1, offset: 2 }]);
    assert.deepEqual(await broker.admin.beginningOffsets(tps), [
      { topic: t, partition: 0, offset: 0 },
      { topic: t, partition: 1, offset: 2 },
    ]);
  });

  it("adds partitions to a topic", async () => {
    const t = await broker.createTopic(uniqueTopic("admin-grow"), 1);
    await broker.admin.createPartitions(t, 4);
    const [d] = await broker.admin.describeTopics([t]);
    assert.equal(d!.partitions.length, 4);
  });

  it("names a topic that does not exist", async () => {
    const missing = uniqueTopic("admin-missing");
    await assert.rejects(broker.admin.describeTopics([missing]), (e: Error) => e instanceof UnknownTopicOrPartitionException && e.message.includes(missing));
    await assert.rejects(broker.admin.endOffsets([{ topic: missing, partition: 0 }]), UnknownTopicOrPartitionException);
  });

  it("deletes topics", async () => {
    const t = await broker.createTopic(uniqueTopic("admin-delete"));
    await broker.admin.deleteTopics([t]);
    // Deletion completes asynchronously in the controller: wait for the condition, not for a time.
    while ((await broker.admin.listTopics()).includes(t)) await new Promise((r) => setImmediate(r));
    assert.ok(!(await broker.admin.listTopics()).includes(t));
  });
});
