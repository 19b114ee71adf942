/**
 * The servers scripts/services.sh runs on loopback for the MQTT, NATS, Redis, RabbitMQ and
 * PostgreSQL tests. A test that cannot reach its server fails with the command that starts it:
 * it never skips.
 */
import { connect, createServer } from "node:net";
import type { ManualClock } from "../../src/index.js";

export type ServiceName = "mosquitto" | "nats" | "redis" | "rabbitmq" | "postgresql";

export const SERVICE_PORTS: Readonly<Record<ServiceName, number>> = {
  mosquitto: 1883,
  nats: 4222,
  redis: 6379,
  rabbitmq: 5672,
  postgresql: 5432,
};

export const MQTT_URL = `mqtt://127.0.0.1:${SERVICE_PORTS.mosquitto}`;
export const NATS_SERVERS = `127.0.0.1:${SERVICE_PORTS.nats}`;
export const REDIS_URL = `redis://127.0.0.1:${SERVICE_PORTS.redis}`;
export const AMQP_URL = `amqp://guest:guest@127.0.0.1:${SERVICE_PORTS.rabbitmq}`;
export const POSTGRES_URL = `postgres://dstream:dstream@127.0.0.1:${SERVICE_PORTS.postgresql}/dstream`;

export function startCommand(name: ServiceName): string {
  return `bash scripts/services.sh start ${name}`;
}

let counter = 0;
/** A name (topic, queue, key, stream) no other test or earlier run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

/** Resolves once something accepts a TCP connection on the port. */
function tcpProbe(port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/**
 * Fails loudly, naming the command that starts the server, when `name` does not accept
 * connections; `check` may then talk the protocol (a login, a ping) and its error is reported
 * the same way.
 */
export async function requireService(name: ServiceName, check?: () => Promise<void>): Promise<void> {
  const port = SERVICE_PORTS[name];
  try {
    await tcpProbe(port, 3000);
    await check?.();
  } catch (e) {
    throw new Error(`No ${name} server answers at 127.0.0.1:${port}: ${(e as Error).message}\nStart it with: ${startCommand(name)}`, { cause: e });
  }
}

/** Runs batches until `done` holds (receivers store asynchronously; a batch runs only on the clock). */
export async function advanceUntil(clock: ManualClock, done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await clock.advance(1000);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A port nothing listens on right now, for a server of a test's own. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
