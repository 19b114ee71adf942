/**
 * Clients and private brokers for the MQTT tests: the shared Mosquitto of scripts/services.sh,
 * and a broker of a test's own on a free port (for restarts, which must not disturb others).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type IClientOptions, type MqttClient } from "mqtt";
import { MQTT_URL, freePort, requireService } from "../services.js";

export { freePort };

export function connected(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = connect(url, { reconnectPeriod: 0, connectTimeout: 3000, protocolVersion: 5, ...options });
    c.once("connect", () => resolve(c));
    c.once("error", (e) => {
      c.end(true);
      reject(e);
    });
  });
}

/** Fails loudly when the shared broker is down; returns a connected publisher. */
export async function publisher(url = MQTT_URL): Promise<MqttClient> {
  if (url === MQTT_URL) await requireService("mosquitto");
  return connected(url);
}

export async function publishAll(client: MqttClient, messages: Array<[topic: string, payload: string | Buffer]>, qos: 0 | 1 | 2): Promise<void> {
  // In slices: a broker refuses QoS 1/2 publishes beyond its Receive Maximum ("Quota exceeded").
  for (let i = 0; i < messages.length; i += 100) {
    await Promise.all(messages.slice(i, i + 100).map(([t, p]) => client.publishAsync(t, p, { qos })));
  }
}

/** The first message a client with `clientId` (resuming its persistent session) receives. */
export async function firstDelivered(url: string, clientId: string): Promise<string> {
  const c = connect(url, { clientId, clean: false, protocolVersion: 5, reconnectPeriod: 0, properties: { sessionExpiryInterval: 0xffffffff } });
  try {
    return await new Promise<string>((resolve, reject) => {
      c.once("message", (_t, p) => resolve(p.toString()));
      c.once("error", reject);
    });
  } finally {
    c.end(true);
  }
}


/** A Mosquitto of the test's own, persisting its sessions to a temporary directory across restarts. */
export class PrivateMosquitto {
  private proc: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  static async start(extraConf = ""): Promise<PrivateMosquitto> {
    const dir = mkdtempSync(join(tmpdir(), "dstream-mosquitto-"));
    const m = new PrivateMosquitto(await freePort(), dir);
    writeFileSync(
      join(dir, "mosquitto.conf"),
      `listener ${m.port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${dir}/\nmax_inflight_messages 1000\n${process.getuid?.() === 0 ? "user root\n" : ""}${extraConf}`,
    );
    await m.run();
    return m;
  }

  async run(): Promise<void> {
    const proc = spawn("mosquitto", ["-c", join(this.dir, "mosquitto.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    this.proc = proc;
    let stderr = "";
    proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        (await connected(this.url)).end(true);
        return;
      } catch (e) {
        if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto on ${this.url} did not start (install it with: bash scripts/services.sh start mosquitto): ${String(e)}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** SIGTERM: Mosquitto writes its persistence file and exits. */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once("exit", () => resolve());
      p.kill("SIGTERM");
    });
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
