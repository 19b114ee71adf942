/**
 * The Redis Streams input across a crash and restart of the Redis server (a private server, see
 * privateRedis) while entries flow: the receiver reports the lost connection, reconnects with
 * backoff, reads its pending entries again and goes on; every entry arrives exactly once (those
 * stored but not yet XACKed when the server died are read again from the pending list and
 * recognised by their ids), and none is left pending.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "redis";
import { RedisUtils } from "../../../src/connectors/redis/index.js";
import { collectAll, recordReceiverEvents, suiteContext, withStreaming } from "../../streaming/receivers/support.js";
import { advanceUntil } from "../services.js";
import { privateRedis } from "./sharedRedis.js";

const sc = suiteContext("local[2]", { "spark.streaming.receiver.maxRate": "1000" });
const range = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `m${from + i}`);

test("a Redis server restart mid-stream: the receiver reports it, reconnects, and every entry arrives exactly once", { timeout: 90_000 }, async (t) => {
  const server = await privateRedis(t);
  let client = createClient({ url: server.url });
  const connectClient = async (): Promise<void> => {
    client = createClient({ url: server.url });
    client.on("error", () => undefined);
    await client.connect();
  };
  await connectClient();
  t.after(() => client.isOpen && client.destroy());
  const add = async (values: string[]): Promise<void> => {
    const multi = client.multi();
    for (const v of values) multi.xAdd("s", "*", { v });
    await multi.exec();
  };
  await add(range(1000));
  await withStreaming(sc(), async ({ ssc, clock }) => {
    const events = recordReceiverEvents(ssc);
    const out = collectAll(RedisUtils.createStream(ssc, { url: server.url, key: "s", group: "g", consumer: "c", count: 50 }).map((e) => e.fields.v!));
    ssc.start();
    // At 1000 entries/s, the server dies with most of the stream still unread.
    await advanceUntil(clock, () => out.length >= 200, "the first 200 entries");
    await server.crash();
    if (client.isOpen) client.destroy();
    await server.start();
    await connectClient();
    await add(range(500, 1000));
    await advanceUntil(clock, () => new Set(out).size >= 1500, "every entry, those added after the restart included");
    assert.equal(out.length, 1500, "each entry once");
    assert.deepEqual([...out].sort(), range(1500).sort());
    const errors = events.filter((e) => e.kind === "error").map((e) => e.message);
    assert.ok(errors.some((m) => /^Redis: the connection to redis:\/\/127\.0\.0\.1:\d+ closed while reading stream "s" \(.+\); reconnecting in \d+ ms$/.test(m)), errors.join("\n"));
    assert.ok(events.filter((e) => e.kind === "started").length >= 2, "the receiver started again");
  });
  const pending = (await client.sendCommand(["XPENDING", "s", "g"])) as unknown[];
  assert.equal(Number(pending[0]), 0, "nothing left pending");
});
