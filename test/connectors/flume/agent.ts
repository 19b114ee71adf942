/**
 * Real Flume agents for the tests, started and stopped through scripts/flume.sh (one shared jar
 * install under ~/.cache/dstream; one agent per configuration, each with its own run directory).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCRIPT = join(ROOT, "scripts/flume.sh");
const run = promisify(execFile);
/** Where scripts/flume.sh keeps each agent's run directory (scripts/lib/service.sh's CACHE). */
const FLUME_HOME = join(process.env.DSTREAM_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "dstream"), "flume-1.11.0");

/** A free loopback port: bound, read, released. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts connections on 127.0.0.1:port (polled, bounded). */
export async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: "127.0.0.1", port });
      s.once("connect", () => { s.destroy(); resolve(true); });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type Metrics = Record<string, Record<string, string>>;

export class FlumeAgent {
  private constructor(
    readonly name: string,
    readonly monitorPort: number,
    readonly dir: string,
  ) {}

  /**
   * Starts agent `name` with `config` (Flume properties; `$DIR` is replaced by a fresh directory
   * for the agent's file channels). Fails loudly, with the script's output, if it cannot.
   */
  static async start(name: string, config: string): Promise<FlumeAgent> {
    const dir = mkdtempSync(join(tmpdir(), `dstream-flume-${name}-`));
    const file = join(dir, "agent.properties");
    writeFileSync(file, config.replaceAll("$DIR", dir));
    const monitorPort = await freePort();
    try {
      await run("bash", [SCRIPT, "start", name, file], { env: { ...process.env, FLUME_MONITOR_PORT: String(monitorPort) }, timeout: 240_000 });
    } catch (e) {
      const out = e as { stderr?: string; message: string };
      throw new Error(`the Flume agent ${name} did not start; install and check it with: bash scripts/flume.sh start\n${out.stderr ?? out.message}`);
    }
    return new FlumeAgent(name, monitorPort, dir);
  }

  async metrics(): Promise<Metrics> {
    const res = await fetch(`http://127.0.0.1:${this.monitorPort}/metrics`);
    return (await res.json()) as Metrics;
  }

  /** Polls the agent's metrics until `check` returns a value (not undefined). */
  async waitForMetrics<T>(check: (m: Metrics) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: Metrics = {};
    for (;;) {
      try {
        last = await this.metrics();
        const v = check(last);
        if (v !== undefined) return v;
      } catch {
        // The agent may be restarting its HTTP server; try again until the deadline.
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}; the agent's metrics: ${JSON.stringify(last)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The agent's log so far (scripts/flume.sh writes it to the agent's run directory). */
  log(): string {
    return readFileSync(join(FLUME_HOME, `run-${this.name}`, "agent.log"), "utf8");
  }

  async stop(): Promise<void> {
    await run("bash", [SCRIPT, "stop", this.name], { timeout: 60_000 }).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
