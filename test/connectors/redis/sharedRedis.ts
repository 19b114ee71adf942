import { after, before } from "node:test";
import { connect as tcpConnect } from "node:net";
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

/** Resolves once a redis-server of the test's own accepts connections on `port`. */
export async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = tcpConnect({ host: "127.0.0.1", port }, () => (s.end(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start (install it with: bash scripts/services.sh start redis)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
