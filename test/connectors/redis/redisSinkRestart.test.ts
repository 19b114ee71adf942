/**
 * RedisSink across a restart of the Redis server (a server of the test's own, with an fsync'd
 * append-only file, never the shared one): batches written while it is down fail with a clear
 * error and are retried, and batches replayed after the restart (as recovery replays them) are
 * skipped by their markers, so the stream ends holding each record exactly once, in order.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "redis";
import { RedisSink } from "../../../src/connectors/redis/index.js";
import { Time } from "../../../src/index.js";
import { privateRedis } from "./sharedRedis.js";

test("a Redis restart mid-stream loses nothing and duplicates nothing", async (t) => {
  const server = await privateRedis(t);
  const url = server.url;
  const sink = RedisSink.create({ url, queryId: "restart", mode: { type: "stream", key: "out" } });
  const batch = (b: number): Array<Record<string, string>> => Array.from({ length: 10 }, (_, i) => ({ n: `${b}:${i}` }));
  const batches = 20;
  const killAt = 8 + Math.floor(Math.random() * 6);
  const errors: string[] = [];
  for (let b = 1; b <= batches; b++) {
    if (b === killAt) await server.crash();
    for (;;) {
      try {
        await sink.writePartition(new Time(b * 1000), 0, batch(b));
        break;
      } catch (e) {
        errors.push((e as Error).message);
        if (errors.length > 5) throw e;
        await server.start();
        // Recovery replays the batches after the last checkpoint: here the three before the kill.
        for (let r = b - 3; r < b; r++) assert.equal(await sink.writePartition(new Time(r * 1000), 0, batch(r)), false, `replayed batch ${r} is skipped`);
      }
    }
  }
  await sink.close();
  assert.ok(errors.length >= 1 && errors.every((m) => m.startsWith("RedisSink: ")), errors.join("\n"));
  const check = createClient({ url });
  await check.connect();
  const got = (await check.xRange("out", "-", "+")).map((e) => e.message.n);
  check.destroy();
  const want = Array.from({ length: batches }, (_, i) => batch(i + 1).map((r) => r.n)).flat();
  assert.deepEqual(got, want);
});
