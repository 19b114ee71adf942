/**
 * npm run bench:kafka — Kafka → word count → Kafka at a 1 s batch interval, on the broker at
 * KAFKA_BOOTSTRAP (default 127.0.0.1:9092; start one with `bash scripts/kafka.sh start`).
 *
 * It pre-loads a topic with several partitions, then, for local[1] and local[2]:
 *   1. capacity: runs the direct stream with a high rate cap and measures records per second of
 *      processing time (each batch reads from Kafka in the executors, counts words, and writes
 *      the counts to an output topic with KafkaSink from the executors);
 *   2. sustainable rate: runs at 90% of that capacity (spark.streaming.kafka.maxRatePerPartition)
 *      and checks that every batch finishes within its 1 s interval with no growing scheduling
 *      delay; if not, lowers the rate by 15% and tries again.
 * The limit is a raw consumer loop with the same client (fetching every record, nothing else).
 * Also reported: the capacity of the exactly-once sink (one transaction per batch on the driver).
 *
 * Environment: BENCH_RECORDS (3000000), BENCH_PARTITIONS (4), BENCH_BATCHES (5 per check).
 */
import { readFileSync } from "node:fs";
import { Seconds, SparkContext, StreamingContext, type BatchInfo } from "../src/index.js";
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

/** Reads every record of the input with the client the executors use, one partition after another, in this thread. */
async function rawConsumerLoop(): Promise<number> {
  const consumer = KafkaClients.consumer({ "bootstrap.servers": BOOTSTRAP, "group.id": `bench-raw-${run}`, ...FETCH });
  try {
    const ends = await admin.endOffsets(Array.from({ length: PARTITIONS }, (_, p) => ({ topic: input, partition: p })));
    consumer.assign(ends);
    const t0 = performance.now();
    let n = 0;
    for (const e of ends) n += (await consumer.fetchRange(e, 0, e.offset, { timeoutMs: 60_000 })).length;
    if (n !== RECORDS) throw new Error(`raw loop read ${n} records, expected ${RECORDS}`);
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await consumer.close();
  }
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
  const timeout = new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`bench:kafka: ${batches} batches did not complete in time`)), (batches + 30) * 1000));
  try {
    await Promise.race([finished, timeout, ssc.awaitTermination()]);
  } finally {
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

/** The first batch's processing time against the mean of the later ones (the capacity run's batches are the same size). */
function warmup(r: StreamRun): { first: number; steady: number; ratio: number } {
  const first = r.batches[0]?.processingDelay ?? 0;
  const later = r.batches.slice(1).map((b) => b.processingDelay ?? 0);
  const steady = later.reduce((a, b) => a + b, 0) / Math.max(1, later.length);
  return { first, steady, ratio: steady > 0 ? first / steady : 0 };
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
  warmup: { first: number; steady: number; ratio: number };
}

async function measure(master: string, withTransactions: boolean): Promise<MasterResult> {
  const sc = new SparkContext({ master, appName: `bench-kafka-${master}`, conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false" } });
  try {
    // Capacity, with a cap high enough that each batch is large.
    const capRun = await streamRun(sc, Math.ceil(RECORDS / PARTITIONS / 4), 4, "executors");
    const cap = capacity(capRun);
    console.log(`  ${master}: capacity ${Math.round(cap).toLocaleString()} records/s of processing  [${describeRun(capRun)}]`);
    const warm = warmup(capRun);
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
    return { master, capacity: cap, sustainable, warmup: warm, ...(txCapacity !== undefined ? { txCapacity } : {}) };
  } finally {
    await sc.stop();
  }
}

try {
  const { bytes } = await preload(admin);
  const avgBytes = bytes / RECORDS;
  const raw = await rawConsumerLoop();
  console.log(`  raw consumer loop: ${Math.round(raw).toLocaleString()} records/s (${((raw * avgBytes) / 1e6).toFixed(1)} MB/s)`);
  const one = await measure("local[1]", false);
  const two = await measure("local[2]", true);
  const f = (n: number): string => Math.round(n).toLocaleString().padStart(11);
  console.log("");
  console.log(`Kafka → word count → Kafka, 1 s batches, ${PARTITIONS} partitions, ${avgBytes.toFixed(0)}-byte lines`);
  console.log(`  raw consumer loop (limit)       ${f(raw)} records/s`);
  for (const r of [one, two]) {
    console.log(`  ${r.master.padEnd(9)} sustainable           ${f(r.sustainable)} records/s   (capacity ${Math.round(r.capacity).toLocaleString()}/s)   ${(r.sustainable / raw).toFixed(2)}x of raw`);
  }
  if (two.txCapacity !== undefined) console.log(`  local[2]  exactly-once capacity ${f(two.txCapacity)} records/s   ${(two.txCapacity / two.capacity).toFixed(2)}x of the at-least-once sink`);
  for (const r of [one, two]) {
    console.log(`  ${r.master.padEnd(9)} first batch ${r.warmup.first} ms vs ${Math.round(r.warmup.steady)} ms steady (same size): ${r.warmup.ratio.toFixed(2)}x`);
  }
  console.log(`  local[2] / local[1] = ${(two.sustainable / Math.max(1, one.sustainable)).toFixed(2)}x sustainable, ${(two.capacity / Math.max(1, one.capacity)).toFixed(2)}x capacity`);
  console.log(`  (bench ran ${((performance.now() - started) / 1000).toFixed(0)} s)`);
} finally {
  await admin.deleteTopics([input, output]).catch(() => undefined);
  await admin.close();
}
