/**
 * A broker that goes down in the middle of a read: the read waits, says why, and completes with
 * every record once the broker is back. This file starts a broker of its own (scripts/kafka.sh on
 * another port) so that stopping it disturbs no other test.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { KafkaClients, KafkaDataConsumer, KafkaUtils, OffsetRange, type KafkaReadWait } from "../../../src/connectors/kafka/index.js";
import { withContext } from "../../helpers/masters.js";
import { numbered, uniqueTopic } from "./broker.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const PORT = Number(process.env.KAFKA_OUTAGE_PORT ?? 19192);
const ADDRESS = `127.0.0.1:${PORT}`;

function kafkaSh(command: "start" | "stop" | "clean"): Promise<{ stdout: string; stderr: string }> {
  return run("bash", ["scripts/kafka.sh", command], {
    cwd: root,
    env: { ...process.env, KAFKA_BOOTSTRAP: ADDRESS, KAFKA_CONTROLLER_PORT: String(PORT + 1) },
    timeout: 180_000,
  });
}

describe("a Kafka broker outage during a read", () => {
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

  it("makes the read wait and log, then resume with every record when the broker is back", async () => {
    const topic = uniqueTopic("outage");
    const admin = KafkaClients.admin({ "bootstrap.servers": ADDRESS });
    const producer = KafkaClients.producer({ "bootstrap.servers": ADDRESS });
    try {
      await admin.createTopics([{ name: topic, numPartitions: 1 }]);
      await producer.send(numbered(topic, 0, 6));
    } finally {
      await Promise.all([admin.close(), producer.close()]);
    }
    await kafkaSh("stop");
    await withContext("local[1]", {}, async (sc) => {
      const waiting = once(KafkaDataConsumer.events, "wait") as Promise<[KafkaReadWait]>;
      const reading = KafkaUtils.createRDD(sc, { "bootstrap.servers": ADDRESS, "group.id": "outage" }, [OffsetRange.create(topic, 0, 1, 6)])
        .map((r) => r.value)
        .collect();
      const [wait] = await waiting;
      assert.match(wait.reason, new RegExp(`the brokers at 127\\.0\\.0\\.1:${PORT} cannot be reached`));
      assert.equal(wait.position, 1);
      const resumed = once(KafkaDataConsumer.events, "resume");
      await kafkaSh("start");
      assert.deepEqual(await reading, ["v-1", "v-2", "v-3", "v-4", "v-5"]);
      await resumed;
    });
  });
});
