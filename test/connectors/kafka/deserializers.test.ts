import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ConfigException,
  KafkaUtils,
  OffsetRange,
  StringDeserializer,
  type Deserializer,
} from "../../../src/connectors/kafka/index.js";
import { forEachMaster, recordTasks, withContext } from "../../helpers/masters.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "./broker.js";

const base = { "bootstrap.servers": BOOTSTRAP, "group.id": "deserializers-test" };
let topic = "";

// Offsets: 0 and 1 hold JSON values, 2 holds a value that is not JSON, 3 has a null key and value.
const broker = useBroker(async () => {
  topic = await broker.createTopic(uniqueTopic("deserializers"), 1);
  await broker.produce([
    { topic, partition: 0, key: "a", value: '{"n":1}' },
    { topic, partition: 0, key: "b", value: '{"n":2}' },
    { topic, partition: 0, key: "c", value: "not json" },
    { topic, partition: 0, key: null, value: null },
  ]);
});

function range(from: number, until: number): OffsetRange[] {
  return [OffsetRange.create(topic, 0, from, until)];
}

forEachMaster("Kafka deserializers", (env) => {
  it("default to strings for keys and values, and keep a null key or value null", async () => {
    const records = await KafkaUtils.createRDD(env.sc, base, range(0, 4)).map((r) => [r.key, r.value]).collect();
    assert.deepEqual(records, [
      ["a", '{"n":1}'],
      ["b", '{"n":2}'],
      ["c", "not json"],
      [null, null],
    ]);
    env.agree("strings", records);
  });

  it("accept Kafka's class names and the built-in names", async () => {
    const named = await KafkaUtils.createRDD(env.sc, { ...base, "key.deserializer": StringDeserializer, "value.deserializer": "json" }, range(0, 2))
      .map((r) => [r.key, r.value])
      .collect();
    assert.deepEqual(named, [
      ["a", { n: 1 }],
      ["b", { n: 2 }],
    ]);
    const bytes = await KafkaUtils.createRDD<Uint8Array | null, Uint8Array | null>(env.sc, { ...base, "key.deserializer": "bytes", "value.deserializer": "org.apache.kafka.common.serialization.ByteArrayDeserializer" }, range(0, 1)).collect();
    assert.deepEqual(bytes[0]!.key, new Uint8Array(Buffer.from("a")));
    assert.deepEqual(bytes[0]!.value, new Uint8Array(Buffer.from('{"n":1}')));
    env.agree("named", named);
  });

  it("accept any function, which runs in the executors", async () => {
    const upper: Deserializer<string | null> = (data) => (data === null ? null : data.toString("utf8").toUpperCase());
    const sized: Deserializer<number> = (data, t, headers) => (data === null ? -1 : data.length * 100 + headers.length + (t.length > 0 ? 0 : 1));
    const rdd = KafkaUtils.createRDD(env.sc, { ...base, "key.deserializer": upper, "value.deserializer": sized }, range(0, 4));
    const { result, tasks } = await recordTasks(env.sc, () => rdd.map((r) => [r.key, r.value]).collect());
    assert.deepEqual(result, [
      ["A", 700],
      ["B", 700],
      ["C", 800],
      [null, -1],
    ]);
    if (env.parallel) assert.ok(tasks.every((t) => t.executorId !== "driver"), "a function without free variables is shipped to the executors");
    env.agree("functions", result);
  });

  it("name the topic, partition and offset of a record a deserializer cannot read", async () => {
    await assert.rejects(
      KafkaUtils.createRDD(env.sc, { ...base, "value.deserializer": "json" }, range(0, 4)).collect(),
      (e: Error) => {
        assert.match(e.message, /RecordDeserializationException/);
        assert.match(e.message, new RegExp(`topic '${topic}', partition 0, offset 2\\)`));
        assert.match(e.message, /value\.deserializer 'json'/);
        return true;
      },
    );
    const boom: Deserializer<string> = () => {
      throw new Error("boom");
    };
    await assert.rejects(KafkaUtils.createRDD(env.sc, { ...base, "key.deserializer": boom }, range(1, 3)).count(), (e: Error) => {
      assert.match(e.message, new RegExp(`Error deserializing key for partition ${topic}-0 at offset 1 \\(topic '${topic}', partition 0, offset 1\\)`));
      assert.match(e.message, /boom/);
      return true;
    });
  });
});

describe("Kafka deserializer settings", () => {
  it("reject an unknown deserializer where the RDD is defined", async () => {
    await withContext("local[1]", {}, async (sc) => {
      assert.throws(
        () => KafkaUtils.createRDD(sc, { ...base, "value.deserializer": "avro" as "json" }, range(0, 1)),
        (e: Error) => e instanceof ConfigException && /configuration value\.deserializer/.test(e.message),
      );
    });
  });
});
