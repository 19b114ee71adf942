/**
 * Shared pieces of the receiver and input-stream tests: a loopback TCP server the test controls,
 * a wait-for-condition helper (no sleeps), a recorder of streaming listener events, and one
 * SparkContext per suite and master.
 */
import { createServer, type Server, type Socket } from "node:net";
import { after, before } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock, Seconds, SparkContext, StreamingContext, type DStream, type Duration, type StreamingListener } from "../../../src/index.js";

export const MASTERS = ["local[1]", "local[2]"] as const;

/** Polls `condition` until it holds; fails with `what` if it never does (a hang guard, not a timing assertion). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A TCP server on 127.0.0.1 whose connections the test writes to, drops, and whose listening it stops and restarts. */
export class TestServer {
  readonly connections: Socket[] = [];
  accepted = 0;
  private server: Server | undefined;
  private onConnect: ((s: Socket) => void) | undefined;
  port = 0;

  /** `onConnect` runs for every accepted connection (e.g. to send a greeting). */
  static async start(onConnect?: (s: Socket) => void): Promise<TestServer> {
    const t = new TestServer();
    t.onConnect = onConnect;
    await t.listen(0);
    return t;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((s) => {
      s.setNoDelay(true);
      s.on("error", () => undefined);
      this.connections.push(s);
      s.once("close", () => {
        const i = this.connections.indexOf(s);
        if (i >= 0) this.connections.splice(i, 1);
      });
      this.accepted++;
      this.onConnect?.(s);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  /** Writes to the newest open connection and resolves once the bytes are handed to the kernel. */
  send(data: string | Uint8Array): Promise<void> {
    const s = this.connections[this.connections.length - 1];
    if (!s) throw new Error("TestServer.send: no open connection");
    return new Promise((resolve, reject) => s.write(data, (e) => (e ? reject(e) : resolve())));
  }

  /** Closes every open connection cleanly (the peer sees end of stream). */
  endConnections(): void {
    for (const s of [...this.connections]) s.end();
  }

  /** Stops listening and drops every connection. */
  async stop(): Promise<void> {
    for (const s of [...this.connections]) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** Listens again on the same port. */
  restart(): Promise<void> {
    return this.listen(this.port);
  }
}

export interface RecordedEvent {
  kind: "started" | "error" | "stopped";
  streamId: number;
  name: string;
  active: boolean;
  message: string;
  error: string;
}

/** Records receiver events in order. */
export function recordReceiverEvents(ssc: StreamingContext): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  const push = (kind: RecordedEvent["kind"]) => (e: { receiverInfo: { streamId: number; name: string; active: boolean; lastErrorMessage: string; lastError: string } }) =>
    events.push({ kind, streamId: e.receiverInfo.streamId, name: e.receiverInfo.name, active: e.receiverInfo.active, message: e.receiverInfo.lastErrorMessage, error: e.receiverInfo.lastError });
  const listener: StreamingListener = {
    onReceiverStarted: push("started"),
    onReceiverError: push("error"),
    onReceiverStopped: push("stopped"),
  };
  ssc.addStreamingListener(listener);
  return events;
}

/** Settings shared by these suites: a fixed parallelism so both masters partition alike, and quick receiver restarts. */
export const TEST_CONF: Record<string, string> = {
  "spark.default.parallelism": "2",
  "spark.streaming.receiverRestartDelay": "20",
};

/** One SparkContext per suite, started before its first test and stopped after its last. */
export function suiteContext(master: string, conf: Record<string, string> = {}): () => SparkContext {
  let sc: SparkContext | undefined;
  before(() => {
    sc = new SparkContext({ master, appName: "dstream-input-test", conf: { ...TEST_CONF, ...conf } });
  });
  after(async () => {
    await StreamingContext.getActive()?.stop({ stopSparkContext: false });
    await sc?.stop();
  });
  return () => {
    if (!sc) throw new Error("the suite's SparkContext is not running");
    return sc;
  };
}

/** Runs `body` with a fresh StreamingContext on a ManualClock, always stopping it (never the SparkContext). */
export async function withStreaming<R>(
  sc: SparkContext,
  body: (ctx: { ssc: StreamingContext; clock: ManualClock }) => Promise<R>,
  options: { batch?: Duration; startTime?: number } = {},
): Promise<R> {
  const clock = new ManualClock(options.startTime ?? 0);
  const ssc = new StreamingContext(sc, options.batch ?? Seconds(1), { clock });
  try {
    return await body({ ssc, clock });
  } finally {
    await ssc.stop({ stopSparkContext: false });
  }
}

/** Captures console.log lines while `fn` runs (print/pprint write through it). */
export async function captureStdout(fn: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  };
  try {
    await fn();
  } finally {
    console.log = original;
  }
  return lines.map((l) => l + "\n").join("");
}

export function tempDir(prefix = "dstream-input-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Collects every record of every batch of `stream`, in order, into one array. */
export function collectAll<T>(stream: DStream<T>): T[] {
  const out: T[] = [];
  stream.foreachRDD(async (rdd) => {
    out.push(...(await rdd.collect()));
  });
  return out;
}
