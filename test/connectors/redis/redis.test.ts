import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { sharedRedis, waitForPort } from "./sharedRedis.js";
import { RedisUtils } from "../../../src/connectors/redis/index.js";
import { collectAll, recordReceiverEvents, suiteContext, waitFor, withStreaming } from "../../streaming/receivers/support.js";
import { REDIS_URL, advanceUntil, freePort, uniqueName } from "../services.js";
import { killMidStream } from "../brokerCrash.js";

const redis = sharedRedis();

const range = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `m${from + i}`);
async function streamWith(values: string[]): Promise<string> {
  const key = uniqueName("dstream-stream");
  for (let i = 0; i < values.length; i += 500) {
    const multi = redis.multi();
    for (const v of values.slice(i, i + 500)) multi.xAdd(key, "*", { v });
    await multi.exec();
  }
  return key;
}
const pendingCount = async (key: string, group: string): Promise<number> => Number(((await redis.sendCommand(["XPENDING", key, group])) as unknown[])[0]);

describe("RedisUtils against Redis", () => {
  const sc = suiteContext("local[2]");

  test("N entries exactly once, in order, each acknowledged (nothing pending for the group)", async () => {
    const n = 3000;
    const key = await streamWith(range(n));
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const out = collectAll(RedisUtils.createStream(ssc, { url: REDIS_URL, key, group: "g", consumer: "c1", count: 250 }));
      ssc.start();
      await advanceUntil(clock, () => out.length >= n, `${n} entries`);
      assert.deepEqual(out.map((e) => e.fields.v), range(n));
      assert.equal(new Set(out.map((e) => e.id)).size, n);
    });
    assert.equal(await pendingCount(key, "g"), 0);
  });

  test("a dead consumer's pending entries are claimed (XAUTOCLAIM) and processed", async () => {
    const key = await streamWith(range(100));
    await redis.sendCommand(["XGROUP", "CREATE", key, "g", "0"]);
    // "dead" reads everything and never acknowledges.
    await redis.sendCommand(["XREADGROUP", "GROUP", "g", "dead", "COUNT", "60", "STREAMS", key, ">"]);
    assert.equal(await pendingCount(key, "g"), 60);
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const out = collectAll(RedisUtils.createStream(ssc, { url: REDIS_URL, key, group: "g", consumer: "alive", claimIdleMs: 0 }));
      ssc.start();
      await advanceUntil(clock, () => out.length >= 100, "all 100 entries");
      assert.deepEqual(out.map((e) => e.fields.v).sort(), range(100).sort());
    });
    assert.equal(await pendingCount(key, "g"), 0);
  });

  test("an unknown stream, a wrong password and a malformed URL get errors naming the value and the fix", async (t) => {
    const ssc0 = {} as Parameters<typeof RedisUtils.createStream>[0];
    assert.throws(() => RedisUtils.createStream(ssc0, { url: "127.0.0.1:6379", key: "k", group: "g", consumer: "c" }), /RedisUtils.createStream: malformed Redis URL "127.0.0.1:6379"; give redis:\/\//);
    assert.throws(() => RedisUtils.createStream(ssc0, { url: REDIS_URL, key: "k", group: "", consumer: "c" }), /group must be a non-empty string/);
    const missing = uniqueName("dstream-missing");
    // A server of the test's own with a password: the shared one accepts any.
    const port = await freePort();
    const secured = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--requirepass", "secret", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    t.after(() => secured.kill("SIGKILL"));
    await waitForPort(port);
    await withStreaming(sc(), async ({ ssc }) => {
      const events = recordReceiverEvents(ssc);
      RedisUtils.createStream(ssc, { url: REDIS_URL, key: missing, group: "g", consumer: "c" }).foreachRDD(() => undefined);
      RedisUtils.createStream(ssc, { url: `redis://default:wrong@127.0.0.1:${port}`, key: missing, group: "g", consumer: "c" }).foreachRDD(() => undefined);
      ssc.start();
      await waitFor(() => events.filter((e) => e.kind === "error").length >= 2, "two errors", 30_000);
      const messages = events.filter((e) => e.kind === "error").map((e) => e.message);
      assert.ok(messages.some((m) => m.includes(`Redis: stream "${missing}" does not exist at redis://127.0.0.1:6379; XADD to it first, fix the key, or pass createStream: true`)), messages.join("\n"));
      assert.ok(messages.some((m) => /Redis: redis:\/\/default:\*\*\*@127.0.0.1:\d+ refused the login: .*check the user and password/.test(m)), messages.join("\n"));
    });
  });
});

test("SIGKILL mid-stream with the WAL (between storing and XACK too), then getOrCreate: every entry is processed exactly once and none is left pending", { timeout: 300_000 }, async (t) => {
  const expected = range(3000);
  const key = await streamWith(expected);
  await killMidStream(t, "redis", { url: REDIS_URL, key, group: "g", consumer: "c", maxRate: "400" }, expected, { unique: true });
  assert.equal(await pendingCount(key, "g"), 0);
});
