/**
 * npm run bench:streaming — a socket word count (socketTextStream → flatMap → map → reduceByKey)
 * at a fixed batch interval of 1 s and 100 ms, in local[1] and local[2]. A feeder thread serves
 * generated text on 127.0.0.1 at a target rate; the rate doubles until a run stops being
 * sustainable, then is bisected. A run is sustainable when batches are processed, on average,
 * within the batch interval, no backlog builds up (in the second half of the run no batch waits
 * more than half an interval to start), and the receiver takes in what was offered.
 * Prints the highest sustainable input rate (lines/s and words/s) and the p50/p99 total delay
 * of its batches that carry data (from onBatchCompleted). Every run, and every configuration's search, is bounded
 * in time. BENCH_QUICK=1 runs a shorter search. In local[1] the receiver shares the one thread
 * with the tasks, so it cannot read while a batch runs: the rate it takes in is part of the limit.
 *
 * Beside the search: runs at the target rates (BENCH_TARGETS, `master:batchMs:lines/s,...`;
 * issue 15's goals by default), and the baseline they are read against, measured in the same run:
 * the raw loop on one thread that reads the same feeder's socket, splits lines and words and
 * counts them in a Map, as fast as it can. Each run also reports the CPU it took per line on the
 * driver's thread (receiving, blocks, scheduling), the feeder's and the rest (executors), read
 * from /proc: on a shared machine these say more than the rates do.
 */
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { loadavg } from "node:os";
import { SparkContext, StreamingContext, Milliseconds, type BatchInfo } from "../src/index.js";
import { corpusFile } from "./textCorpus.js";
import { percentile, startFeeder } from "./lineFeeder.js";

const QUICK = process.env.BENCH_QUICK === "1";
const CORPUS = corpusFile(16);
const WORDS_PER_LINE = averageWordsPerLine(CORPUS);

interface Trial {
  rate: number;
  sustainable: boolean;
  receivedRate: number;
  meanProcessing: number;
  lastScheduling: number;
  p50: number;
  p99: number;
  reason: string;
  cpu: CpuPerLine;
}

/** CPU microseconds per line received, by thread. */
interface CpuPerLine {
  driver: number;
  executors: number;
  feeder: number;
}

/** CPU milliseconds a thread of this process has used (Linux), NaN where /proc is not there. */
function threadCpuMs(tid: string): number {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** One run at a fixed rate: warm-up batches are ignored, the rest are measured. */
async function trial(sc: SparkContext, batchMs: number, rate: number): Promise<Trial> {
  const warmup = batchMs >= 1000 ? 2 : 10;
  const measured = batchMs >= 1000 ? (QUICK ? 3 : 5) : QUICK ? 15 : 30;
  const feeder = await startFeeder(CORPUS, rate);
  const driverCpu0 = threadCpuMs(String(process.pid));
  const cpu0 = processCpuMs();
  const ssc = new StreamingContext(sc, Milliseconds(batchMs));
  const batches: BatchInfo[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  ssc.addStreamingListener({
    onBatchCompleted: (e) => {
      batches.push(e.batchInfo);
      if (batches.length >= warmup + measured) done();
    },
  });
  const counts = ssc
    .socketTextStream("127.0.0.1", feeder.port)
    .flatMap((line) => line.split(" "))
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b);
  counts.foreachRDD(async (rdd) => {
    await rdd.count();
  });
  ssc.start();
  // Bounded: a run that falls far behind ends at its deadline and counts as unsustainable.
  const deadline = (warmup + measured) * batchMs * 2 + 5000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([finished.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), deadline)))]);
  clearTimeout(timer);
  await ssc.stop({ stopSparkContext: false });
  const feederCpu = await feeder.stop();
  const lines = batches.reduce((n, b) => n + b.numRecords, 0);
  const perLine = (ms: number): number => (ms * 1000) / Math.max(1, lines);
  const driverCpu = threadCpuMs(String(process.pid)) - driverCpu0;
  const cpu: CpuPerLine = { driver: perLine(driverCpu), feeder: perLine(feederCpu), executors: perLine(processCpuMs() - cpu0 - driverCpu - feederCpu) };

  const sample = batches.slice(warmup, warmup + measured);
  const processing = sample.map((b) => b.processingDelay ?? Infinity);
  // Delays of the batches that carry data: an empty batch's near-zero delay says nothing about latency.
  const totals = sample
    .filter((b) => b.numRecords > 0)
    .map((b) => b.totalDelay ?? Infinity)
    .sort((a, b) => a - b);
  const records = sample.reduce((n, b) => n + b.numRecords, 0);
  const receivedRate = sample.length > 0 ? records / ((sample.length * batchMs) / 1000) : 0;
  const meanProcessing = processing.reduce((a, b) => a + b, 0) / Math.max(1, processing.length);
  // A backlog shows as scheduling delay: allow a hiccup early on, not a queue at the end of the run.
  const lateHalf = sample.slice(Math.floor(sample.length / 2));
  const lastScheduling = lateHalf.length > 0 ? Math.max(...lateHalf.map((b) => b.schedulingDelay ?? Infinity)) : Infinity;
  let reason = "";
  if (timedOut || sample.length < measured) reason = "fell behind (run timed out)";
  else if (meanProcessing > batchMs) reason = `processing ${meanProcessing.toFixed(0)} ms > batch`;
  else if (lastScheduling > batchMs / 2) reason = `backlog: scheduling delay up to ${lastScheduling} ms`;
  else if (receivedRate < rate * 0.9) reason = `received only ${Math.round(receivedRate)} lines/s`;
  return { rate, sustainable: reason === "", receivedRate, meanProcessing, lastScheduling, p50: percentile(totals, 50), p99: percentile(totals, 99), reason, cpu };
}

function describeTrial(t: Trial): string {
  const c = t.cpu;
  return (
    `${String(t.rate).padStart(9)} lines/s  ${t.sustainable ? "ok  " : "FAIL"}  proc ${t.meanProcessing.toFixed(0).padStart(5)} ms  total p50 ${t.p50.toFixed(0).padStart(5)} p99 ${t.p99.toFixed(0).padStart(5)} ms` +
    `  cpu/line: driver ${c.driver.toFixed(2)} executors ${c.executors.toFixed(2)} feeder ${c.feeder.toFixed(2)} µs${t.reason ? `  (${t.reason})` : ""}`
  );
}

/**
 * The baseline: one thread reads the feeder's socket as fast as the feeder writes, splits lines
 * and words and counts the words in a Map, for `ms`. Returns lines/s and CPU µs per line (the
 * feeder's excluded).
 */
async function rawLoop(ms: number): Promise<{ rate: number; usPerLine: number }> {
  const feeder = await startFeeder(CORPUS, 50_000_000);
  const counts = new Map<string, number>();
  let lines = 0;
  let partial = "";
  const socket = connect(feeder.port, "127.0.0.1");
  const cpu0 = threadCpuMs(String(process.pid));
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      const text = partial + chunk.toString("utf8");
      const ls = text.split("\n");
      partial = ls.pop()!;
      for (const line of ls) {
        for (const w of line.split(" ")) counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      lines += ls.length;
      if (performance.now() - t0 >= ms) resolve();
    });
  });
  const elapsed = performance.now() - t0;
  const cpu = threadCpuMs(String(process.pid)) - cpu0;
  socket.destroy();
  await feeder.stop();
  return { rate: (lines * 1000) / elapsed, usPerLine: (cpu * 1000) / lines };
}

/** Doubles the rate until a run fails, then bisects between the last success and the failure. */
async function search(sc: SparkContext, batchMs: number, label: string): Promise<Trial | undefined> {
  const budgetMs = QUICK ? 45_000 : 90_000;
  const started = Date.now();
  let best: Trial | undefined;
  let failed: number | undefined;
  let rate = 50_000;
  const log = (t: Trial): void => console.log(`  ${label}  ${describeTrial(t)}`);
  while (Date.now() - started < budgetMs) {
    const t = await trial(sc, batchMs, rate);
    log(t);
    if (t.sustainable) best = t;
    else failed = rate;
    if (failed === undefined) {
      rate *= 2;
      continue;
    }
    const low = best?.rate ?? 0;
    if (failed - low <= Math.max(10_000, failed * 0.1)) break;
    rate = Math.round((low + failed) / 2 / 1000) * 1000;
  }
  return best;
}

function averageWordsPerLine(path: string): number {
  const text = readFileSync(path, "utf8").slice(0, 1 << 20);
  const lines = text.split("\n").slice(0, -1);
  return lines.reduce((n, l) => n + l.split(" ").length, 0) / lines.length;
}

await rawLoop(1000); // warm-up: compiles the loop
const baseline = await rawLoop(QUICK ? 3000 : 6000);
console.log(`baseline: raw socket read + split + Map count on one thread: ${Math.round(baseline.rate)} lines/s, ${baseline.usPerLine.toFixed(2)} µs CPU per line`);

// Issue 15's goals: 1M lines/s at 1 s batches (p99 total delay <= 1.5 s), 300k lines/s at 100 ms batches (p99 <= 250 ms).
const targets = (process.env.BENCH_TARGETS ?? "local[2]:1000:1000000,local[2]:100:300000").split(",").filter((t) => t !== "").map((t) => {
  const [master, batchMs, rate] = t.split(":");
  return { master: master!, batchMs: Number(batchMs), rate: Number(rate) };
});
const targetResults: Array<{ master: string; batchMs: number; t: Trial }> = [];

/** Several blocks per batch, the same number for every executor (Spark's tuning guide: tasks at least the cores, evenly). */
function blockIntervalFor(batchMs: number): number {
  return Math.min(250, batchMs / 4);
}

const results: Array<{ master: string; batchMs: number; best: Trial | undefined }> = [];
for (const master of [...new Set(["local[1]", "local[2]", ...targets.map((t) => t.master)])]) {
  // The job's functions ship by source; reloading this script in each executor would start feeders there.
  const sc = new SparkContext({ master, appName: `bench-streaming-${master}`, conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false" } });
  try {
    for (const target of targets.filter((t) => t.master === master)) {
      sc.conf.set("spark.streaming.blockInterval", `${blockIntervalFor(target.batchMs)}ms`);
      const t = await trial(sc, target.batchMs, target.rate);
      console.log(`${master}, batch ${target.batchMs} ms, target rate:  ${describeTrial(t)}`);
      targetResults.push({ master, batchMs: target.batchMs, t });
    }
    for (const batchMs of process.env.BENCH_SEARCH === "0" ? [] : [1000, 100]) {
      const blockMs = blockIntervalFor(batchMs);
      sc.conf.set("spark.streaming.blockInterval", `${blockMs}ms`);
      console.log(`${master}, batch ${batchMs} ms, block interval ${blockMs} ms:`);
      results.push({ master, batchMs, best: await search(sc, batchMs, `${master} ${batchMs}ms`) });
    }
  } finally {
    await sc.stop();
  }
}

console.log(`\nsocket word count, ${WORDS_PER_LINE.toFixed(1)} words per line on average; highest sustainable input rate:`);
console.log(`(load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}: other work on the machine lowers these figures, local[2] most)`);
for (const r of results) {
  const b = r.best;
  const what = b
    ? `${String(b.rate).padStart(9)} lines/s (${(b.rate * WORDS_PER_LINE / 1e6).toFixed(2)}M words/s)  total delay p50 ${b.p50.toFixed(0)} ms, p99 ${b.p99.toFixed(0)} ms`
    : "none of the rates tried was sustainable";
  console.log(`  ${r.master.padEnd(9)} batch ${String(r.batchMs).padStart(4)} ms  ${what}`);
}
console.log(`at the target rates (baseline: ${Math.round(baseline.rate)} lines/s on one thread, ${baseline.usPerLine.toFixed(2)} µs CPU per line):`);
for (const { master, batchMs, t } of targetResults) {
  const used = t.cpu.driver + t.cpu.executors;
  console.log(
    `  ${master.padEnd(9)} batch ${String(batchMs).padStart(4)} ms  ${String(t.rate).padStart(9)} lines/s  ${t.sustainable ? "sustained" : `not sustained (${t.reason})`}, total delay p50 ${t.p50.toFixed(0)} ms, p99 ${t.p99.toFixed(0)} ms; ` +
      `rate / baseline ${(t.rate / baseline.rate).toFixed(2)}x; CPU per line ${used.toFixed(2)} µs = ${(used / baseline.usPerLine).toFixed(2)}x the baseline's`,
  );
}
