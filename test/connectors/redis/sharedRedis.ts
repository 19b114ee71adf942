import { after, before, type TestContext } from "node:test";
import { connect as tcpConnect } from "node:net";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { REDIS_URL, freePort, requireService } from "../services.js";

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

/**
 * A redis-server of the test's own (never the shared one, which other tests use) on a free port,
 * with an append-only file fsync'd on every write, so what it acknowledged survives its SIGKILL.
 * `crash` kills it and waits for the exit; `start` starts it again on the same port and data.
 */
export async function privateRedis(t: TestContext): Promise<{ url: string; start(): Promise<void>; crash(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "dstream-redis-own-"));
  let server: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    server = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always"], { stdio: "ignore" });
    await waitForPort(port);
  };
  const crash = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s || s.exitCode !== null) return;
    const exited = new Promise((r) => s.once("exit", r));
    s.kill("SIGKILL");
    await exited;
  };
  t.after(async () => {
    await crash();
    rmSync(dir, { recursive: true, force: true });
  });
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, crash };
}
