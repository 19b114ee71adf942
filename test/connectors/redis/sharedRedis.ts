import { after, before } from "node:test";
import { createClient } from "redis";
import { REDIS_URL, requireService } from "../services.js";

/** A client of the shared Redis for a test file, connected before its tests (failing loudly when Redis is not up) and closed after. */
export function sharedRedis(): ReturnType<typeof createClient> {
  const redis = createClient({ url: REDIS_URL });
  before(async () => {
    await requireService("redis", async () => {
      await redis.connect();
    });
  });
  after(() => {
    if (redis.isOpen) redis.destroy();
  });
  return redis;
}
