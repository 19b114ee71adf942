/**
 * npm run bench:ysb — the Yahoo Streaming Benchmark (yahoo/streaming-benchmarks, the "ad serving"
 * case) through the Kafka direct stream, on the broker at KAFKA_BOOTSTRAP (default 127.0.0.1:9092;
 * start one with `bash scripts/kafka.sh start`).
 *
 * Events are YSB's JSON ad events (user_id, page_id, ad_id, ad_type, event_type, event_time,
 * ip_address) over 100 campaigns × 10 ads. The pipeline, written with the public API:
 * parse JSON (JsonFieldExtractor on the value bytes) → filter event_type == "view" → project to [ad_id, event_time] → join ad → campaign
 * through a broadcast map → count per [campaign, floor(event_time / 10 s)], merged on the driver
 * batch after batch (YSB's Redis update).
 *
 *   1. throughput: a pre-loaded topic is drained at local[1] and local[2]; the baseline is a
 *      hand-written loop on this thread doing the same parse/filter/join/count over the same
 *      records, fetched raw with the same client. The window counts must equal the loop's.
 *   2. latency: a producer writes events stamped with the current time at a fixed rate while
 *      local[2] runs; a window's latency is the time of its last update after the window's end
 *      (YSB's measure), reported against the batch interval.
 *
 * Environment: BENCH_YSB_EVENTS (600000), BENCH_PARTITIONS (4), BENCH_YSB_RATE (40000 events/s for
 * the latency run), BENCH_YSB_SECONDS (25). `--big` multiplies the events by 8 and the latency run
 * by 2. BENCH_YSB_PROFILE=<dir> writes a CPU profile of the local[1] run (its tasks run on this
 * thread) to <dir>/ysb-local1.cpuprofile, and of the extractor loop to <dir>/ysb-loop-extractor.cpuprofile; summarise it with `node scripts/cpuprofile-top.mjs FILE`.
 * BENCH_YSB_ONLY=local[1] skips the local[2] and latency runs (for profiling).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { JsonFieldExtractor, Seconds, SparkContext, StreamingContext, type BatchInfo } from "../src/index.js";
import { ConsumerStrategies, KafkaClients, KafkaUtils, LocationStrategies, type KafkaAdminClient } from "../src/connectors/kafka/index.js";

const BIG = process.argv.includes("--big");
const BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
const EVENTS = Number(process.env.BENCH_YSB_EVENTS ?? 600_000) * (BIG ? 8 : 1);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 4);
const RATE = Number(process.env.BENCH_YSB_RATE ?? 40_000);
const LIVE_SECONDS = Number(process.env.BENCH_YSB_SECONDS ?? 25) * (BIG ? 2 : 1);
const WINDOW_MS = 10_000;
const BATCH_MS = 1_000;
const CAMPAIGNS = 100;
const ADS_PER_CAMPAIGN = 10;
const FETCH = { "max.partition.fetch.bytes": 8 * 1024 * 1024, "fetch.max.bytes": 64 * 1024 * 1024 };
const AD_TYPES = ["banner", "modal", "sponsored-search", "mail", "mobile"];
const EVENT_TYPES = ["view", "click", "purchase"];
const PROFILE_DIR = process.env.BENCH_YSB_PROFILE;
const ONLY = process.env.BENCH_YSB_ONLY;
const started = performance.now();

const admin = KafkaClients.admin({ "bootstrap.servers": BOOTSTRAP });
try {
  await admin.listTopics();
} catch (e) {
  console.error(`bench:ysb: no broker at ${BOOTSTRAP} (${(e as Error).message}). Start one with: bash scripts/kafka.sh start`);
  process.exit(1);
}

const run = Date.now().toString(36);
const preloaded = `bench-ysb-${run}`;
const live = `bench-ysb-live-${run}`;

// YSB's setup: every campaign owns ADS_PER_CAMPAIGN ads; the map lives in Redis there, in a broadcast here.
const adToCampaign = new Map<string, string>();
const ads: string[] = [];
for (let c = 0; c < CAMPAIGNS; c++) {
  const campaign = randomUUID();
  for (let a = 0; a < ADS_PER_CAMPAIGN; a++) {
    const ad = randomUUID();
    adToCampaign.set(ad, campaign);
    ads.push(ad);
  }
}
const users = Array.from({ length: 100 }, () => randomUUID());
const pages = Array.from({ length: 100 }, () => randomUUID());

/** One event as YSB's generator writes it: event_time is a string of epoch milliseconds. */
function makeEvent(i: number, eventTime: number): string {
  return JSON.stringify({
    user_id: users[i % users.length],
    page_id: pages[(i * 7) % pages.length],
    ad_id: ads[(i * 31 + (i >>> 5)) % ads.length],
    ad_type: AD_TYPES[i % AD_TYPES.length],
    event_type: EVENT_TYPES[(i * 13 + (i >>> 3)) % EVENT_TYPES.length],
    event_time: String(eventTime),
    ip_address: "1.2.3.4",
  });
}

type Counts = Map<string, number>;
const keyOf = (campaign: string, window: number): string => `${campaign}/${window}`;

async function produce(topic: string, from: number, n: number, eventTime: (i: number) => number, producer: ReturnType<typeof KafkaClients.producer>): Promise<number> {
  const CHUNK = 2_000; // about 500 kB: the broker takes 1 MB a batch
  const inFlight: Array<Promise<unknown>> = [];
  let bytes = 0;
  for (let i = from; i < from + n; i += CHUNK) {
    const m = Math.min(CHUNK, from + n - i);
    const partition = Math.floor(i / CHUNK) % PARTITIONS;
    const records = Array.from({ length: m }, (_, k) => {
      const value = makeEvent(i + k, eventTime(i + k));
      bytes += value.length;
      return { topic, partition, value };
    });
    inFlight.push(producer.send(records));
    if (inFlight.length >= 8) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return bytes;
}

async function preload(a: KafkaAdminClient): Promise<number> {
  await a.createTopics([
    { name: preloaded, numPartitions: PARTITIONS },
    { name: live, numPartitions: PARTITIONS },
  ]);
  const producer = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, acks: 1, "enable.idempotence": false });
  const t0 = performance.now();
  // Event time advances 20k events a second, so the topic covers several 10 s windows.
  const base = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS;
  try {
    const bytes = await produce(preloaded, 0, EVENTS, (i) => base + Math.floor(i / 20), producer);
    console.log(`pre-loaded ${EVENTS.toLocaleString()} YSB events (${(bytes / 1e6).toFixed(0)} MB, ${(bytes / EVENTS).toFixed(0)} bytes each) into ${PARTITIONS} partitions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return bytes;
  } finally {
    await producer.close();
  }
}

/** The baseline: fetch every record with the same client, then parse/filter/join/count them on this thread. */
/** CPU time of this process (every thread, so local[N]'s executors too) since `from`, in seconds. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

async function handWritten(parse: "JSON.parse" | "extractor"): Promise<{ rate: number; perCpu: number; counts: Counts }> {
  const fields = new JsonFieldExtractor(["event_type", "ad_id", "event_time"]);
  const consumer = KafkaClients.consumer({ "bootstrap.servers": BOOTSTRAP, "group.id": `bench-ysb-raw-${run}`, ...FETCH });
  try {
    const ends = await admin.endOffsets(Array.from({ length: PARTITIONS }, (_, p) => ({ topic: preloaded, partition: p })));
    consumer.assign(ends);
    const counts: Counts = new Map();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let n = 0;
    for (const e of ends) {
      const records = await consumer.fetchRange(e, 0, e.offset, { timeoutMs: 60_000 });
      n += records.length;
      for (const r of records) {
        let type: unknown, ad: unknown, time: unknown;
        if (parse === "extractor") [type, ad, time] = fields.extract(r.value!);
        else ({ event_type: type, ad_id: ad, event_time: time } = JSON.parse(r.value?.toString("utf8") ?? "null") as Record<string, unknown>);
        if (type !== "view") continue;
        const campaign = adToCampaign.get(ad as string);
        if (campaign === undefined) continue;
        const k = keyOf(campaign, Math.floor(Number(time) / WINDOW_MS));
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    if (n !== EVENTS) throw new Error(`bench:ysb: the hand-written loop read ${n} events, expected ${EVENTS}`);
    return { rate: n / ((performance.now() - t0) / 1000), perCpu: n / cpuSeconds(c0), counts };
  } finally {
    await consumer.close();
  }
}

interface PipelineRun {
  batches: BatchInfo[];
  counts: Counts;
  /** Date.now() of each window key's last update. */
  lastUpdate: Map<string, number>;
  wallMs: number;
  /** CPU seconds the process had spent since the start when each of `batches` completed. */
  cpuAtBatch: number[];
}

/**
 * Runs YSB from the start of `topic` with a fresh group until `until` says stop, merging each
 * batch's window counts on the driver.
 */
async function pipeline(sc: SparkContext, topic: string, ratePerPartition: number, until: (records: number) => boolean, timeoutMs: number): Promise<PipelineRun> {
  sc.conf.set("spark.streaming.kafka.maxRatePerPartition", String(ratePerPartition));
  const ssc = new StreamingContext(sc, Seconds(BATCH_MS / 1000));
  const c0 = process.cpuUsage();
  const campaignOf = sc.broadcast(adToCampaign);
  const windowMs = WINDOW_MS;
  const fields = new JsonFieldExtractor(["event_type", "ad_id", "event_time"]);
  // The value as a view of the fetched bytes: the extractor reads UTF-8 itself, so no string per event.
  const params = { "value.deserializer": (b: Buffer | null) => b, "bootstrap.servers": BOOTSTRAP, "group.id": `bench-ysb-${run}-${Math.random().toString(36).slice(2)}`, "auto.offset.reset": "earliest", ...FETCH };
  const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], params));
  const windowCounts = stream
    .map((r) => fields.extract(r.value!))
    .filter((e) => e[0] === "view")
    .map((e) => [e[1] as string, Number(e[2])] as [string, number])
    .flatMap(([ad, time]) => {
      const campaign = campaignOf.value.get(ad);
      return campaign === undefined ? [] : [[[campaign, Math.floor(time / windowMs)], 1] as [[string, number], number]];
    })
    .reduceByKey((a, b) => a + b);
  const counts: Counts = new Map();
  const lastUpdate = new Map<string, number>();
  windowCounts.foreachRDD(async (rdd) => {
    const part = await rdd.collect();
    const now = Date.now();
    for (const [[campaign, window], n] of part) {
      const k = keyOf(campaign, window);
      counts.set(k, (counts.get(k) ?? 0) + n);
      lastUpdate.set(k, now);
    }
  });
  const done: BatchInfo[] = [];
  const cpuAtBatch: number[] = [];
  let records = 0;
  let resolveDone: () => void = () => undefined;
  const finished = new Promise<void>((r) => (resolveDone = r));
  ssc.addStreamingListener({
    onBatchCompleted: (e) => {
      done.push(e.batchInfo);
      cpuAtBatch.push(cpuSeconds(c0));
      records += e.batchInfo.numRecords;
      if (until(records)) resolveDone();
    },
  });
  const t0 = performance.now();
  ssc.start();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => (timer = setTimeout(() => reject(new Error(`bench:ysb: the pipeline did not finish in ${timeoutMs / 1000} s (${records} records read)`)), timeoutMs)));
  try {
    await Promise.race([finished, timeout, ssc.awaitTermination()]);
  } finally {
    clearTimeout(timer);
    await ssc.stop({ stopSparkContext: false });
  }
  return { batches: done, counts, lastUpdate, wallMs: performance.now() - t0, cpuAtBatch };
}

function checkCounts(what: string, got: Counts, want: Counts): void {
  const diffs: string[] = [];
  for (const [k, n] of want) if (got.get(k) !== n) diffs.push(`${k}: ${got.get(k) ?? 0} ≠ ${n}`);
  for (const k of got.keys()) if (!want.has(k)) diffs.push(`${k}: ${got.get(k)} ≠ 0`);
  if (diffs.length > 0) throw new Error(`bench:ysb: ${what}: ${diffs.length} window counts differ from the hand-written loop's, e.g. ${diffs.slice(0, 3).join("; ")}`);
}

/** Events per second of processing time over the batches after the first one that read records (it warms up). */
function capacity(r: PipelineRun): number {
  const nonEmpty = r.batches.filter((b) => b.numRecords > 0);
  const steady = nonEmpty.length > 1 ? nonEmpty.slice(1) : nonEmpty;
  const records = steady.reduce((n, b) => n + b.numRecords, 0);
  const ms = steady.reduce((n, b) => n + (b.processingDelay ?? 0), 0);
  return ms > 0 ? (records / ms) * 1000 : 0;
}

/**
 * Events per CPU-second of the whole process (every thread: executors, GC, sockets) over the
 * same batches as `capacity`: the per-core figure, which other work on a shared machine disturbs
 * far less than wall time, and which leaves out the first batch's warm-up (executor threads
 * loading their modules).
 */
function perCpuSecond(r: PipelineRun): number {
  const nonEmpty = r.batches.flatMap((b, i) => (b.numRecords > 0 ? [i] : []));
  if (nonEmpty.length < 2) return 0;
  const records = nonEmpty.slice(1).reduce((n, i) => n + r.batches[i]!.numRecords, 0);
  return records / (r.cpuAtBatch[nonEmpty[nonEmpty.length - 1]!]! - r.cpuAtBatch[nonEmpty[0]!]!);
}

function describe(r: PipelineRun): string {
  return r.batches.filter((b) => b.numRecords > 0).map((b) => `${b.numRecords}/${b.processingDelay}ms+${b.schedulingDelay}ms`).join(" ");
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** Runs `f` under the in-thread CPU profiler when BENCH_YSB_PROFILE is set, writing `<dir>/<name>.cpuprofile`. */
async function profiled<T>(name: string, f: () => Promise<T>): Promise<T> {
  if (PROFILE_DIR === undefined) return f();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  try {
    return await f();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    mkdirSync(PROFILE_DIR, { recursive: true });
    const file = join(PROFILE_DIR, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`  CPU profile written to ${file}`);
    session.disconnect();
  }
}

async function throughput(master: string, want: Counts): Promise<{ master: string; capacity: number; drain: number; perCpu: number }> {
  const sc = new SparkContext({ master, appName: `bench-ysb-${master}`, conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false" } });
  try {
    const run = (): Promise<PipelineRun> => pipeline(sc, preloaded, Math.ceil(EVENTS / PARTITIONS / 5), (n) => n >= EVENTS, 300_000);
    const r = master === "local[1]" ? await profiled("ysb-local1", run) : await run();
    checkCounts(master, r.counts, want);
    const cap = capacity(r);
    // Drain: from the start to the batch that read the last record, batch intervals included.
    const drain = EVENTS / (r.wallMs / 1000);
    const perCpu = perCpuSecond(r);
    console.log(`  ${master}: ${Math.round(cap).toLocaleString()} events/s of processing, ${Math.round(perCpu).toLocaleString()} events per CPU-second, drained at ${Math.round(drain).toLocaleString()}/s; counts match  [${describe(r)}]`);
    return { master, capacity: cap, drain, perCpu };
  } finally {
    await sc.stop();
  }
}

/** local[2] on a topic written live at RATE events/s stamped with the time of writing. */
async function latency(): Promise<{ p50: number; p99: number; max: number; windows: number; keys: number }> {
  const sc = new SparkContext({ master: "local[2]", appName: "bench-ysb-latency", conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false" } });
  const producer = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, acks: 1, "enable.idempotence": false });
  const total = RATE * LIVE_SECONDS;
  const want: Counts = new Map();
  let produced = 0;
  let stopAt = 0;
  const writer = (async () => {
    // Start at a window boundary so that every window but the last is whole.
    await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS)));
    const t0 = Date.now();
    stopAt = t0 + LIVE_SECONDS * 1000;
    const tick = 50;
    while (Date.now() < stopAt) {
      const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * RATE));
      if (due > produced) {
        const from = produced;
        const n = due - from;
        produced = due;
        const now = Date.now();
        for (let i = from; i < from + n; i++) {
          if (EVENT_TYPES[(i * 13 + (i >>> 3)) % EVENT_TYPES.length] !== "view") continue;
          const k = keyOf(adToCampaign.get(ads[(i * 31 + (i >>> 5)) % ads.length]!)!, Math.floor(now / WINDOW_MS));
          want.set(k, (want.get(k) ?? 0) + 1);
        }
        await produce(live, from, n, () => now, producer);
      }
      await new Promise((r) => setTimeout(r, tick));
    }
  })();
  try {
    let writerDone = false;
    void writer.then(() => (writerDone = true));
    const r = await pipeline(sc, live, RATE, (n) => writerDone && n >= produced, (LIVE_SECONDS + 90) * 1000);
    await writer;
    checkCounts("live local[2]", r.counts, want);
    // Whole windows only: those that ended before the writer stopped.
    const lat: number[] = [];
    const windows = new Set<number>();
    for (const [k, at] of r.lastUpdate) {
      const window = Number(k.slice(k.lastIndexOf("/") + 1));
      const end = (window + 1) * WINDOW_MS;
      if (end > stopAt) continue;
      windows.add(window);
      lat.push(at - end);
    }
    const late = r.batches.filter((b) => b.numRecords > 0);
    console.log(`  live local[2] at ${RATE.toLocaleString()} events/s for ${LIVE_SECONDS} s: ${produced.toLocaleString()} events; counts match; total delay p50 ${percentile(late.map((b) => b.totalDelay ?? 0), 50)} ms`);
    return { p50: percentile(lat, 50), p99: percentile(lat, 99), max: Math.max(...lat), windows: windows.size, keys: lat.length };
  } finally {
    await producer.close();
    await sc.stop();
  }
}

try {
  await preload(admin);
  const base = await handWritten("JSON.parse");
  const ext = await profiled("ysb-loop-extractor", () => handWritten("extractor"));
  checkCounts("the extractor loop", ext.counts, base.counts);
  console.log(`  hand-written loop (one thread): JSON.parse ${Math.round(base.rate).toLocaleString()} events/s (${Math.round(base.perCpu).toLocaleString()} per CPU-second), JsonFieldExtractor ${Math.round(ext.rate).toLocaleString()} events/s (${Math.round(ext.perCpu).toLocaleString()} per CPU-second), ${base.counts.size} [campaign, window] counts`);
  const one = await throughput("local[1]", base.counts);
  if (ONLY !== "local[1]") {
    const two = await throughput("local[2]", base.counts);
    const lat = await latency();
    const f = (n: number): string => Math.round(n).toLocaleString().padStart(11);
    console.log("");
    console.log(`YSB: JSON parse → filter view → [ad_id, event_time] → broadcast join to campaign → count per [campaign, 10 s window]; ${PARTITIONS} partitions, 1 s batches`);
    console.log(`  hand-written loop, one thread, JSON.parse (baseline)       ${f(base.rate)} events/s, ${f(base.perCpu)} per CPU-second`);
    console.log(`  hand-written loop, one thread, JsonFieldExtractor (baseline) ${f(ext.rate)} events/s, ${f(ext.perCpu)} per CPU-second`);
    console.log(`  dstream (JsonFieldExtractor on the value bytes):`);
    for (const r of [one, two]) {
      console.log(`  ${r.master.padEnd(9)} processing capacity       ${f(r.capacity)} events/s   ${(r.capacity / base.rate).toFixed(2)}x of the JSON.parse loop, ${(r.capacity / ext.rate).toFixed(2)}x of the extractor loop; drain incl. batch waits ${Math.round(r.drain).toLocaleString()}/s`);
      console.log(`  ${"".padEnd(9)} per CPU-second            ${f(r.perCpu)} events      ${(r.perCpu / ext.perCpu).toFixed(2)}x of the extractor loop's`);
    }
    console.log(`  local[2] / local[1] = ${(two.capacity / Math.max(1, one.capacity)).toFixed(2)}x capacity`);
    console.log(`  window result after the window's end (${lat.windows} whole windows, ${lat.keys} campaign windows, ${RATE.toLocaleString()} events/s): p50 ${lat.p50} ms, p99 ${lat.p99} ms, max ${lat.max} ms = ${(lat.p50 / BATCH_MS).toFixed(2)} / ${(lat.p99 / BATCH_MS).toFixed(2)} / ${(lat.max / BATCH_MS).toFixed(2)} batch intervals`);
    console.log(`  (bench ran ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
} finally {
  await admin.deleteTopics([preloaded, live]).catch(() => undefined);
  await admin.close();
}
