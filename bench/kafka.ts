/**
 * npm run bench:kafka — the Kafka direct word count, on the broker at KAFKA_BOOTSTRAP (default
 * 127.0.0.1:9092; start one with `bash scripts/kafka.sh start`).
 *
 * It pre-loads a topic with several partitions, then runs BENCH_ROUNDS rounds, each with every
 * configuration once, in an order that rotates from round to round (so that a shared machine's
 * load falls on all of them alike), and reports medians as ratios to the client library's raw loop:
 *   - raw loops, one thread, reading every record and nothing else: through the client library
 *     (the baseline) and through dstream's own Fetch and RecordBatch decoder (what executors use);
 *   - drains: a fresh SparkContext and stream at local[1] and local[2] read the whole topic from
 *     the start, in batches of BENCH_BATCH_RECORDS (1 s interval, maxRatePerPartition), count words
 *     and write the counts to Kafka from the executors (KafkaSink.write); also local[2] with
 *     `count()` as its only output. Reported: lines per second from start() to the last batch, the
 *     steady rate (records per second of processing over the last two batches), and the first
 *     batch's processing time against the steady batches' (same size), which shows any warm-up.
 * Then, unless BENCH_SUSTAINED=0, the highest rate at which local[1] and local[2] finish every
 * 1 s batch within its interval, and the exactly-once sink's capacity.
 *
 * Environment: BENCH_RECORDS (3000000), BENCH_PARTITIONS (4), BENCH_ROUNDS (3),
 * BENCH_BATCH_RECORDS (750000), BENCH_BATCHES (5 per sustained check), BENCH_SUSTAINED (1).
 */
import { readFileSync } from "node:fs";
import { Seconds, SparkContext, StreamingContext, type BatchInfo } from "../src/index.js";
import { clientConfigFromParams } from "../src/connectors/kafka/client/KafkaClientConfig.js";
import { KafkaConsumerClient, type FetchPath } from "../src/connectors/kafka/client/KafkaConsumerClient.js";
import { executorConsumerSettings } from "../src/connectors/kafka/KafkaParams.js";
import {
  ConsumerStrategies,
  KafkaClients,
  KafkaSink,
  KafkaUtils,
  LocationStrategies,
  type KafkaAdminClient,
} from "../src/connectors/kafka/index.js";
import { corpusFile } from "./textCorpus.js";

const BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
const RECORDS = Number(process.env.BENCH_RECORDS ?? 3_000_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 4);
const CHECK_BATCHES = Number(process.env.BENCH_BATCHES ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH_RECORDS = Number(process.env.BENCH_BATCH_RECORDS ?? 750_000);
const SUSTAINED = process.env.BENCH_SUSTAINED !== "0";
const FETCH = { "max.partition.fetch.bytes": 8 * 1024 * 1024, "fetch.max.bytes": 64 * 1024 * 1024 };
const started = performance.now();

const admin = KafkaClients.admin({ "bootstrap.servers": BOOTSTRAP });
try {
  await admin.listTopics();
} catch (e) {
  console.error(`bench:kafka: no broker at ${BOOTSTRAP} (${(e as Error).message}). Start one with: bash scripts/kafka.sh start`);
  process.exit(1);
}

const run = Date.now().toString(36);
const input = `bench-kafka-in-${run}`;
const output = `bench-kafka-out-${run}`;

async function preload(a: KafkaAdminClient): Promise<{ bytes: number; words: number }> {
  await a.createTopics([
    { name: input, numPartitions: PARTITIONS },
    { name: output, numPartitions: PARTITIONS },
  ]);
  const lines = readFileSync(corpusFile(8), "utf8").split("\n").filter((l) => l.length > 0);
  const producer = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, acks: 1, "enable.idempotence": false });
  const t0 = performance.now();
  let bytes = 0;
  let words = 0;
  try {
    const CHUNK = 5_000;
    const inFlight: Array<Promise<unknown>> = [];
    for (let i = 0; i < RECORDS; i += CHUNK) {
      const n = Math.min(CHUNK, RECORDS - i);
      const partition = (i / CHUNK) % PARTITIONS;
      const records = Array.from({ length: n }, (_, k) => {
        const value = lines[(i + k) % lines.length]!;
        bytes += value.length;
        words += value.split(" ").length;
        return { topic: input, partition, value };
      });
      inFlight.push(producer.send(records));
      if (inFlight.length >= 8) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    await producer.close();
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`pre-loaded ${RECORDS.toLocaleString()} lines (${(bytes / 1e6).toFixed(0)} MB, ${words.toLocaleString()} words) into ${PARTITIONS} partitions in ${s.toFixed(1)} s`);
  return { bytes, words };
}

/** Reads every record of the input in this thread, one partition after another, through the client library or dstream's own fetch path. */
async function rawLoop(path: FetchPath): Promise<number> {
  const params = { "bootstrap.servers": BOOTSTRAP, ...FETCH };
  const s = executorConsumerSettings(params);
  const consumer = new KafkaConsumerClient(clientConfigFromParams(params, `bench-raw-${run}`), { ...s.consumer, groupId: `bench-raw-${run}`, fetchMaxWaitMs: 500 }, path);
  try {
    const ends = await admin.endOffsets(Array.from({ length: PARTITIONS }, (_, p) => ({ topic: input, partition: p })));
    consumer.assign(ends);
    const t0 = performance.now();
    let n = 0;
    for (const e of ends) n += (await consumer.fetchRecords(e, 0, e.offset, { timeoutMs: 60_000 })).length;
    if (n !== RECORDS) throw new Error(`raw loop (${path}) read ${n} records, expected ${RECORDS}`);
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await consumer.close();
  }
}

interface Drain {
  /** Lines per second from start() to the end of the batch that read the last record. */
  readonly drain: number;
  /** Records per second of processing over the last two full batches. */
  readonly steady: number;
  readonly firstMs: number;
  readonly steadyMs: number;
  readonly batches: BatchInfo[];
}

/**
 * Reads the whole input from the start with a fresh context (so that the first batch pays
 * whatever an application's first batch pays), in batches of BATCH_RECORDS.
 */
async function drain(master: string, output_: "kafka" | "count"): Promise<Drain> {
  const sc = new SparkContext({ master, appName: `bench-kafka-drain-${master}`, conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false" } });
  sc.conf.set("spark.streaming.kafka.maxRatePerPartition", String(Math.ceil(BATCH_RECORDS / PARTITIONS)));
  const ssc = new StreamingContext(sc, Seconds(1));
  const params = { "bootstrap.servers": BOOTSTRAP, "group.id": `bench-drain-${run}-${Math.random().toString(36).slice(2)}`, "auto.offset.reset": "earliest", ...FETCH };
  const counts = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([input], params))
    .map((r) => r.value)
    .flatMap((l) => l.split(" "))
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b);
  if (output_ === "kafka") {
    counts.foreachRDD(async (rdd) => {
      await KafkaSink.write(rdd, output, { kafkaParams: { "bootstrap.servers": BOOTSTRAP, acks: 1, "enable.idempotence": false } });
    });
  } else {
    counts.foreachRDD(async (rdd) => {
      await rdd.count();
    });
  }
  const done: BatchInfo[] = [];
  let seen = 0;
  let resolveDone: () => void = () => undefined;
  const finished = new Promise<void>((r) => (resolveDone = r));
  ssc.addStreamingListener({
    onBatchCompleted: (e) => {
      done.push(e.batchInfo);
      seen += e.batchInfo.numRecords;
      if (seen >= RECORDS) resolveDone();
    },
  });
  const t0 = performance.now();
  ssc.start();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench:kafka: the ${master} drain did not finish in 10 minutes`)), 600_000);
  });
  try {
    await Promise.race([finished, timeout, ssc.awaitTermination()]);
  } finally {
    clearTimeout(timer);
    await ssc.stop({ stopSparkContext: true });
  }
  const seconds = (performance.now() - t0) / 1000;
  const full = done.filter((b) => b.numRecords > 0);
  const lastTwo = full.slice(-3, -1).length === 2 ? full.slice(-3, -1) : full.slice(-2);
  const ms = (bs: BatchInfo[]): number => bs.reduce((n, b) => n + (b.processingDelay ?? 0), 0);
  const later = full.slice(1, -1);
  return {
    drain: RECORDS / seconds,
    steady: (lastTwo.reduce((n, b) => n + b.numRecords, 0) / Math.max(1, ms(lastTwo))) * 1000,
    firstMs: full[0]?.processingDelay ?? 0,
    steadyMs: ms(later) / Math.max(1, later.length),
    batches: done,
  };
}

interface StreamRun {
  batches: BatchInfo[];
}

/**
 * Runs the word count for `batches` batches at `ratePerPartition` records/s per partition
 * (0: no cap) from the start of the input, with a fresh consumer group.
 */
async function streamRun(sc: SparkContext, ratePerPartition: number, batches: number, sink: "executors" | "transactional"): Promise<StreamRun> {
  sc.conf.set("spark.streaming.kafka.maxRatePerPartition", String(ratePerPartition));
  const ssc = new StreamingContext(sc, Seconds(1));
  const params = { "bootstrap.servers": BOOTSTRAP, "group.id": `bench-${run}-${Math.random().toString(36).slice(2)}`, "auto.offset.reset": "earliest", ...FETCH };
  const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([input], params));
  const counts = stream
    .map((r) => r.value)
    .flatMap((l) => l.split(" "))
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b);
  if (sink === "executors") {
    counts.foreachRDD(async (rdd) => {
      await KafkaSink.write(rdd, output, { kafkaParams: { "bootstrap.servers": BOOTSTRAP, acks: 1, "enable.idempotence": false } });
    });
  } else {
    KafkaSink.writeTransactional(counts, output, { kafkaParams: { "bootstrap.servers": BOOTSTRAP }, transactionalId: `bench-${run}-tx` });
  }
  const done: BatchInfo[] = [];
  let resolveDone: () => void = () => undefined;
  const finished = new Promise<void>((r) => (resolveDone = r));
  ssc.addStreamingListener({
    onBatchCompleted: (e) => {
      done.push(e.batchInfo);
      if (done.length >= batches) resolveDone();
    },
  });
  ssc.start();
  let timer: NodeJS.Timeout | undefined;
  // Cleared when the run ends: a timer left behind would reject later and end the whole bench.
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench:kafka: ${batches} batches did not complete in time`)), (batches + 30) * 1000);
  });
  try {
    await Promise.race([finished, timeout, ssc.awaitTermination()]);
  } finally {
    clearTimeout(timer);
    await ssc.stop({ stopSparkContext: false });
  }
  return { batches: done.slice(0, batches) };
}

/** Records per second of processing time over the batches after the first (which warms up). */
function capacity(r: StreamRun): number {
  const steady = r.batches.slice(1).filter((b) => b.numRecords > 0);
  const records = steady.reduce((n, b) => n + b.numRecords, 0);
  const ms = steady.reduce((n, b) => n + (b.processingDelay ?? 0), 0);
  return ms > 0 ? (records / ms) * 1000 : 0;
}

function describeRun(r: StreamRun): string {
  return r.batches.map((b) => `${b.numRecords}/${b.processingDelay}ms+${b.schedulingDelay}ms`).join(" ");
}

/** Sustainable: after the first batch, each batch took less than its 1 s interval and did not wait for an earlier one. */
function sustained(r: StreamRun): boolean {
  return r.batches.slice(1).every((b) => (b.processingDelay ?? Infinity) < 1000 && (b.schedulingDelay ?? Infinity) < 250);
}

interface MasterResult {
  master: string;
  capacity: number;
  sustainable: number;
  txCapacity?: number;
}

async function measure(master: string, withTransactions: boolean): Promise<MasterResult> {
  const sc = new SparkContext({ master, appName: `bench-kafka-${master}`, conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false" } });
  try {
    // Capacity, with a cap high enough that each batch is large.
    const capRun = await streamRun(sc, Math.ceil(RECORDS / PARTITIONS / 4), 4, "executors");
    const cap = capacity(capRun);
    console.log(`  ${master}: capacity ${Math.round(cap).toLocaleString()} records/s of processing  [${describeRun(capRun)}]`);
    let rate = Math.floor((cap * 0.9) / PARTITIONS);
    // The check must not run out of pre-loaded records.
    rate = Math.min(rate, Math.floor(RECORDS / PARTITIONS / (CHECK_BATCHES + 1)));
    let sustainable = 0;
    for (let attempt = 0; attempt < 4 && rate > 0; attempt++) {
      const r = await streamRun(sc, rate, CHECK_BATCHES, "executors");
      const ok = sustained(r);
      console.log(`  ${master}: ${(rate * PARTITIONS).toLocaleString()} records/s ${ok ? "sustained" : "not sustained"}  [${describeRun(r)}]`);
      if (ok) {
        sustainable = rate * PARTITIONS;
        break;
      }
      rate = Math.floor(rate * 0.85);
    }
    let txCapacity: number | undefined;
    if (withTransactions) {
      const tx = await streamRun(sc, Math.ceil(RECORDS / PARTITIONS / 4), 4, "transactional");
      txCapacity = capacity(tx);
      console.log(`  ${master}: exactly-once sink capacity ${Math.round(txCapacity).toLocaleString()} records/s  [${describeRun(tx)}]`);
    }
    return { master, capacity: cap, sustainable, ...(txCapacity !== undefined ? { txCapacity } : {}) };
  } finally {
    await sc.stop();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

try {
  const { bytes } = await preload(admin);
  const avgBytes = bytes / RECORDS;
  type Config = { name: string; run: () => Promise<number | Drain> };
  const configs: Config[] = [
    { name: "raw loop, client library", run: () => rawLoop("library") },
    { name: "raw loop, dstream's decoder", run: () => rawLoop("wire") },
    { name: "local[1] drain", run: () => drain("local[1]", "kafka") },
    { name: "local[2] drain", run: () => drain("local[2]", "kafka") },
    { name: "local[2] drain, count only", run: () => drain("local[2]", "count") },
  ];
  const results = new Map<string, Array<number | Drain>>(configs.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[(i + round) % configs.length]!;
      const r = await c.run();
      results.get(c.name)!.push(r);
      console.log(
        `  round ${round + 1}: ${c.name}: ` +
          (typeof r === "number"
            ? `${Math.round(r).toLocaleString()} records/s`
            : `${Math.round(r.drain).toLocaleString()} lines/s drained, steady ${Math.round(r.steady).toLocaleString()}/s, first batch ${r.firstMs} ms vs ${Math.round(r.steadyMs)} ms  [${describeRun({ batches: r.batches })}]`),
      );
    }
  }
  const nums = (name: string): number[] => results.get(name)!.map((r) => (typeof r === "number" ? r : r.drain));
  const drains = (name: string): Drain[] => results.get(name)!.filter((r): r is Drain => typeof r !== "number");
  const base = median(nums("raw loop, client library"));
  const f = (n: number): string => Math.round(n).toLocaleString().padStart(11);
  const x = (n: number): string => `${(n / base).toFixed(2)}x`;
  console.log("");
  console.log(`Kafka direct word count, ${PARTITIONS} partitions, ${RECORDS.toLocaleString()} ${avgBytes.toFixed(0)}-byte lines, batches of ${BATCH_RECORDS.toLocaleString()}; medians of ${ROUNDS} interleaved rounds`);
  console.log(`  raw loop, client library (baseline) ${f(base)} records/s   1.00x`);
  const wire = median(nums("raw loop, dstream's decoder"));
  console.log(`  raw loop, dstream's own decoder     ${f(wire)} records/s   ${x(wire)}`);
  for (const name of ["local[1] drain", "local[2] drain", "local[2] drain, count only"]) {
    const d = drains(name);
    const dr = median(d.map((r) => r.drain));
    const st = median(d.map((r) => r.steady));
    console.log(`  ${name.padEnd(35)} ${f(dr)} lines/s    ${x(dr)}   steady ${Math.round(st).toLocaleString()}/s (${x(st)})`);
  }
  const one = median(drains("local[1] drain").map((r) => r.drain));
  const two = median(drains("local[2] drain").map((r) => r.drain));
  console.log(`  local[2] / local[1] drain = ${(two / Math.max(1, one)).toFixed(2)}x`);
  for (const name of ["local[1] drain", "local[2] drain", "local[2] drain, count only"]) {
    const d = drains(name);
    const first = median(d.map((r) => r.firstMs));
    const steady = median(d.map((r) => r.steadyMs));
    console.log(`  ${name.padEnd(35)} first batch ${Math.round(first)} ms vs ${Math.round(steady)} ms steady (same size): ${(first / Math.max(1, steady)).toFixed(2)}x`);
  }
  if (SUSTAINED) {
    console.log("");
    const oneS = await measure("local[1]", false);
    const twoS = await measure("local[2]", true);
    for (const r of [oneS, twoS]) {
      console.log(`  ${r.master.padEnd(9)} sustainable at 1 s     ${f(r.sustainable)} records/s   (capacity ${Math.round(r.capacity).toLocaleString()}/s)   ${x(r.sustainable)}`);
    }
    if (twoS.txCapacity !== undefined) console.log(`  local[2]  exactly-once capacity  ${f(twoS.txCapacity)} records/s   ${(twoS.txCapacity / twoS.capacity).toFixed(2)}x of the at-least-once sink`);
  }
  console.log(`  (bench ran ${((performance.now() - started) / 1000).toFixed(0)} s)`);
} finally {
  await admin.deleteTopics([input, output]).catch(() => undefined);
  await admin.close();
}
