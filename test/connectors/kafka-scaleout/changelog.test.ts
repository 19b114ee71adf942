/**
 * StateChangelog against the real broker: what a new owner of a task restores is the latest
 * committed state of each key, tombstones remove keys, an aborted transaction's updates are
 * invisible, and a changelog topic whose partition count does not match the tasks is refused.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { KafkaClients, type KafkaAdminClient } from "../../../src/connectors/kafka/index.js";
import { StateChangelog } from "../../../src/connectors/kafka-scaleout/StateChangelog.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "../kafka/broker.js";

const broker = useBroker();
let admin: KafkaAdminClient | undefined;
const adminClient = (): KafkaAdminClient => (admin ??= KafkaClients.admin({ "bootstrap.servers": BOOTSTRAP }));
after(async () => admin?.close());

const changelogOf = (topic: string): StateChangelog<string, { n: number }> => new StateChangelog("app", topic, adminClient, { "bootstrap.servers": BOOTSTRAP }, 20_000);

describe("StateChangelog", () => {
  it("restores each key's latest committed state, without removed keys or aborted updates", async () => {
    void broker;
    const topic = uniqueTopic("so-cl");
    const cl = changelogOf(topic);
    const producer = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, "transactional.id": `${topic}-tx` });
    try {
      await cl.create(3);
      const [d] = await adminClient().describeTopics([topic]);
      assert.equal(d!.partitions.length, 3);
      await producer.initTransactions();
      const k = (x: string): string => JSON.stringify(x);
      const s = (n: number): string => JSON.stringify({ n });
      await producer.beginTransaction();
      await producer.send([cl.update(0, k("a"), s(1)), cl.update(0, k("b"), s(2)), cl.update(1, k("c"), s(3)), cl.update(2, k("d"), s(4))]);
      await producer.commitTransaction();
      await producer.beginTransaction();
      await producer.send([cl.update(0, k("a"), s(10)), cl.update(0, k("b"), null), cl.update(1, k("e"), s(5))]);
      await producer.commitTransaction();
      // A batch that failed: its updates must not come back.
      await producer.beginTransaction();
      await producer.send([cl.update(0, k("a"), s(99)), cl.update(1, k("c"), null), cl.update(2, k("z"), s(9))]);
      await producer.abortTransaction();

      const restored = await cl.restore([0, 1, 2]);
      const flat = (p: number): Array<[string, number]> => [...restored.get(p)!.values()].map((e) => [e.key, e.state.n] as [string, number]).sort();
      assert.deepEqual(flat(0), [["a", 10]], "partition 0: a's latest state; b removed by its tombstone");
      assert.deepEqual(flat(1), [["c", 3], ["e", 5]], "partition 1: the aborted removal of c is invisible");
      assert.deepEqual(flat(2), [["d", 4]], "partition 2: the aborted z is invisible");
      assert.equal(restored.get(0)!.get(k("a"))!.json, s(10), "the entry keeps the JSON it was restored from");
      assert.deepEqual([...(await cl.restore([1])).keys()], [1], "only the partitions asked for");
    } finally {
      await Promise.all([producer.close(), cl.close()]);
    }
  });

  it("refuses a changelog topic whose partition count differs from the tasks", async () => {
    const topic = await broker.createTopic(uniqueTopic("so-cl-bad"), 2);
    const cl = changelogOf(topic);
    try {
      await assert.rejects(cl.create(3), (e: Error) => {
        assert.match(e.message, new RegExp(`changelog topic ${topic} has 2 partitions but the input topics have 3`));
        assert.match(e.message, /must be equal/);
        return true;
      });
    } finally {
      await cl.close();
    }
  });
});
