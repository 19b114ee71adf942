/**
 * Copies of the scale-out fixture application (test/fixtures/scaleOutApp.ts) as real child
 * processes, and a read_committed reader of what they wrote.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { KafkaClients, type ProducerRecord } from "../../../src/connectors/kafka/index.js";
import type { CommittedBatch, MembershipState, ScaleOutReport } from "../../../src/connectors/kafka-scaleout/index.js";
import { BOOTSTRAP } from "../kafka/broker.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));

export interface Copy {
  readonly instance: string;
  readonly report: Promise<ScaleOutReport>;
  readonly assignments: MembershipState[];
  readonly committed: CommittedBatch[];
  /** The copy's web UI address, once it listens. */
  readonly ui: Promise<string>;
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
  readonly mode?: "copy" | "wordcount" | "state";
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
  let resolveUi!: (url: string) => void;
  const ui = new Promise<string>((res) => (resolveUi = res));
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
      if (line.startsWith("UI ")) resolveUi(line.slice(3).trim());
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
    ui,
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

/** Copies started with the same arguments but their instance id; `stop()` SIGKILLs them all and waits. */
export interface CopyGroup {
  readonly copies: Copy[];
  start(instance: string): Copy;
  stop(): Promise<void>;
}

export function copyGroup(a: Omit<CopyArgs, "instance">): CopyGroup {
  const copies: Copy[] = [];
  return {
    copies,
    start(instance) {
      const c = startCopy({ ...a, instance });
      copies.push(c);
      return c;
    },
    async stop() {
      for (const c of copies) c.kill();
      await Promise.all(copies.map((c) => c.ended));
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

const WORDS = ["north", "south", "east", "west", "up", "down", "left", "right", "in", "out"];

/** Input of the word count: `perPartition` lines of three random words on each partition, and the count of each word. */
export interface WordInput {
  readonly records: ProducerRecord[];
  readonly expected: Map<string, number>;
  readonly totalWords: number;
}

export function wordLines(topic: string, partitions: number, perPartition: number): WordInput {
  const expected = new Map<string, number>();
  const records: ProducerRecord[] = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < perPartition; i++) {
      const words = Array.from({ length: 3 }, () => WORDS[Math.floor(Math.random() * WORDS.length)]!);
      for (const w of words) expected.set(w, (expected.get(w) ?? 0) + 1);
      records.push({ topic, partition: p, value: words.join(" ") });
    }
  }
  return { records, expected, totalWords: partitions * perPartition * 3 };
}

/** The input records a copy committed. */
export const readInput = (c: Copy): number => c.committed.reduce((n, x) => n + x.inputRanges.reduce((m, r) => m + r.untilOffset - r.fromOffset, 0), 0);

/**
 * Waits until the word count's committed output adds up to the input's words, then asserts that
 * every (batch, word) result appears once and the totals are the input's, word by word. On a
 * timeout the error carries each copy's output tail (and, with DSTREAM_SCALEOUT_DUMP=file, a dump).
 */
export async function assertWordTotals(output: string, input: WordInput, copies: readonly Copy[], zeroTime: number): Promise<Array<[string, string]>> {
  let reached = 0;
  let last: Array<[string, string]> = [];
  const got = await eventually(async () => {
    const out = await readCommitted(output, 3);
    last = out;
    reached = out.reduce((n, [, v]) => n + Number(v), 0);
    return reached >= input.totalWords ? out : undefined;
  }, `the committed counts add up to ${input.totalWords} words`, 90_000).catch((e: Error) => {
    const read = copies.reduce((n, x) => n + readInput(x), 0);
    if (process.env.DSTREAM_SCALEOUT_DUMP) {
      const dump = { zero: zeroTime, output: last, lines: input.records.map((r) => [r.partition, r.value]), copies: copies.map((x) => ({ instance: x.instance, committed: x.committed, assignments: x.assignments })) };
      writeFileSync(process.env.DSTREAM_SCALEOUT_DUMP, JSON.stringify(dump));
    }
    throw new Error(`${e.message}: reached ${reached}; the copies committed ${read} of ${input.records.length} input records\n${copies.map((x) => `--- ${x.instance}\n${x.output().slice(-2500)}`).join("\n")}`);
  });
  const seen = new Set<string>();
  const totals = new Map<string, number>();
  for (const [k, v] of got) {
    assert.ok(!seen.has(k), `(batch, word) ${k} appears once to a read_committed reader`);
    seen.add(k);
    const w = k.split(" ")[1]!;
    totals.set(w, (totals.get(w) ?? 0) + Number(v));
  }
  assert.deepEqual(new Map([...totals].sort()), new Map([...input.expected].sort()), "the totals are the input's, word by word");
  return got;
}

/**
 * The failover tests' sequence over three copies that run 4 of 12 tasks each: once b has
 * committed input, SIGKILL it and wait until a takes over half of its tasks; restart b and wait
 * until it gets 4 back; then SIGKILL c and wait until a takes over half of c's. Resolves with
 * the restarted b, a's assignment after b's death, and how long b's tasks took to move.
 */
export async function killRestartKill(group: CopyGroup, a: Copy, b: Copy, c: Copy): Promise<{ b2: Copy; took: MembershipState; movedMs: number }> {
  await eventually(async () => (readInput(b) > 0 ? true : undefined), "b commits a batch with input");
  const seenA = a.assignments.length;
  b.kill();
  const killedAt = Date.now();
  await b.ended;
  const took = await a.assigned((s) => s.tasks.length === 6, "a takes over half of b's tasks", seenA);
  const movedMs = Date.now() - killedAt;
  const b2 = group.start(b.instance);
  await b2.report;
  await b2.assigned((s) => s.tasks.length === 4, "the restarted b gets 4 tasks back");
  const seenA2 = a.assignments.length;
  c.kill();
  await c.ended;
  await a.assigned((s) => s.tasks.length === 6, "a takes over half of c's tasks", seenA2);
  return { b2, took, movedMs };
}
