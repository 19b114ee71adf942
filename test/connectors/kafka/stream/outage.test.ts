/**
 * A broker that goes down between batches: the next batch's generation waits, says why, and
 * once the broker is back the stream resumes with every record, none skipped or read twice.
 * This file starts a broker of its own (scripts/kafka.sh on another port) so that stopping it
 * disturbs no other test.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ConsumerStrategies, KafkaClients, KafkaUtils, LocationStrategies, type BrokerWait, type ProducerRecord } from "../../../../src/connectors/kafka/index.js";
import { uniqueTopic } from "../broker.js";
import { assertContiguous, recordBatches, suiteContext, withStreaming } from "./support.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../..", import.meta.url));
const PORT = Number(process.env.KAFKA_STREAM_OUTAGE_PORT ?? 19196);
const ADDRESS = `127.0.0.1:${PORT}`;

function kafkaSh(command: "start" | "stop" | "clean"): Promise<{ stdout: string; stderr: string }> {
  return run("bash", ["scripts/kafka.sh", command], {
    cwd: root,
    env: { ...process.env, KAFKA_BOOTSTRAP: ADDRESS, KAFKA_CONTROLLER_PORT: String(PORT + 1) },
    timeout: 180_000,
  });
}

async function produce(records: readonly ProducerRecord[]): Promise<void> {
  const producer = KafkaClients.producer({ "bootstrap.servers": ADDRESS });
  try {
    await producer.send(records);
  } finally {
    await producer.close();
  }
}

const values = (topic: string, partition: number, from: number, n: number): ProducerRecord[] =>
  Array.from({ length: n }, (_, i) => ({ topic, partition, value: `${partition}-${from + i}` }));

describe("a Kafka broker outage between batches of a direct stream", () => {
  before(async () => {
    try {
      await kafkaSh("start");
    } catch (e) {
      throw new Error(`Could not start a second broker at ${ADDRESS} for this test: ${(e as { stderr?: string }).stderr ?? String(e)}\nInstall Kafka with: bash scripts/kafka.sh install`, {
        cause: e,
      });
    }
  });
  after(async () => {
    await kafkaSh("clean");
  });
  const sc = suiteContext("local[2]");

  it("makes batch generation wait and log, then resume with nothing skipped", async () => {
    const topic = uniqueTopic("stream-outage");
    const admin = KafkaClients.admin({ "bootstrap.servers": ADDRESS });
    try {
      await admin.createTopics([{ name: topic, numPartitions: 2 }]);
    } finally {
      await admin.close();
    }
    await produce([...values(topic, 0, 0, 4), ...values(topic, 1, 0, 3)]);
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const params = { "bootstrap.servers": ADDRESS, "group.id": uniqueTopic("outage-group"), "auto.offset.reset": "earliest", "fetch.max.wait.ms": 100 };
      const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], params));
      const batches = recordBatches(stream);
      const seen: string[][] = [];
      stream.foreachRDD(async (rdd) => void seen.push((await rdd.map((r) => r.value).collect()).sort()));
      ssc.start();
      await clock.advance(1000);
      await produce([...values(topic, 0, 4, 2), ...values(topic, 1, 3, 1)]);
      await kafkaSh("stop");
      const waiting = once(stream.events, "wait") as Promise<[BrokerWait]>;
      const generating = clock.advance(1000);
      const [wait] = await waiting;
      assert.match(wait.reason, new RegExp(`the brokers at 127\\.0\\.0\\.1:${PORT} cannot be reached`));
      assert.equal(wait.what, "fix the offsets of batch 2000 ms");
      assert.equal(seen.length, 1, "the batch waits: it is not generated without its offsets");
      const resumed = once(stream.events, "resume") as Promise<[BrokerWait]>;
      await kafkaSh("start");
      await generating;
      await resumed;
      await produce(values(topic, 1, 4, 2));
      await clock.advance(1000);
      assert.deepEqual(seen, [
        ["0-0", "0-1", "0-2", "0-3", "1-0", "1-1", "1-2"],
        ["0-4", "0-5", "1-3"],
        ["1-4", "1-5"],
      ]);
      const end = assertContiguous(batches, new Map());
      assert.deepEqual([...end.values()], [6, 6]);
    });
  });
});
