import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IllegalStateException } from "../../../src/index.js";
import {
  KafkaClients,
  KafkaProducerCache,
  ProducerFencedException,
  TimeoutException,
  type KafkaConsumerClient,
  type KafkaProducerClient,
} from "../../../src/connectors/kafka/index.js";
import { withContext } from "../../helpers/masters.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "./broker.js";

const broker = useBroker();

function consumer(isolation: "read_committed" | "read_uncommitted", topic: string): KafkaConsumerClient {
  const c = KafkaClients.consumer({ "bootstrap.servers": BOOTSTRAP, "group.id": "producer-test", "isolation.level": isolation, "fetch.max.wait.ms": 100 });
  c.assign([{ topic, partition: 0 }]);
  return c;
}

async function values(c: KafkaConsumerClient, topic: string, from: number, until: number, timeoutMs = 10_000): Promise<string[]> {
  const records = await c.fetchRange({ topic, partition: 0 }, from, until, { timeoutMs });
  return records.map((r) => String(r.value));
}

async function withTransactional<R>(fn: (p: KafkaProducerClient, id: string) => Promise<R>): Promise<R> {
  const id = uniqueTopic("txid");
  const p = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, "transactional.id": id });
  try {
    return await fn(p, id);
  } finally {
    await p.close();
  }
}

describe("Kafka transactional producer", () => {
  it("makes records visible to a read_committed consumer only after commit", async () => {
    const topic = await broker.createTopic(uniqueTopic("tx-commit"));
    const committed = consumer("read_committed", topic);
    const uncommitted = consumer("read_uncommitted", topic);
    try {
      await withTransactional(async (p) => {
        await p.initTransactions();
        await p.beginTransaction();
        await p.send(["a", "b", "c"].map((value) => ({ topic, partition: 0, value })));
        // Open: written (the high watermark moved) but not stable, so read_committed cannot see it.
        assert.equal(await broker.endOffset(topic, 0), 3);
        assert.deepEqual(await broker.admin.endOffsets([{ topic, partition: 0 }], "read_committed"), [{ topic, partition: 0, offset: 0 }]);
        assert.deepEqual(await values(uncommitted, topic, 0, 3), ["a", "b", "c"]);
        await assert.rejects(values(committed, topic, 0, 3, 300), (e: Error) => e instanceof TimeoutException && /a transaction is open/.test(e.message));
        await p.commitTransaction();
      });
      assert.deepEqual(await values(committed, topic, 0, 3), ["a", "b", "c"]);
      assert.deepEqual(await broker.admin.endOffsets([{ topic, partition: 0 }], "read_committed"), [{ topic, partition: 0, offset: 4 }]);
    } finally {
      await Promise.all([committed.close(), uncommitted.close()]);
    }
  });

  it("hides aborted records from read_committed consumers for good", async () => {
    const topic = await broker.createTopic(uniqueTopic("tx-abort"));
    const committed = consumer("read_committed", topic);
    const uncommitted = consumer("read_uncommitted", topic);
    try {
      await withTransactional(async (p) => {
        await p.initTransactions();
        await p.beginTransaction();
        await p.send([{ topic, partition: 0, value: "gone" }]);
        await p.abortTransaction();
        await p.beginTransaction();
        await p.send([{ topic, partition: 0, value: "kept" }]);
        await p.commitTransaction();
      });
      const end = await broker.endOffset(topic, 0);
      assert.deepEqual(await values(committed, topic, 0, end), ["kept"]);
      assert.deepEqual(await values(uncommitted, topic, 0, end), ["gone", "kept"]);
    } finally {
      await Promise.all([committed.close(), uncommitted.close()]);
    }
  });

  it("read_committed keeps the committed transactions between aborted ones of the same producer, in one fetch", async () => {
    // One producer (one transactional.id keeps one producer id across its transactions and
    // epochs) commits and aborts in turn. The last abort has no records in the partition: the
    // send was refused by the broker after the partition had joined the transaction, as after a
    // crash between AddPartitionsToTxn and Produce, so the broker lists no aborted transaction
    // for it. A reader must end each aborted transaction at its own abort marker.
    const topic = uniqueTopic("tx-interleaved");
    await broker.admin.createTopics([{ name: topic, numPartitions: 1, configs: { "max.message.bytes": "2000" } }]);
    const committed = consumer("read_committed", topic);
    const uncommitted = consumer("read_uncommitted", topic);
    try {
      await withTransactional(async (p) => {
        await p.initTransactions();
        const txn = async (values: readonly string[], commit: boolean) => {
          await p.beginTransaction();
          await p.send(values.map((value) => ({ topic, partition: 0, value })));
          await (commit ? p.commitTransaction() : p.abortTransaction());
        };
        await txn(["a1", "a2"], true);
        await txn(["x1", "x2"], false);
        await txn(["b1", "b2"], true);
        await txn(["y1"], false);
        await txn(["c1", "c2"], true);
        await p.beginTransaction();
        await assert.rejects(p.send([{ topic, partition: 0, value: "z".repeat(4000) }]));
        await p.abortTransaction();
        await txn(["d1"], true);
      });
      const end = await broker.endOffset(topic, 0);
      assert.deepEqual(await values(uncommitted, topic, 0, end), ["a1", "a2", "x1", "x2", "b1", "b2", "y1", "c1", "c2", "d1"]);
      assert.deepEqual(await values(committed, topic, 0, end), ["a1", "a2", "b1", "b2", "c1", "c2", "d1"]);
    } finally {
      await Promise.all([committed.close(), uncommitted.close()]);
    }
  });

  it("commits consumer offsets atomically with the records (sendOffsetsToTransaction)", async () => {
    const topic = await broker.createTopic(uniqueTopic("tx-offsets"), 2);
    const group = uniqueTopic("tx-offsets-group");
    await withTransactional(async (p) => {
      await p.initTransactions();
      await p.beginTransaction();
      await p.send([{ topic, partition: 0, value: "x" }]);
      await p.sendOffsetsToTransaction([{ topic, partition: 1, offset: 42 }], group);
      await p.abortTransaction();
      assert.deepEqual(await broker.admin.listConsumerGroupOffsets(group), [], "aborted offsets are not committed");
      await p.beginTransaction();
      await p.send([{ topic, partition: 0, value: "y" }]);
      await p.sendOffsetsToTransaction(
        [
          { topic, partition: 0, offset: 7 },
          { topic, partition: 1, offset: 42 },
        ],
        group,
      );
      await p.commitTransaction();
    });
    assert.deepEqual(await broker.admin.listConsumerGroupOffsets(group), [
      { topic, partition: 0, offset: 7 },
      { topic, partition: 1, offset: 42 },
    ]);
  });

  it("is fenced by a newer producer with the same transactional.id", async () => {
    const topic = await broker.createTopic(uniqueTopic("tx-fence"));
    await withTransactional(async (old, id) => {
      await old.initTransactions();
      await old.beginTransaction();
      await old.send([{ topic, partition: 0, value: "zombie" }]);
      const fresh = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, "transactional.id": id });
      try {
        // The newer producer aborts what the old one left open, and the old one may not write again.
        await fresh.initTransactions();
        await assert.rejects(old.commitTransaction(), ProducerFencedException);
        await assert.rejects(old.beginTransaction(), ProducerFencedException);
        await fresh.beginTransaction();
        await fresh.send([{ topic, partition: 0, value: "fresh" }]);
        await fresh.commitTransaction();
      } finally {
        await fresh.close();
      }
    });
    const c = consumer("read_committed", topic);
    try {
      assert.deepEqual(await values(c, topic, 0, await broker.endOffset(topic, 0)), ["fresh"]);
    } finally {
      await c.close();
    }
  });

  it("enforces Kafka's order of transactional calls", async () => {
    const topic = await broker.createTopic(uniqueTopic("tx-order"));
    await withTransactional(async (p) => {
      await assert.rejects(p.beginTransaction(), (e: Error) => e instanceof IllegalStateException && /before initTransactions/.test(e.message));
      await p.initTransactions();
      await assert.rejects(p.send([{ topic, value: "x" }]), (e: Error) => e instanceof IllegalStateException && /outside a transaction/.test(e.message));
      await assert.rejects(p.commitTransaction(), (e: Error) => e instanceof IllegalStateException && /no transaction is in progress/.test(e.message));
      await p.beginTransaction();
      await assert.rejects(p.beginTransaction(), (e: Error) => e instanceof IllegalStateException && /already in progress/.test(e.message));
      await p.commitTransaction();
    });
    const plain = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP });
    try {
      await assert.rejects(plain.initTransactions(), (e: Error) => e instanceof IllegalStateException && /transactional\.id/.test(e.message));
    } finally {
      await plain.close();
    }
  });
});

describe("KafkaProducerCache", () => {
  it("gives one producer per settings, reused until the executor stops", async () => {
    const topic = await broker.createTopic(uniqueTopic("producer-cache"));
    await withContext("local[1]", {}, async () => {
      const before = KafkaProducerCache.stats();
      const settings = { "bootstrap.servers": BOOTSTRAP, "client.id": "cache-test" };
      const a = KafkaProducerCache.getOrCreate(settings);
      const b = KafkaProducerCache.getOrCreate({ ...settings });
      const other = KafkaProducerCache.getOrCreate({ ...settings, acks: "1" });
      assert.equal(a, b, "the same settings give the same producer");
      assert.notEqual(a, other);
      await a.send([{ topic, partition: 0, value: "via-cache" }]);
      const now = KafkaProducerCache.stats();
      assert.equal(now.created - before.created, 2);
      assert.equal(now.reused - before.reused, 1);
      assert.equal(now.cached, 2);
    });
    assert.equal(KafkaProducerCache.stats().cached, 0, "SparkContext.stop() closes the driver executor's producers");
  });
});
