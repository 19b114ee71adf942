/**
 * A broker that cannot run transactions is refused at start, in bounded time, with a message
 * that says so and how to fix it. The broker is a private one (scripts/kafka.sh on a free port)
 * whose transaction log needs 3 replicas, as a single broker with Kafka's default has: it cannot
 * create __transaction_state, so its transaction coordinator never becomes available, while
 * topics, produce and consumer groups work.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { KafkaClients } from "../../../src/connectors/kafka/index.js";
import { KafkaScaleOut } from "../../../src/connectors/kafka-scaleout/index.js";
import { Milliseconds, SparkConf, StreamingContext } from "../../../src/index.js";
import { uniqueTopic } from "../kafka/broker.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const EXTRA_CONFIG = "transaction.state.log.replication.factor=3\ntransaction.state.log.min.isr=2";
/** How long start() may take to refuse; a start that retries forever fails the test here. */
const REFUSAL_BOUND_MS = 60_000;
/** Kafka's bound on initTransactions, lowered from 60 s to keep the test short. */
const MAX_BLOCK_MS = 5_000;

function listen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : undefined));
    });
  });
}

/**
 * A free port whose next one (the controller's) is free too. Below Linux's ephemeral range
 * (32768 and up), where the local end of some outgoing connection could take it before the
 * broker binds it.
 */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await listen(port)) !== undefined && (await listen(port + 1)) !== undefined) return port;
  }
  throw new Error("no two consecutive free ports between 20000 and 32000 on 127.0.0.1 for a private Kafka broker");
}

describe("KafkaScaleOut against a broker without transactions", () => {
  let address = "";
  let env: NodeJS.ProcessEnv = {};
  const kafkaSh = (command: "start" | "clean"): Promise<{ stdout: string; stderr: string }> =>
    run("bash", ["scripts/kafka.sh", command], { cwd: root, env, timeout: 180_000 });
  const startCommand = (): string =>
    `KAFKA_BOOTSTRAP=${address} KAFKA_EXTRA_CONFIG=${JSON.stringify(EXTRA_CONFIG)} bash scripts/kafka.sh start`;

  before(async () => {
    const port = await freePortPair();
    address = `127.0.0.1:${port}`;
    env = { ...process.env, KAFKA_BOOTSTRAP: address, KAFKA_CONTROLLER_PORT: String(port + 1), KAFKA_EXTRA_CONFIG: EXTRA_CONFIG };
    try {
      await kafkaSh("start");
    } catch (e) {
      throw new Error(`Could not start a private broker for this test with: ${startCommand()}\n${(e as { stderr?: string }).stderr ?? String(e)}`, { cause: e });
    }
  });
  after(async () => {
    if (address !== "") await kafkaSh("clean");
  });

  it("refuses start() within a bound, naming the application, the missing transactions and the fix", async () => {
    const input = uniqueTopic("notx-in");
    const admin = KafkaClients.admin({ "bootstrap.servers": address });
    try {
      await admin.createTopics([{ name: input, numPartitions: 2 }]);
    } finally {
      await admin.close();
    }
    const app = uniqueTopic("notx-app");
    const ssc = new StreamingContext(new SparkConf().setAppName(app).setMaster("local[1]"), Milliseconds(500));
    const so = new KafkaScaleOut(ssc, {
      applicationId: app,
      instanceId: "a",
      kafkaParams: { "bootstrap.servers": address, "auto.offset.reset": "earliest", "max.block.ms": MAX_BLOCK_MS },
    });
    so.createStream([input]);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`start() neither refused nor started within ${REFUSAL_BOUND_MS} ms: initTransactions retries forever`)), REFUSAL_BOUND_MS);
    });
    try {
      const outcome = await Promise.race([
        so.start().then(
          (r) => ({ started: r }),
          (e: unknown) => ({ refused: e }),
        ),
        bound,
      ]);
      assert.ok("refused" in outcome, `start() should be refused by a broker without transactions, but it started: ${JSON.stringify(outcome)}`);
      const message = outcome.refused instanceof Error ? outcome.refused.message : String(outcome.refused);
      assert.match(message, new RegExp(`^KafkaScaleOut '${app}': the brokers cannot run transactions`), "names the application and what is missing");
      assert.match(message, /COORDINATOR_NOT_AVAILABLE/, "gives the broker's reason");
      assert.match(message, new RegExp(`within ${MAX_BLOCK_MS} ms \\(max\\.block\\.ms\\)`), "waited for the coordinator as long as Kafka's initTransactions does");
      assert.match(message, /transaction\.state\.log\.replication\.factor ≤ the number of brokers/, "says how to fix the brokers");
    } finally {
      clearTimeout(timer);
      await so.stop();
    }
  });
});
