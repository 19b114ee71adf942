/**
 * Copies of the scale-out fixture application (test/fixtures/scaleOutApp.ts) as real child
 * processes, and a read_committed reader of what they wrote.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { KafkaClients } from "../../../src/connectors/kafka/index.js";
import type { CommittedBatch, MembershipState, ScaleOutReport } from "../../../src/connectors/kafka-scaleout/index.js";
import { BOOTSTRAP } from "../kafka/broker.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));

export interface Copy {
  readonly instance: string;
  readonly report: Promise<ScaleOutReport>;
  readonly assignments: MembershipState[];
  readonly committed: CommittedBatch[];
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  output(): string;
  kill(signal?: NodeJS.Signals): void;
  /** Resolves with the first assignment, from the `from`-th on, that `pred` accepts. */
  assigned(pred: (s: MembershipState) => boolean, what: string, from?: number, timeoutMs?: number): Promise<MembershipState>;
}

export interface CopyArgs {
  readonly app: string;
  readonly instance: string;
  readonly input: string;
  readonly output: string;
  readonly mode?: "copy" | "wordcount";
  readonly extra?: readonly string[];
}

/** A guard against a copy that never ends: SIGKILL after `guardMs`. */
export function startCopy(a: CopyArgs, guardMs = 240_000): Copy {
  const env: NodeJS.ProcessEnv = { ...process.env, DSTREAM_LOG_LEVEL: process.env.DSTREAM_LOG_LEVEL ?? "warn" };
  delete env.NODE_TEST_CONTEXT;
  const args = ["--import", "tsx", "test/fixtures/scaleOutApp.ts", "--brokers", BOOTSTRAP, "--app", a.app, "--instance", a.instance, "--input", a.input, "--output", a.output, "--mode", a.mode ?? "copy", ...(a.extra ?? [])];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let pending = "";
  const assignments: MembershipState[] = [];
  const committed: CommittedBatch[] = [];
  const watchers: Array<() => void> = [];
  let resolveReport!: (r: ScaleOutReport) => void;
  let rejectReport!: (e: Error) => void;
  const report = new Promise<ScaleOutReport>((res, rej) => ((resolveReport = res), (rejectReport = rej)));
  report.catch(() => undefined);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once("close", (code, signal) => {
      rejectReport(new Error(`copy ${a.instance} ended (${signal ?? `exit ${code}`}) before its report:\n${out.slice(-3000)}`));
      resolve({ code, signal, output: out });
    }),
  );
  const guard = setTimeout(() => child.kill("SIGKILL"), guardMs);
  void ended.then(() => clearTimeout(guard));
  const onData = (d: string): void => {
    out += d;
    pending += d;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith("REPORT ")) resolveReport(JSON.parse(line.slice(7)) as ScaleOutReport);
      if (line.startsWith("COMMITTED ")) committed.push(JSON.parse(line.slice(10)) as CommittedBatch);
      if (line.startsWith("ASSIGNED ")) {
        assignments.push(JSON.parse(line.slice(9)) as MembershipState);
        for (const w of [...watchers]) w();
      }
    }
  };
  child.stdout.setEncoding("utf8").on("data", onData);
  child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  return {
    instance: a.instance,
    report,
    assignments,
    committed,
    ended,
    output: () => out,
    kill: (signal = "SIGKILL") => void child.kill(signal),
    assigned(pred, what, from = 0, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const hit = assignments.slice(from).find(pred);
          if (hit) {
            watchers.splice(watchers.indexOf(check), 1);
            clearTimeout(timer);
            resolve(hit);
          }
        };
        const timer = setTimeout(() => {
          watchers.splice(watchers.indexOf(check), 1);
          reject(new Error(`copy ${a.instance}: no assignment where ${what} within ${timeoutMs} ms; got ${JSON.stringify(assignments.slice(from))}\n${out.slice(-3000)}`));
        }, timeoutMs);
        watchers.push(check);
        check();
      });
    },
  };
}

/** Every committed record of the topic (read_committed), as [key, value]. */
export async function readCommitted(topic: string, partitions: number): Promise<Array<[string, string]>> {
  const admin = KafkaClients.admin({ "bootstrap.servers": BOOTSTRAP });
  const consumer = KafkaClients.consumer({ "bootstrap.servers": BOOTSTRAP, "isolation.level": "read_committed" });
  try {
    const tps = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
    consumer.assign(tps);
    const out: Array<[string, string]> = [];
    for (const e of await admin.endOffsets(tps, "read_committed")) {
      if (e.offset === 0) continue;
      for (const r of await consumer.fetchRange(e, 0, e.offset, { timeoutMs: 10_000 })) out.push([r.key?.toString("utf8") ?? "", r.value?.toString("utf8") ?? ""]);
    }
    return out;
  } finally {
    await Promise.all([consumer.close(), admin.close()]);
  }
}

/** Polls `f` until it returns a value, for at most `timeoutMs`. */
export async function eventually<T>(f: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
