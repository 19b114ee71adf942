/**
 * The Redis sink in stream mode (XADD, which appends again on every replay unless the batch
 * marker stops it), SIGKILLed at random points while files arrive and resumed from the checkpoint
 * each time: the stream ends holding every input line once, as an uninterrupted run leaves it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { REDIS_URL, uniqueName } from "../services.js";
import { killWhileFilesArrive } from "../sinkCrash.js";
import { sharedRedis } from "./sharedRedis.js";

const redis = sharedRedis();
const FILES = 30;
const LINES = 20;

test("stream mode: 4 SIGKILLs and restarts from the checkpoint leave every line in the stream once", { timeout: 240_000 }, async (t) => {
  const key = uniqueName("dstream-sink-crash");
  t.after(async () => void (await redis.del(key)));
  const files = Array.from({ length: FILES }, (_, f) => Array.from({ length: LINES }, (_, l) => `line-${f * LINES + l}`));
  const last = files.at(-1)!.at(-1)!;
  const entries = async (): Promise<string[]> => (await redis.xRange(key, "-", "+")).map((e) => e.message.n!);
  await killWhileFilesArrive(t, {
    fixture: (input, cp) => ({ script: "test/fixtures/redisSinkApp.ts", args: [input, cp, REDIS_URL, key, "200"] }),
    files,
    written: async () => redis.xLen(key),
    lastWritten: async () => (await entries()).includes(last),
    kills: 4,
    seed: 23,
  });
  const got = await entries();
  const twice = got.filter((n, i) => got.indexOf(n) !== i);
  assert.deepEqual(twice, [], "no line appended twice");
  assert.deepEqual([...got].sort(), files.flat().sort(), "no gap");
});
