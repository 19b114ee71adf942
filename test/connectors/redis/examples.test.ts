/** RedisStreamsSessionCounts run as a user would (`npm run example -- ...`, a child process) against the shared Redis. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startExample } from "../../helpers/exampleProcess.js";
import { REDIS_URL, uniqueName } from "../services.js";
import { sharedRedis } from "./sharedRedis.js";

const redis = sharedRedis();

test("RedisStreamsSessionCounts keeps each session's event count in the output hash", async () => {
  const input = uniqueName("dstream-sessions-in");
  const output = uniqueName("dstream-sessions-out");
  const expected: Record<string, string> = {};
  const multi = redis.multi();
  for (let i = 0; i < 300; i++) {
    const session = `s${(i * 7) % 13}`;
    expected[session] = String(Number(expected[session] ?? 0) + 1);
    multi.xAdd(input, "*", { session, page: `/p${i}` });
  }
  await multi.exec();
  const run = startExample(["RedisStreamsSessionCounts", REDIS_URL, input, output, "--seconds", "6"]);
  const { code, stderr } = await run.exited;
  assert.equal(code, 0, stderr);
  assert.deepEqual({ ...(await redis.hGetAll(output)) }, expected);
});
