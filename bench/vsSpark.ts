/**
 * npm run bench:vs-spark — dstream against Apache Spark Streaming (Java API, Spark 3.5 from Maven
 * Central, JVM with spark-submit's Java 17 `--add-opens` flags and a 4 GB heap), on the same
 * workloads in the same run, each engine in a process of its own and the engines interleaved, so
 * that a shared machine's load falls on both alike. Prints medians and ratios dstream / Spark.
 * Not part of CI: the first run downloads about 300 MB of jars (bench/vs-spark/spark.sh).
 *
 * Workloads (BENCH_WORKLOADS, default "socket,kafka"):
 *   - socket: a word count (socketTextStream → flatMap → map → reduceByKey → count) at 1 s batches,
 *     fed at a ladder of rates (BENCH_SOCKET_RATES lines/s, 12 words a line, Zipf over 6k words) by a
 *     feeder in this process. Each engine climbs the ladder until a rate is not sustainable (same
 *     rule as bench:streaming: mean processing within the interval, no backlog in the second half,
 *     the receiver takes in ≥ 90% of what is offered; a rung is retried once). Engines: dstream local[2], Spark local[2]
 *     (its receiver holds one of the two task slots) and Spark local[3] (receiver plus two slots:
 *     equal cores for tasks). Also the p50/p99 total delay at the ladder's first rate.
 *   - kafka: a direct-stream word count draining BENCH_RECORDS lines (6M) from BENCH_PARTITIONS (4)
 *     partitions of a topic on KAFKA_BOOTSTRAP (127.0.0.1:9092), in batches of BENCH_BATCH_RECORDS
 *     (1M) by maxRatePerPartition, BENCH_ROUNDS (3) times per engine at local[2]. Reported: lines/s
 *     from start() to the batch that read the last record, the steady rate over the last two full
 *     batches (records per second of processing), and peak RSS.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { KafkaClients } from "../src/connectors/kafka/index.js";
import { percentile, startFeeder } from "./lineFeeder.js";
import { zipfCorpusFile } from "./textCorpus.js";

const WORKLOADS = (process.env.BENCH_WORKLOADS ?? "socket,kafka").split(",");
const SOCKET_RATES = (process.env.BENCH_SOCKET_RATES ?? "200000,300000,450000,650000,850000,1000000,1200000").split(",").map(Number);
const BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
const RECORDS = Number(process.env.BENCH_RECORDS ?? 6_000_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 4);
const BATCH_RECORDS = Number(process.env.BENCH_BATCH_RECORDS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// Spark speeds up batch by batch as its JIT warms; eight batches let both engines settle before measuring.
const SOCKET_WARMUP = 8;
const SOCKET_MEASURED = 6;
const CORPUS = zipfCorpusFile(32);
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** What spark-submit adds on Java 17 (Spark's JavaModuleOptions), without which Spark cannot start. */
const JAVA17_OPENS = [
  "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
  "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar",
].map((p) => `--add-opens=java.base/${p}=ALL-UNNAMED`);

interface Batch {
  time: number;
  records: number;
  processingMs: number;
  schedulingMs: number;
  totalMs: number;
}

interface Engine {
  readonly name: string;
  command(args: string[]): [string, string[]];
}

function sparkClasspath(): string {
  const r = spawnSync("bash", [here("./vs-spark/spark.sh"), "classpath"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) {
    console.error("bench:vs-spark: could not install Spark's side (bench/vs-spark/spark.sh install); see the lines above");
    process.exit(1);
  }
  return r.stdout.trim();
}

const classpath = sparkClasspath();
const dstream = (master: string): Engine => ({
  name: `dstream ${master}`,
  command: (args) => [process.execPath, ["--import", "tsx", here("./vs-spark/dstreamWordCounts.ts"), args[0]!, master, ...args.slice(1)]],
});
const spark = (master: string): Engine => ({
  name: `Spark ${master}`,
  command: (args) => [
    "java",
    ["-Xms4g", "-Xmx4g", "-XX:+IgnoreUnrecognizedVMOptions", ...JAVA17_OPENS, "-Djdk.reflect.useDirectMethodHandle=false", "-cp", classpath, "SparkWordCounts", args[0]!, master, ...args.slice(1)],
  ],
});

interface Run {
  batches: Batch[];
  elapsedMs?: number;
  peakRssMb: number;
  timedOut: boolean;
}

/**
 * Runs one engine's program until it reports `stopAfter` batches (then kills it) or says DONE
 * (then lets it exit), bounded by `timeoutMs`. Tracks the process's peak resident memory.
 */
function runEngine(engine: Engine, args: string[], stopAfter: number, timeoutMs: number): Promise<Run> {
  const [cmd, argv] = engine.command(args);
  const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
  const run: Run = { batches: [], peakRssMb: 0, timedOut: false };
  const stderr: string[] = [];
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr.push(s);
    if (stderr.length > 200) stderr.shift();
  });
  let pending = "";
  const stop = (): void => {
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  };
  child.stdout.setEncoding("utf8").on("data", (s: string) => {
    pending += s;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.startsWith("BATCH ")) {
        run.batches.push(JSON.parse(line.slice(6)) as Batch);
        if (run.batches.length === stopAfter) stop();
      } else if (line.startsWith("DONE ")) {
        run.elapsedMs = (JSON.parse(line.slice(5)) as { elapsedMs: number }).elapsedMs;
      }
    }
  });
  const rss = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) run.peakRssMb = Math.max(run.peakRssMb, Number(m[1]) / 1024);
    } catch {
      // the process has exited
    }
  }, 250);
  const deadline = setTimeout(() => {
    run.timedOut = true;
    stop();
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearInterval(rss);
      clearTimeout(deadline);
      const expected = signal !== null || code === 0 || run.batches.length >= stopAfter;
      if (!expected && run.batches.length === 0) {
        reject(new Error(`${engine.name} exited with ${code} before its first batch:\n${stderr.join("").split("\n").slice(-25).join("\n")}`));
      } else resolve(run);
    });
  });
}

const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const k = (n: number): string => (Number.isFinite(n) ? `${Math.round(n / 1000)}k` : "-");
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : "-");

interface SocketTrial {
  ok: boolean;
  reason: string;
  p50: number;
  p99: number;
}

async function socketTrial(engine: Engine, rate: number): Promise<SocketTrial> {
  const feeder = await startFeeder(CORPUS, rate);
  try {
    const run = await runEngine(engine, ["socket", String(feeder.port), "1000"], SOCKET_WARMUP + SOCKET_MEASURED, 60_000);
    const sample = run.batches.slice(SOCKET_WARMUP, SOCKET_WARMUP + SOCKET_MEASURED);
    const totals = sample.filter((b) => b.records > 0).map((b) => b.totalMs).sort((a, b) => a - b);
    const meanProcessing = sample.reduce((n, b) => n + b.processingMs, 0) / Math.max(1, sample.length);
    const lateScheduling = Math.max(...sample.slice(Math.floor(sample.length / 2)).map((b) => b.schedulingMs));
    const received = sample.reduce((n, b) => n + b.records, 0) / Math.max(1, sample.length);
    let reason = "";
    if (run.timedOut || sample.length < SOCKET_MEASURED) reason = "fell behind (run timed out)";
    else if (meanProcessing > 1000) reason = `processing ${meanProcessing.toFixed(0)} ms > batch`;
    else if (lateScheduling > 500) reason = `backlog: scheduling delay up to ${lateScheduling} ms`;
    else if (received < rate * 0.9) reason = `received only ${Math.round(received)} lines/s`;
    return { ok: reason === "", reason, p50: percentile(totals, 50), p99: percentile(totals, 99) };
  } finally {
    await feeder.stop();
  }
}

async function socketWorkload(): Promise<void> {
  const engines = [dstream("local[2]"), spark("local[2]"), spark("local[3]")];
  const best = new Map<string, number>(engines.map((e) => [e.name, NaN]));
  const first = new Map<string, SocketTrial>();
  let alive = [...engines];
  console.log(`\nsocket word count, 1 s batches, ${CORPUS.split("/").pop()}: the ladder (engines interleaved, order rotating per rate)`);
  for (const [i, rate] of SOCKET_RATES.entries()) {
    if (alive.length === 0) break;
    const order = alive.map((_, j) => alive[(i + j) % alive.length]!);
    for (const e of order) {
      // One pause (a GC, a neighbour on a shared machine) must not end an engine's climb: a rung fails only twice in a row.
      for (let attempt = 1; attempt <= 2; attempt++) {
        const t = await socketTrial(e, rate);
        if (i === 0 && (t.ok || attempt === 2)) first.set(e.name, t);
        console.log(`  ${e.name.padEnd(16)} ${String(rate).padStart(8)} lines/s  ${t.ok ? "ok  " : "FAIL"}  total delay p50 ${t.p50.toFixed(0).padStart(5)} p99 ${t.p99.toFixed(0).padStart(5)} ms${t.reason ? `  (${t.reason})` : ""}`);
        if (t.ok) {
          best.set(e.name, rate);
          break;
        }
        if (attempt === 2) alive = alive.filter((a) => a !== e);
      }
    }
  }
  const d = best.get(engines[0]!.name)!;
  console.log(`highest sustained rate (the ladder's last rung counts as a floor: "≥"):`);
  for (const e of engines) {
    const r = best.get(e.name)!;
    const floor = r === SOCKET_RATES[SOCKET_RATES.length - 1] ? "≥ " : "";
    console.log(`  ${e.name.padEnd(16)} ${floor}${k(r)} lines/s${e === engines[0] ? "" : `   dstream local[2] / this = ${ratio(d, r)}`}`);
  }
  const fd = first.get(engines[0]!.name);
  for (const e of engines.slice(1)) {
    const f = first.get(e.name);
    if (fd && f) console.log(`  total delay at ${k(SOCKET_RATES[0]!)} lines/s, dstream / ${e.name}: p50 ${ratio(fd.p50, f.p50)}, p99 ${ratio(fd.p99, f.p99)}`);
  }
}

async function preloadTopic(topic: string): Promise<void> {
  const admin = KafkaClients.admin({ "bootstrap.servers": BOOTSTRAP });
  try {
    await admin.createTopics([{ name: topic, numPartitions: PARTITIONS }]);
  } catch (e) {
    console.error(`bench:vs-spark: no Kafka broker at ${BOOTSTRAP} (${(e as Error).message}). Start one with: bash scripts/kafka.sh start`);
    process.exit(1);
  } finally {
    await admin.close();
  }
  const lines = readFileSync(CORPUS, "utf8").split("\n").filter((l) => l.length > 0);
  const producer = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, acks: 1, "enable.idempotence": false });
  try {
    const CHUNK = 5_000;
    const inFlight: Array<Promise<unknown>> = [];
    for (let i = 0; i < RECORDS; i += CHUNK) {
      const partition = (i / CHUNK) % PARTITIONS;
      inFlight.push(producer.send(Array.from({ length: Math.min(CHUNK, RECORDS - i) }, (_, j) => ({ topic, partition, value: lines[(i + j) % lines.length]! }))));
      if (inFlight.length >= 8) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    await producer.close();
  }
}

async function kafkaWorkload(): Promise<void> {
  const topic = `bench-vs-spark-${Date.now().toString(36)}`;
  await preloadTopic(topic);
  console.log(`\nKafka direct word count at local[2]: ${RECORDS.toLocaleString()} lines in ${PARTITIONS} partitions of ${topic}, ${BATCH_RECORDS.toLocaleString()} per 1 s batch (so no drain can exceed ${k(BATCH_RECORDS)} lines/s), ${ROUNDS} rounds`);
  const engines = [dstream("local[2]"), spark("local[2]")];
  const rate = String(Math.ceil(BATCH_RECORDS / PARTITIONS));
  const results = new Map<string, { drain: number[]; steady: number[]; rss: number[] }>(engines.map((e) => [e.name, { drain: [], steady: [], rss: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const e of round % 2 === 0 ? engines : [...engines].reverse()) {
      const run = await runEngine(e, ["kafka", BOOTSTRAP, topic, rate, "1000", String(RECORDS)], Infinity, 10 * 60_000);
      if (run.elapsedMs === undefined) throw new Error(`${e.name} did not drain ${topic} (${run.batches.reduce((n, b) => n + b.records, 0)} records read)`);
      const full = run.batches.filter((b) => b.records >= BATCH_RECORDS);
      const lastTwo = full.slice(-2);
      const steady = (lastTwo.reduce((n, b) => n + b.records, 0) * 1000) / lastTwo.reduce((n, b) => n + b.processingMs, 0);
      const drain = (RECORDS * 1000) / run.elapsedMs;
      const r = results.get(e.name)!;
      r.drain.push(drain);
      r.steady.push(steady);
      r.rss.push(run.peakRssMb);
      console.log(`  round ${round + 1} ${e.name.padEnd(16)} drain ${k(drain)} lines/s  steady ${k(steady)} lines/s  batches (ms) ${full.map((b) => b.processingMs).join(" ")}  peak RSS ${run.peakRssMb.toFixed(0)} MB`);
    }
  }
  const [d, s] = engines.map((e) => results.get(e.name)!) as [{ drain: number[]; steady: number[]; rss: number[] }, { drain: number[]; steady: number[]; rss: number[] }];
  console.log(`medians: dstream drain ${k(median(d.drain))}, Spark ${k(median(s.drain))} lines/s: dstream / Spark = ${ratio(median(d.drain), median(s.drain))}`);
  console.log(`         dstream steady ${k(median(d.steady))}, Spark ${k(median(s.steady))} lines/s: dstream / Spark = ${ratio(median(d.steady), median(s.steady))}`);
  console.log(`         peak RSS dstream ${median(d.rss).toFixed(0)} MB, Spark ${median(s.rss).toFixed(0)} MB: ${ratio(median(d.rss), median(s.rss))}`);
}

console.log(`bench:vs-spark on ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} at start`);
if (WORKLOADS.includes("socket")) await socketWorkload();
if (WORKLOADS.includes("kafka")) await kafkaWorkload();
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} at the end`);
