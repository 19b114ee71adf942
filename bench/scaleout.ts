/**
 * npm run bench:scaleout — the scale-out connector (docs/scale-out.md) on the broker at
 * KAFKA_BOOTSTRAP (default 127.0.0.1:9092), every copy a child process (bench/scaleOutCopy.ts).
 *
 * It pre-loads one 12-partition topic with BENCH_LINES lines of 10 Zipf-drawn words, then runs
 * BENCH_ROUNDS rounds, each with every configuration once, in an order that rotates from round
 * to round (so that a shared machine's load falls on all of them alike), and prints medians:
 *   - throughput of the re-keyed word count (createStream -> flatMap/map -> so.repartition ->
 *     reduceByKey -> so.writeTransactional) over the whole pre-loaded input, with 1 copy at
 *     local[1] (the baseline), 2 copies at local[1] and 1 copy at local[2];
 *   - 1 copy at local[1] without the repartition topic (reduceByKey straight on the copy's input,
 *     written transactionally): what re-keying through Kafka costs;
 *   - failover: 2 copies on rate-limited input, one SIGKILLed; the time from the kill to the
 *     survivor's rebalance, to its first committed batch with the dead copy's tasks, and to its
 *     first committed batch that read input of those tasks, next to the session timeout.
 * Each run has its own application id (its own group and internal topics, deleted afterwards).
 *
 * Throughput is input lines committed per second, two ways, from the copies' committed batches
 * (CommittedBatch.inputRanges, stamped with the copy's clock when the transaction committed):
 *   steady: the lines of every batch after the first one that read input / the time from the
 *           commit of that first batch to the commit of the last one (no start-up, no first batch);
 *   drain:  all the lines / the time from the first input batch's grid time to the last commit.
 *
 * Environment: BENCH_LINES (200000), BENCH_ROUNDS (3), BENCH_BATCH_MS (1000),
 * BENCH_MAX_RATE (spark.streaming.kafka.maxRatePerPartition of the re-keyed runs, 1500: a batch's
 * transaction carries one repartition record per word, and must commit within
 * transaction.timeout.ms), BENCH_DIRECT_RATE (the same for the runs without repartition, 20000:
 * one batch reads all the default input, so only their drain rate is defined),
 * BENCH_FAILOVER_RATE (its value in the failover runs, 200), BENCH_SESSION_MS (6000),
 * BENCH_ONLY (comma-separated configuration names to run), BENCH_CPU_PROF (a directory: the
 * copies run with --cpu-prof and write their profiles there when stopped), BENCH_SO_TRACE=1
 * (each copy's batches on stderr, with the time of each output operation).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KafkaClients, type KafkaAdminClient, type ProducerRecord } from "../src/connectors/kafka/index.js";
import { zipfCorpusFile } from "./textCorpus.js";

const BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
const LINES = Number(process.env.BENCH_LINES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH_MS = Number(process.env.BENCH_BATCH_MS ?? 1000);
const MAX_RATE = Number(process.env.BENCH_MAX_RATE ?? 1500);
const DIRECT_RATE = Number(process.env.BENCH_DIRECT_RATE ?? 20000);
const FAILOVER_RATE = Number(process.env.BENCH_FAILOVER_RATE ?? 200);
const SESSION_MS = Number(process.env.BENCH_SESSION_MS ?? 6000);
const CPU_PROF = process.env.BENCH_CPU_PROF;
const ONLY = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const PARTITIONS = 12;
const root = fileURLToPath(new URL("..", import.meta.url));

const admin = KafkaClients.admin({ "bootstrap.servers": BOOTSTRAP });
try {
  await admin.listTopics();
} catch (e) {
  console.error(`bench:scaleout: no broker at ${BOOTSTRAP} (${(e as Error).message}). Start one with: bash scripts/kafka.sh start`);
  process.exit(1);
}

const run = Date.now().toString(36);
const input = `bench-scaleout-in-${run}`;

async function preload(a: KafkaAdminClient): Promise<void> {
  await a.createTopics([{ name: input, numPartitions: PARTITIONS }]);
  const corpus = readFileSync(zipfCorpusFile(Math.max(1, Math.ceil((LINES * 80) / 1024 / 1024)), 6000, 10), "utf8").split("\n").filter((l) => l.length > 0);
  const producer = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, acks: 1, "enable.idempotence": false });
  const t0 = performance.now();
  try {
    const CHUNK = 5_000;
    const inFlight: Array<Promise<unknown>> = [];
    for (let i = 0; i < LINES; i += CHUNK) {
      const records: ProducerRecord[] = [];
      // Line k goes to partition k mod 12: every partition holds the same share.
      for (let k = i; k < Math.min(LINES, i + CHUNK); k++) records.push({ topic: input, partition: k % PARTITIONS, value: corpus[k % corpus.length]! });
      inFlight.push(producer.send(records));
      if (inFlight.length >= 8) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    await producer.close();
  }
  console.log(`pre-loaded ${LINES.toLocaleString("en")} lines of 10 words into ${input} (${PARTITIONS} partitions) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

interface Committed {
  readonly at: number;
  readonly time: number;
  readonly tasks: readonly number[];
  readonly inputRanges: ReadonlyArray<{ partition: number; fromOffset: number; untilOffset: number }>;
}
interface Assigned {
  readonly at: number;
  readonly generationId: number;
  readonly tasks: readonly number[];
}
const linesOf = (b: Committed): number => b.inputRanges.reduce((n, r) => n + r.untilOffset - r.fromOffset, 0);

class Copy {
  readonly committed: Committed[] = [];
  readonly assigned: Assigned[] = [];
  private out = "";
  private readonly watchers = new Set<() => void>();
  readonly ended: Promise<void>;
  private readonly child;

  constructor(
    readonly instance: string,
    args: readonly string[],
  ) {
    const env: NodeJS.ProcessEnv = { ...process.env, DSTREAM_LOG_LEVEL: process.env.DSTREAM_LOG_LEVEL ?? "warn" };
    // A directory per copy, not --cpu-prof-name: tsx's module-hooks thread writes a profile too, which would overwrite the main thread's.
    const prof = CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", join(CPU_PROF, `${runs}-${instance}`)] : [];
    this.child = spawn(process.execPath, [...prof, "--import", "tsx", "bench/scaleOutCopy.ts", "--instance", instance, ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let pending = "";
    this.child.stdout.setEncoding("utf8").on("data", (d: string) => {
      pending += d;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith("COMMITTED ")) this.committed.push(JSON.parse(line.slice(10)) as Committed);
        else if (line.startsWith("ASSIGNED ")) this.assigned.push(JSON.parse(line.slice(9)) as Assigned);
        else this.keep(line + "\n");
        for (const w of [...this.watchers]) w();
      }
    });
    this.child.stderr.setEncoding("utf8").on("data", (d: string) => {
      this.keep(d);
      if (process.env.BENCH_SO_TRACE === "1") process.stderr.write(d.replace(/^(?=.)/gm, `[${instance}] `));
    });
    this.ended = new Promise((resolve) =>
      this.child.once("close", () => {
        for (const w of [...this.watchers]) w();
        resolve();
      }),
    );
  }

  private keep(s: string): void {
    this.out = (this.out + s).slice(-4000);
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Resolves once `pred` holds (checked after every line the copy prints); rejects after `timeoutMs` or if the copy ends first. */
  until<T>(pred: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const v = pred();
        if (v !== undefined) done(() => resolve(v));
        else if (this.exited) done(() => reject(new Error(`copy ${this.instance} ended before ${what}:\n${this.out}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`copy ${this.instance}: not within ${timeoutMs} ms: ${what}\n${this.out}`))), timeoutMs);
      const done = (f: () => void): void => {
        clearTimeout(timer);
        this.watchers.delete(check);
        f();
      };
      this.watchers.add(check);
      check();
    });
  }

  /** SIGTERM lets a profiled copy write its profile (scaleOutCopy exits on it); SIGKILL is a crash. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (!this.exited) this.child.kill(signal);
    const guard = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.ended;
    clearTimeout(guard);
  }

  kill(): void {
    this.child.kill("SIGKILL");
  }
}

interface Throughput {
  readonly steady: number;
  readonly drain: number;
  readonly batches: number;
  readonly maxBatchLines: number;
}

interface Config {
  readonly name: string;
  readonly copies: number;
  readonly master: string;
  readonly mode: "repartition" | "direct";
}
const CONFIGS: readonly Config[] = [
  { name: "1 copy local[1]", copies: 1, master: "local[1]", mode: "repartition" },
  { name: "2 copies local[1]", copies: 2, master: "local[1]", mode: "repartition" },
  { name: "1 copy local[2]", copies: 1, master: "local[2]", mode: "repartition" },
  { name: "1 copy local[1] no repartition", copies: 1, master: "local[1]", mode: "direct" },
];
const FAILOVER = "failover";
const rateOf = (cfg: Config): number => (cfg.mode === "direct" ? DIRECT_RATE : MAX_RATE);
/** The input lines per second that maxRatePerPartition lets through: a rate near it measures the cap, not the copies. */
const capOf = (cfg: Config): number => rateOf(cfg) * PARTITIONS;
/** A batch that read its copy's full cap: below it, the cap held nothing back (one batch of all the input, say). */
const atCap = (cfg: Config, maxBatchLines: number): boolean => maxBatchLines >= (0.95 * rateOf(cfg) * PARTITIONS * BATCH_MS) / 1000 / cfg.copies;
const capNote = (cfg: Config, r: { steady: number; drain: number; maxBatchLines: number }): string =>
  atCap(cfg, r.maxBatchLines) && Math.max(r.drain, Number.isNaN(r.steady) ? 0 : r.steady) >= 0.8 * capOf(cfg) ? ` [near the cap of ${fmt(capOf(cfg))} lines/s: raise the cap]` : "";
/** The machine's 1-minute load average after a run: on a shared machine, what else was running shows here. */
const load = (): string => loadavg()[0]!.toFixed(1);
const ratio = (a: number, b: number): string => (Number.isFinite(a / b) ? (a / b).toFixed(2) : "n/a");

let runs = 0;
async function withApp<T>(tag: string, body: (app: string, output: string) => Promise<T>): Promise<T> {
  const app = `bench-so-${run}-${runs++}-${tag}`;
  const output = `${app}-out`;
  await admin.createTopics([{ name: output, numPartitions: 3 }]);
  try {
    return await body(app, output);
  } finally {
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(`${app}-`));
    await admin.deleteTopics(ours).catch((e: Error) => console.error(`bench:scaleout: could not delete ${ours.join(", ")}: ${e.message}`));
  }
}

function copyArgs(app: string, output: string, c: { master: string; mode: string; rate: number }): string[] {
  return ["--brokers", BOOTSTRAP, "--app", app, "--input", input, "--output", output, "--mode", c.mode, "--master", c.master, "--batch-ms", String(BATCH_MS), "--rate", String(c.rate), "--session-ms", String(SESSION_MS)];
}

async function throughput(cfg: Config): Promise<Throughput> {
  return withApp(cfg.mode === "direct" ? "direct" : `x${cfg.copies}`, async (app, output) => {
    const copies = Array.from({ length: cfg.copies }, (_, i) => new Copy(`copy-${i + 1}`, copyArgs(app, output, { ...cfg, rate: rateOf(cfg) })));
    try {
      const read = (): number => copies.reduce((n, c) => n + c.committed.reduce((m, b) => m + linesOf(b), 0), 0);
      // Any copy's line can complete the total; each copy wakes the check with its own lines.
      await Promise.race(copies.map((c) => c.until(() => (read() >= LINES ? true : undefined), `the copies commit all ${LINES} lines`, 600_000)));
    } finally {
      await Promise.all(copies.map((c) => c.stop()));
    }
    const batches = copies.flatMap((c) => c.committed).filter((b) => linesOf(b) > 0);
    const total = batches.reduce((n, b) => n + linesOf(b), 0);
    if (total !== LINES) throw new Error(`bench:scaleout: ${cfg.name} committed ${total} input lines, expected ${LINES}: a batch was read twice`);
    const firstTime = Math.min(...batches.map((b) => b.time));
    const first = batches.filter((b) => b.time === firstTime);
    const rest = batches.filter((b) => b.time !== firstTime);
    const lastAt = Math.max(...batches.map((b) => b.at));
    const firstAt = Math.max(...first.map((b) => b.at));
    return {
      // Undefined (NaN) when one batch read everything.
      steady: rest.length === 0 ? Number.NaN : rest.reduce((n, b) => n + linesOf(b), 0) / ((lastAt - firstAt) / 1000),
      drain: LINES / ((lastAt - firstTime) / 1000),
      batches: batches.length,
      maxBatchLines: Math.max(...batches.map(linesOf)),
    };
  });
}

interface Failover {
  readonly rebalanceMs: number;
  readonly committedMs: number;
  readonly readMs: number;
}

async function failover(): Promise<Failover> {
  return withApp("failover", async (app, output) => {
    const args = copyArgs(app, output, { master: "local[1]", mode: "repartition", rate: FAILOVER_RATE });
    const [a, b] = [new Copy("copy-1", args), new Copy("copy-2", args)];
    try {
      const half = PARTITIONS / 2;
      // Both copies commit input of their half, twice each, before one of them dies.
      const settled = (c: Copy): true | undefined => (c.committed.filter((x) => x.tasks.length === half && linesOf(x) > 0).length >= 2 ? true : undefined);
      await Promise.all([a.until(() => settled(a), `copy-1 commits two batches with ${half} tasks`, 120_000), b.until(() => settled(b), `copy-2 commits two batches with ${half} tasks`, 120_000)]);
      const dead = b.committed.at(-1)!.tasks;
      const seen = { assigned: a.assigned.length, committed: a.committed.length };
      b.kill();
      const killedAt = Date.now();
      const hasDead = (tasks: readonly number[]): boolean => dead.every((t) => tasks.includes(t));
      const limit = SESSION_MS + 120_000;
      const rebalance = await a.until(() => a.assigned.slice(seen.assigned).find((s) => hasDead(s.tasks)), "copy-1 is given copy-2's tasks", limit);
      const committed = await a.until(() => a.committed.slice(seen.committed).find((x) => hasDead(x.tasks)), "copy-1 commits a batch with copy-2's tasks", limit);
      const readDead = await a.until(
        () => a.committed.slice(seen.committed).find((x) => x.inputRanges.some((r) => dead.includes(r.partition) && r.untilOffset > r.fromOffset)),
        "copy-1 commits input of copy-2's tasks",
        limit,
      );
      return { rebalanceMs: rebalance.at - killedAt, committedMs: committed.at - killedAt, readMs: readDead.at - killedAt };
    } finally {
      await Promise.all([a.stop(), b.stop("SIGKILL")]);
    }
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString("en") : "n/a");

await preload(admin);
const names = [...CONFIGS.map((c) => c.name), FAILOVER].filter((n) => !ONLY || ONLY.includes(n));
console.log(
  `bench:scaleout: ${ROUNDS} rounds, configurations interleaved; ${BATCH_MS} ms batches; spark.streaming.kafka.maxRatePerPartition ${MAX_RATE} with repartition ` +
    `(at most ${fmt((MAX_RATE * PARTITIONS * BATCH_MS) / 1000)} lines, ${fmt((MAX_RATE * PARTITIONS * BATCH_MS) / 100)} repartition records per batch at one copy), ${DIRECT_RATE} without; ` +
    `failover at ${FAILOVER_RATE}/s per partition, sessionTimeoutMs ${SESSION_MS}`,
);
const tp = new Map<string, Throughput[]>();
const fo: Failover[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]!);
  for (const name of order) {
    if (name === FAILOVER) {
      const f = await failover();
      fo.push(f);
      console.log(`  round ${round + 1} ${name}: rebalance ${fmt(f.rebalanceMs)} ms, batch with the dead copy's tasks committed ${fmt(f.committedMs)} ms, its input read ${fmt(f.readMs)} ms after the kill (load ${load()})`);
    } else {
      const cfg = CONFIGS.find((c) => c.name === name)!;
      const r = await throughput(cfg);
      tp.set(name, [...(tp.get(name) ?? []), r]);
      console.log(`  round ${round + 1} ${name}: steady ${fmt(r.steady)} lines/s, drain ${fmt(r.drain)} lines/s (${r.batches} input batches, largest ${fmt(r.maxBatchLines)} lines; load ${load()})${capNote(cfg, r)}`);
    }
  }
}

console.log(`\nMedians of ${ROUNDS} rounds, input lines committed per second (${LINES.toLocaleString("en")} lines of 10 words, ${PARTITIONS} partitions):`);
console.log("  steady: lines of the batches after the first input batch / time from its commit to the last commit");
console.log("  drain:  all lines / time from the first input batch's grid time to the last commit");
const med = new Map(
  [...tp].map(([n, rs]) => [n, { steady: median(rs.map((r) => r.steady).filter((x) => !Number.isNaN(x))), drain: median(rs.map((r) => r.drain)), maxBatchLines: Math.max(...rs.map((r) => r.maxBatchLines)) }]),
);
const base = med.get(CONFIGS[0]!.name);
for (const [name, m] of med) {
  const vs = base && name !== CONFIGS[0]!.name ? `  (x${ratio(m.steady, base.steady)} steady, x${ratio(m.drain, base.drain)} drain vs 1 copy local[1])` : name === CONFIGS[0]!.name ? "  (baseline)" : "";
  console.log(`  ${name.padEnd(32)} steady ${fmt(m.steady).padStart(8)}  drain ${fmt(m.drain).padStart(8)}${vs}${capNote(CONFIGS.find((c) => c.name === name)!, m)}`);
}
const two = med.get(CONFIGS[1]!.name);
const l2 = med.get(CONFIGS[2]!.name);
const direct = med.get(CONFIGS[3]!.name);
if (base && two && l2) {
  const x = two.steady / base.steady;
  const within = Math.abs(two.steady - l2.steady) / l2.steady;
  console.log(
    `Goal "2 copies >= 1.6x one copy, and within 15% of one copy at local[2]" (steady): 2 copies x${x.toFixed(2)} ${x >= 1.6 ? "MET" : "NOT MET"}; ` +
      `2 copies vs local[2] ${within <= 0.15 ? "within" : "off by"} ${(within * 100).toFixed(0)}% (${(two.steady / l2.steady).toFixed(2)}x) ${within <= 0.15 ? "MET" : "NOT MET"}`,
  );
}
if (base && direct) {
  console.log(`Repartition topic cost at one copy: lines/s with / without = ${ratio(base.drain, direct.drain)} drain, ${ratio(base.steady, direct.steady)} steady (n/a: one batch read all the input without it)`);
}
if (fo.length > 0) {
  console.log(
    `Failover (2 copies, ${FAILOVER_RATE}/s per partition, one SIGKILLed; sessionTimeoutMs ${SESSION_MS}, transaction.timeout.ms ${Math.max(SESSION_MS, 10_000)}), median ms after the kill: ` +
      `rebalance ${fmt(median(fo.map((f) => f.rebalanceMs)))}, first committed batch with the dead copy's tasks ${fmt(median(fo.map((f) => f.committedMs)))}, ` +
      `first committed input of those tasks ${fmt(median(fo.map((f) => f.readMs)))}`,
  );
}
await admin.deleteTopics([input]);
await admin.close();
