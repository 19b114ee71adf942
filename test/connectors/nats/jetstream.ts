/**
 * Clients and private servers for the NATS JetStream tests: the shared nats-server of
 * scripts/services.sh, and a server of a test's own on a free port (for restarts, which must not
 * disturb others).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { NATS_SERVERS, freePort, requireService, startCommand } from "../services.js";

/** A connection to the shared server, failing loudly (with the command that starts it) when it is down or lacks JetStream. */
export async function sharedNats(): Promise<NatsConnection> {
  let nc: NatsConnection | undefined;
  await requireService("nats", async () => {
    nc = await connect({ servers: NATS_SERVERS, reconnect: false, timeout: 3000 });
    await jetstreamManager(nc);
  });
  return nc!;
}

/** Creates `stream` on `<stream>.>` and publishes the payloads to `<stream>.in`, each acknowledged by the server. */
export async function streamWith(nc: NatsConnection, stream: string, payloads: readonly (string | Uint8Array)[]): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  await publishAll(nc, `${stream}.in`, payloads);
}

export async function publishAll(nc: NatsConnection, subject: string, payloads: readonly (string | Uint8Array)[]): Promise<void> {
  const js = jetstream(nc);
  for (let i = 0; i < payloads.length; i += 200) await Promise.all(payloads.slice(i, i + 200).map((p) => js.publish(subject, p)));
}

/** Messages the durable consumer was sent and has not acknowledged, and those not yet sent. */
export async function consumerState(nc: NatsConnection, stream: string, consumer: string): Promise<{ ackPending: number; pending: number; ackFloor: number }> {
  const info = await (await jetstreamManager(nc)).consumers.info(stream, consumer);
  return { ackPending: info.num_ack_pending, pending: info.num_pending, ackFloor: info.ack_floor.stream_seq };
}

export async function deleteStream(nc: NatsConnection, stream: string): Promise<void> {
  await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
}

/** The nats-server binary: Debian installs it in /usr/sbin, which is not on every PATH. */
function natsServerBinary(): string {
  return existsSync("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : "nats-server";
}

/** A nats-server with JetStream of the test's own, on a free port, its store in a temporary directory; restartable. */
export class PrivateNats {
  private process: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
    readonly auth: { user: string; pass: string } | undefined,
  ) {}

  /** With `auth`, clients must log in with that user and password. */
  static async start(t: TestContext, auth?: { user: string; pass: string }): Promise<PrivateNats> {
    const server = new PrivateNats(await freePort(), mkdtempSync(join(tmpdir(), "dstream-nats-")), auth);
    t.after(async () => {
      await server.kill();
      rmSync(server.dir, { recursive: true, force: true });
    });
    await server.restart();
    return server;
  }

  get servers(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the server (again, on the same port and store) and waits until it accepts clients. */
  async restart(): Promise<void> {
    const login = this.auth ? ["--user", this.auth.user, "--pass", this.auth.pass] : [];
    const p = spawn(natsServerBinary(), ["-a", "127.0.0.1", "-p", String(this.port), "-js", "-sd", this.dir, ...login], { stdio: "ignore" });
    this.process = p;
    const failed = new Promise<never>((_, reject) => p.once("error", (e) => reject(new Error(`cannot run nats-server (${e.message}); install it with: ${startCommand("nats")}`))));
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const nc = await Promise.race([connect({ servers: this.servers, reconnect: false, timeout: 1000, ...this.auth }), failed]);
        await jetstreamManager(nc);
        await nc.close();
        return;
      } catch (e) {
        if (Date.now() > deadline || /cannot run/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  async kill(): Promise<void> {
    const p = this.process;
    this.process = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await exited;
  }
}
