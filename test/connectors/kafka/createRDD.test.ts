import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, it } from "node:test";
import type { TaskInfo } from "../../../src/index.js";
import {
  KafkaClients,
  KafkaDataConsumer,
  KafkaRDD,
  KafkaUtils,
  LocationStrategies,
  OffsetRange,
  type ConsumerRecord,
  type KafkaReadWait,
} from "../../../src/connectors/kafka/index.js";
import { forEachMaster, recordTasks, withContext } from "../../helpers/masters.js";
import { BOOTSTRAP, numbered, uniqueTopic, useBroker } from "./broker.js";

const params = { "bootstrap.servers": BOOTSTRAP, "group.id": "createRDD-test" };
let topic = "";
let txTopic = "";

const broker = useBroker(async () => {
  topic = await broker.createTopic(uniqueTopic("createRDD"), 3);
  for (let p = 0; p < 3; p++) await broker.produce(numbered(topic, p, 20, `p${p}`));
  // Committed, aborted and committed again: offsets 0-2 data, 3 marker, 4-5 aborted, 6 marker, 7 data, 8 marker.
  txTopic = await broker.createTopic(uniqueTopic("createRDD-tx"), 1);
  const tx = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, "transactional.id": uniqueTopic("createRDD-txid") });
  try {
    await tx.initTransactions();
    for (const [values, commit] of [[["a", "b", "c"], true], [["x", "y"], false], [["d"], true]] as const) {
      await tx.beginTransaction();
      await tx.send(values.map((value) => ({ topic: txTopic, partition: 0, value })));
      await (commit ? tx.commitTransaction() : tx.abortTransaction());
    }
  } finally {
    await tx.close();
  }
});

/** What record i of partition p holds, as produced in `before`. */
function expected(p: number, from: number, until: number): Array<Pick<ConsumerRecord<string, string>, "partition" | "offset" | "key" | "value">> {
  return Array.from({ length: until - from }, (_, j) => ({ partition: p, offset: from + j, key: `k${from + j}`, value: `p${p}-${from + j}` }));
}

function ranges(): OffsetRange[] {
  return [
    OffsetRange.create(topic, 0, 5, 8),
    OffsetRange.create(topic, 1, 0, 2),
    OffsetRange.create(topic, 2, 18, 20),
    OffsetRange.create(topic, 2, 3, 3),
    OffsetRange.create(topic, 1, 10, 15),
  ];
}

forEachMaster("KafkaUtils.createRDD", (env) => {
  it("reads exactly the records of each range, in range order, on the executors", async () => {
    const rdd = KafkaUtils.createRDD(env.sc, params, ranges());
    const { result, tasks } = await recordTasks(env.sc, () => rdd.collect());
    const slim = result.map((r) => ({ partition: r.partition, offset: r.offset, key: r.key, value: r.value }));
    assert.deepEqual(slim, [...expected(0, 5, 8), ...expected(1, 0, 2), ...expected(2, 18, 20), ...expected(1, 10, 15)]);
    assert.ok(result.every((r) => r.topic === topic));
    env.agree("records", slim);
    assert.equal(tasks.length, 5);
    if (env.parallel) {
      // The records were fetched where they were computed: no task ran on the driver's thread.
      assert.deepEqual(
        tasks.filter((t: TaskInfo) => t.executorId === "driver").map((t) => t.index),
        [],
        "local[N] must read Kafka in worker executors",
      );
    }
  });

  it("has one partition per offset range and exposes the ranges (HasOffsetRanges)", async () => {
    const rs = ranges();
    const rdd = KafkaUtils.createRDD(env.sc, params, rs, LocationStrategies.PreferConsistent);
    assert.ok(rdd instanceof KafkaRDD);
    assert.equal(rdd.getNumPartitions(), rs.length);
    assert.deepEqual(rdd.offsetRanges.map(String), rs.map(String));
    assert.ok(rdd.offsetRanges.every((r, i) => r.equals(rs[i])));
    rs.pop();
    assert.equal(rdd.offsetRanges.length, 5, "createRDD copies the ranges it is given");
    const sizes = (await rdd.glom().collect()).map((part) => part.length);
    assert.deepEqual(sizes, rdd.offsetRanges.map((r) => r.count()));
    env.agree("sizes", sizes);
  });

  it("carries timestamps and headers, and feeds transformations and shuffles", async () => {
    const rdd = KafkaUtils.createRDD(env.sc, params, [OffsetRange.create(topic, 0, 0, 20), OffsetRange.create(topic, 2, 0, 20)]);
    const first = await rdd.first();
    assert.equal(first.timestampType, "CreateTime");
    assert.ok(Number.isInteger(first.timestamp) && first.timestamp > 0);
    assert.deepEqual(
      first.headers.map((h) => [h.key, h.value && Buffer.from(h.value).toString()]),
      [["i", "0"]],
    );
    const counts = await rdd
      .map((r) => [r.value.split("-")[0]!, 1] as [string, number])
      .reduceByKey((a, b) => a + b)
      .collectAsMap();
    assert.deepEqual([...counts].sort(), [
      ["p0", 20],
      ["p2", 20],
    ]);
    assert.equal(await rdd.count(), 40);
    assert.equal(await KafkaUtils.createRDD(env.sc, params, [OffsetRange.create(topic, 0, 4, 4)]).isEmpty(), true);
    env.agree("counts", [...counts].sort());
  });

  it("reads only committed records under isolation.level=read_committed", async () => {
    const end = await broker.endOffset(txTopic, 0);
    const range = [OffsetRange.create(txTopic, 0, 0, end)];
    const committed = await KafkaUtils.createRDD(env.sc, { ...params, "isolation.level": "read_committed" }, range).map((r) => r.value).collect();
    const all = await KafkaUtils.createRDD(env.sc, params, range).map((r) => r.value).collect();
    assert.deepEqual(committed, ["a", "b", "c", "d"]);
    assert.deepEqual(all, ["a", "b", "c", "x", "y", "d"], "read_uncommitted sees aborted records, never transaction markers");
    env.agree("read_committed", committed);
  });
});

describe("KafkaRDD reads in an executor", () => {
  it("reuses the executor's cached consumer across jobs", async () => {
    await withContext("local[1]", {}, async (sc) => {
      const rdd = KafkaUtils.createRDD(sc, params, ranges());
      await rdd.count();
      const afterFirst = KafkaDataConsumer.stats();
      await rdd.count();
      await KafkaUtils.createRDD(sc, params, [OffsetRange.create(topic, 0, 0, 1)]).collect();
      const afterMore = KafkaDataConsumer.stats();
      assert.equal(afterMore.created, afterFirst.created, "no consumer is created for later jobs with the same settings");
      assert.ok(afterMore.reused >= afterFirst.reused + 5);
    });
    assert.equal(KafkaDataConsumer.stats().cached, 0, "stopping the context closes the executor's consumers");
  });

  /**
   * The first wait whose reason matches `reason`. A topic just created can first answer with a
   * leader that is not settled yet (UNKNOWN_LEADER_EPOCH), which is a wait of its own: skip those.
   */
  const waitBecause = (reason: RegExp): Promise<KafkaReadWait> =>
    new Promise((resolve, reject) => {
      const others: string[] = [];
      const timer = setTimeout(() => {
        KafkaDataConsumer.events.off("wait", seen);
        reject(new Error(`no wait because of ${reason} within 30 s; waits seen: ${JSON.stringify(others)}`));
      }, 30_000);
      const seen = (w: KafkaReadWait): void => {
        if (!reason.test(w.reason)) return void others.push(w.reason);
        clearTimeout(timer);
        KafkaDataConsumer.events.off("wait", seen);
        resolve(w);
      };
      KafkaDataConsumer.events.on("wait", seen);
    });

  it("waits for records that are not written yet, logs why, and returns the whole range once they are", async () => {
    const late = await broker.createTopic(uniqueTopic("createRDD-late"), 1);
    await withContext("local[1]", {}, async (sc) => {
      const waiting = waitBecause(/offset 0 is not written yet/);
      const reading = KafkaUtils.createRDD(sc, params, [OffsetRange.create(late, 0, 0, 5)]).map((r) => r.value).collect();
      const wait = await waiting;
      assert.equal(wait.position, 0);
      const resumed = once(KafkaDataConsumer.events, "resume");
      await broker.produce(numbered(late, 0, 3, "late"));
      await resumed;
      await broker.produce(numbered(late, 0, 5, "later").slice(3));
      assert.deepEqual(await reading, ["late-0", "late-1", "late-2", "later-3", "later-4"]);
    });
  });

  it("waits while a transaction in the range is open, under read_committed", async () => {
    const open = await broker.createTopic(uniqueTopic("createRDD-open"), 1);
    const tx = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, "transactional.id": uniqueTopic("createRDD-open-txid") });
    try {
      await tx.initTransactions();
      await tx.beginTransaction();
      await tx.send([
        { topic: open, partition: 0, value: "one" },
        { topic: open, partition: 0, value: "two" },
      ]);
      await withContext("local[1]", {}, async (sc) => {
        const waiting = waitBecause(/not committed yet: a transaction is open/);
        const reading = KafkaUtils.createRDD(sc, { ...params, "isolation.level": "read_committed" }, [OffsetRange.create(open, 0, 0, 2)])
          .map((r) => r.value)
          .collect();
        await waiting;
        await tx.commitTransaction();
        assert.deepEqual(await reading, ["one", "two"]);
      });
    } finally {
      await tx.close();
    }
  });
});
