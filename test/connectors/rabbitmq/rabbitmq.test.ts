import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Channel, type ChannelModel } from "amqplib";
import { RabbitMQUtils } from "../../../src/connectors/rabbitmq/index.js";
import { collectAll, recordReceiverEvents, suiteContext, waitFor, withStreaming } from "../../streaming/receivers/support.js";
import { AMQP_URL, requireService, uniqueName, advanceUntil } from "../services.js";
import { killMidStream } from "../brokerCrash.js";

let conn: ChannelModel;
let ch: Channel;
before(async () => {
  await requireService("rabbitmq", async () => {
    conn = await connect(AMQP_URL);
  });
  ch = await conn.createChannel();
});
after(async () => {
  await conn?.close();
});

/** A durable queue holding `messages`, published persistent; with `messageIds`, each text message's id is its body. */
async function queueWith(messages: Array<string | Buffer>, messageIds = false): Promise<string> {
  const q = uniqueName("dstream-q");
  await ch.assertQueue(q, { durable: true });
  for (const m of messages) ch.sendToQueue(q, Buffer.isBuffer(m) ? m : Buffer.from(m), { persistent: true, ...(messageIds && typeof m === "string" ? { messageId: m } : {}) });
  return q;
}
const range = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `m${from + i}`);


describe("RabbitMQUtils against RabbitMQ", () => {
  const sc = suiteContext("local[2]");

  test("N messages exactly once, all acknowledged (the queue is empty once the receiver stops)", async () => {
    const n = 3000;
    const q = await queueWith(range(n));
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const out = collectAll(RabbitMQUtils.createStream(ssc, { url: AMQP_URL, queue: q, prefetch: 200 }));
      ssc.start();
      await advanceUntil(clock, () => out.length >= n, `${n} messages`);
      assert.deepEqual(out, range(n));
    });
    assert.equal((await ch.checkQueue(q)).messageCount, 0, "nothing went back to the queue");
  });

  test("an unknown queue, a wrong password, a malformed URL and an undecodable payload get errors naming the value and the fix", async () => {
    const ssc0 = {} as Parameters<typeof RabbitMQUtils.createStream>[0];
    assert.throws(() => RabbitMQUtils.createStream(ssc0, { url: "127.0.0.1:5672", queue: "q" }), /RabbitMQUtils.createStream: malformed RabbitMQ URL "127.0.0.1:5672"; give amqp:\/\/user:password@host:port\/vhost/);
    assert.throws(() => RabbitMQUtils.createStream(ssc0, { url: AMQP_URL, queue: "" }), /queue must be the name of an existing queue/);
    const missing = uniqueName("dstream-missing");
    const bad = await queueWith([Buffer.from([0xc3, 0x28]), "fine"]);
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const events = recordReceiverEvents(ssc);
      RabbitMQUtils.createStream(ssc, { url: AMQP_URL, queue: missing }).foreachRDD(() => undefined);
      RabbitMQUtils.createStream(ssc, { url: "amqp://guest:wrong@127.0.0.1:5672", queue: bad }).foreachRDD(() => undefined);
      const good = collectAll(RabbitMQUtils.createStream(ssc, { url: AMQP_URL, queue: bad }));
      ssc.start();
      await waitFor(() => events.filter((e) => e.kind === "error").length >= 3, "three errors", 30_000);
      await advanceUntil(clock, () => good.length >= 1, "the decodable message");
      const messages = events.filter((e) => e.kind === "error").map((e) => e.message);
      assert.ok(messages.some((m) => m.includes(`RabbitMQ: queue "${missing}" does not exist at amqp://guest:***@127.0.0.1:5672`) && m.includes("declare it")), messages.join("\n"));
      assert.ok(messages.some((m) => /RabbitMQ: amqp:\/\/guest:\*\*\*@127.0.0.1:5672 refused the login: .*check the user and password/.test(m)), messages.join("\n"));
      assert.ok(messages.some((m) => m.includes(`RabbitMQ: the decoder threw on a 2-byte message from queue "${bad}"`)), messages.join("\n"));
      assert.deepEqual(good, ["fine"]);
    });
  });

  test("a broker restart mid-stream: the receiver reconnects and every message arrives (at least once)", { timeout: 180_000 }, async () => {
    const { execFileSync } = await import("node:child_process");
    const q = await queueWith(range(500));
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const events = recordReceiverEvents(ssc);
      const out = collectAll(RabbitMQUtils.createStream(ssc, { url: AMQP_URL, queue: q, prefetch: 50 }));
      ssc.start();
      await advanceUntil(clock, () => out.length >= 500, "the first 500");
      await conn.close().catch(() => undefined);
      execFileSync("bash", ["scripts/services.sh", "restart", "rabbitmq"], { stdio: "ignore" });
      conn = await connect(AMQP_URL);
      ch = await conn.createChannel();
      for (const m of range(500, 500)) ch.sendToQueue(q, Buffer.from(m), { persistent: true });
      await advanceUntil(clock, () => new Set(out).size >= 1000, "the 500 after the restart");
      assert.deepEqual([...new Set(out)].sort(), range(1000).sort());
      assert.ok(events.some((e) => e.kind === "error" && /RabbitMQ: (connection to .* closed|channel consuming .* closed|cannot connect)/.test(e.message)));
    });
  });
});

test("SIGKILL mid-stream with the WAL (between storing and acknowledging too), then getOrCreate: every message (with a messageId) is processed exactly once and the queue ends empty", { timeout: 300_000 }, async (t) => {
  const expected = range(3000);
  const q = await queueWith(expected, true);
  await killMidStream(t, "rabbitmq", { url: AMQP_URL, queue: q, maxRate: "400" }, expected, { unique: true });
  assert.equal((await ch.checkQueue(q)).messageCount, 0);
});
