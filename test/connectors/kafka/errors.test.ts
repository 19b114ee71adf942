import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IllegalArgumentException } from "../../../src/index.js";
import { ConfigException, KafkaUtils, OffsetRange } from "../../../src/connectors/kafka/index.js";
import { MASTERS, withContext } from "../../helpers/masters.js";
import { BOOTSTRAP, numbered, uniqueTopic, useBroker } from "./broker.js";

const params = { "bootstrap.servers": BOOTSTRAP, "group.id": "errors-test" };
/** Short enough that a read that cannot complete fails quickly; no test asserts how long it took. */
const shortPoll = { "spark.streaming.kafka.consumer.poll.ms": "1500" };
let topic = "";

const broker = useBroker(async () => {
  topic = await broker.createTopic(uniqueTopic("errors"), 1);
  await broker.produce(numbered(topic, 0, 10));
});

for (const master of MASTERS) {
  describe(`Kafka read errors [${master}]`, () => {
    it("an unknown topic fails with the topic, partition and offsets", async () => {
      const missing = uniqueTopic("no-such-topic");
      await withContext(master, {}, async (sc) => {
        await assert.rejects(KafkaUtils.createRDD(sc, params, [OffsetRange.create(missing, 0, 3, 7)]).collect(), (e: Error) => {
          assert.match(e.message, /UnknownTopicOrPartitionException/);
          assert.match(e.message, new RegExp(`Topic '${missing}' does not exist on the brokers at ${BOOTSTRAP.replace(/\./g, "\\.")}`));
          assert.match(e.message, new RegExp(`topic '${missing}', partition 0, offset 3 \\(range \\[3, 7\\)\\)`));
          return true;
        });
      });
    });

    it("a partition the topic does not have fails the same way", async () => {
      await withContext(master, {}, async (sc) => {
        await assert.rejects(KafkaUtils.createRDD(sc, params, [OffsetRange.create(topic, 4, 0, 1)]).collect(), (e: Error) => {
          assert.match(e.message, new RegExp(`Partition 4 of topic '${topic}' does not exist \\(the topic has 1 partitions\\)`));
          return true;
        });
      });
    });

    it("an unreachable broker makes the read wait, then fail after the poll timeout naming the record it needed", async () => {
      await withContext(master, shortPoll, async (sc) => {
        const rdd = KafkaUtils.createRDD(sc, { ...params, "bootstrap.servers": "127.0.0.1:1" }, [OffsetRange.create(topic, 0, 2, 5)]);
        await assert.rejects(rdd.collect(), (e: Error) => {
          assert.match(e.message, /TimeoutException: Failed to get records for spark-executor-errors-test /);
          assert.match(e.message, /the brokers at 127\.0\.0\.1:1 cannot be reached/);
          assert.match(e.message, new RegExp(`topic '${topic}', partition 0, offset 2 \\(range \\[2, 5\\)\\)`));
          return true;
        });
      });
    });

    it("a range past the end of the partition is never returned short", async () => {
      await withContext(master, shortPoll, async (sc) => {
        await assert.rejects(KafkaUtils.createRDD(sc, params, [OffsetRange.create(topic, 0, 8, 12)]).collect(), (e: Error) => {
          assert.match(e.message, /offset 10 is not written yet \(the partition ends at 10\)/);
          return true;
        });
      });
    });

    it("records deleted from the log are an error, not a gap", async () => {
      const trimmed = await broker.createTopic(uniqueTopic("errors-trimmed"), 1);
      await broker.produce(numbered(trimmed, 0, 6));
      await broker.admin.deleteRecords([{ topic: trimmed, partition: 0, offset: 4 }]);
      await withContext(master, {}, async (sc) => {
        await assert.rejects(KafkaUtils.createRDD(sc, params, [OffsetRange.create(trimmed, 0, 1, 6)]).collect(), (e: Error) => {
          assert.match(e.message, /OffsetOutOfRangeException/);
          assert.match(e.message, new RegExp(`\\{${trimmed}-0=1\\}`));
          assert.match(e.message, /The log now starts at offset 4/);
          return true;
        });
        const rest = await KafkaUtils.createRDD(sc, params, [OffsetRange.create(trimmed, 0, 4, 6)]).map((r) => r.value).collect();
        assert.deepEqual(rest, ["v-4", "v-5"]);
      });
    });
  });
}

describe("Kafka settings checked where the RDD is defined", () => {
  it("a malformed broker address", async () => {
    await withContext("local[1]", {}, async (sc) => {
      const r = [OffsetRange.create("t", 0, 0, 1)];
      for (const [servers, message] of [
        ["localhost", /Invalid url in bootstrap\.servers: localhost \(expected host:port.*\(defining a KafkaRDD over OffsetRange\(topic: 't', partition: 0, range: \[0 -> 1\]\)\)/],
        ["127.0.0.1:port", /Invalid url in bootstrap\.servers: 127\.0\.0\.1:port/],
        ["127.0.0.1:99999", /Invalid url in bootstrap\.servers: 127\.0\.0\.1:99999/],
        [" , ", /No resolvable bootstrap urls given in bootstrap\.servers/],
      ] as const) {
        assert.throws(
          () => KafkaUtils.createRDD(sc, { "bootstrap.servers": servers }, r),
          (e: Error) => e instanceof ConfigException && message.test(e.message),
          servers,
        );
      }
      assert.throws(
        () => KafkaUtils.createRDD(sc, {} as { "bootstrap.servers": string }, r),
        (e: Error) => e instanceof ConfigException && /Missing required configuration "bootstrap\.servers"/.test(e.message),
      );
      assert.throws(
        () => KafkaUtils.createRDD(sc, { ...params, "isolation.level": "serializable" as "read_committed" }, r),
        (e: Error) => e instanceof ConfigException && /isolation\.level/.test(e.message),
      );
    });
  });

  it("a range that ends before it begins", async () => {
    await withContext("local[1]", {}, async (sc) => {
      assert.throws(
        () => KafkaUtils.createRDD(sc, params, [OffsetRange.create("t", 0, 5, 3)]),
        (e: Error) => e instanceof IllegalArgumentException && /Beginning offset 5 is after the ending offset 3 for topic t partition 0/.test(e.message),
      );
    });
  });
});
