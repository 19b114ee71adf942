/**
 * Shared pieces of the direct-stream tests: one SparkContext per suite and master (worker threads
 * take a second to start), a fresh StreamingContext on a ManualClock per test (batches at 1000,
 * 2000, ... ms, each complete when `advance` settles), and a wait-for-condition helper.
 */
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { ManualClock, Seconds, SparkContext, StreamingContext, type Duration } from "../../../../src/index.js";
import type { ConsumerRecord, DirectKafkaInputDStream, OffsetRange } from "../../../../src/connectors/kafka/index.js";
import { BOOTSTRAP, uniqueTopic } from "../broker.js";

export const MASTERS = ["local[1]", "local[2]"] as const;

/** Kafka parameters for a stream reading from the test broker, in a group no other test uses. */
export function streamParams(extra: Record<string, unknown> = {}): { "bootstrap.servers": string; "group.id": string; "auto.offset.reset": string } & Record<string, unknown> {
  return { "bootstrap.servers": BOOTSTRAP, "group.id": uniqueTopic("group"), "auto.offset.reset": "earliest", "fetch.max.wait.ms": 100, ...extra };
}

/** A SparkContext for the calling suite, created before its first test and stopped after its last. */
export function suiteContext(master: string, conf: Record<string, string> = {}): () => SparkContext {
  let sc: SparkContext | undefined;
  before(() => {
    sc = new SparkContext({ master, appName: "kafka-stream-test", conf: { "spark.streaming.kafka.consumer.poll.ms": "20000", ...conf } });
  });
  after(async () => {
    await sc?.stop();
  });
  return () => {
    if (!sc) throw new Error("the suite's SparkContext is not running");
    return sc;
  };
}

export interface StreamingRun {
  readonly ssc: StreamingContext;
  readonly clock: ManualClock;
}

/** Runs `body` with a new StreamingContext on a ManualClock over `sc`, and always stops it (leaving `sc` running). */
export async function withStreaming<R>(sc: SparkContext, body: (run: StreamingRun) => Promise<R>, batch: Duration = Seconds(1)): Promise<R> {
  const clock = new ManualClock();
  const ssc = new StreamingContext(sc, batch, { clock });
  try {
    return await body({ ssc, clock });
  } finally {
    await ssc.stop({ stopSparkContext: false });
  }
}

/** Polls `condition` until it holds; fails naming `what` if it never does (a hang guard, not a timing assertion). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every batch's offset ranges and the (partition, offset) of every record it read, in batch order. */
export function recordBatches<K, V>(stream: DirectKafkaInputDStream<K, V>): Array<{ time: number; ranges: readonly OffsetRange[]; read: Array<[string, number, number]> }> {
  const out: Array<{ time: number; ranges: readonly OffsetRange[]; read: Array<[string, number, number]> }> = [];
  stream.foreachRDD(async (rdd, time) => {
    const ranges = rdd.offsetRanges;
    const read = await rdd.map((r: ConsumerRecord<K, V>) => [r.topic, r.partition, r.offset] as [string, number, number]).collect();
    out.push({ time: time.milliseconds, ranges, read });
  });
  return out;
}

/** Asserts that, per partition, the ranges begin at `start`, chain with no gap or overlap, and that each batch read exactly its range. */
export function assertContiguous(
  batches: ReadonlyArray<{ ranges: readonly OffsetRange[]; read: ReadonlyArray<[string, number, number]> }>,
  start: ReadonlyMap<string, number>,
): Map<string, number> {
  const position = new Map(start);
  for (const [i, b] of batches.entries()) {
    for (const r of b.ranges) {
      const key = `${r.topic}-${r.partition}`;
      assert.equal(r.fromOffset, position.get(key) ?? 0, `batch ${i}: ${r} begins where the previous batch of ${key} ended`);
      assert.ok(r.untilOffset >= r.fromOffset);
      position.set(key, r.untilOffset);
      const offsets = b.read.filter(([t, p]) => t === r.topic && p === r.partition).map(([, , o]) => o).sort((x, y) => x - y);
      assert.deepEqual(offsets, Array.from({ length: r.count() }, (_, k) => r.fromOffset + k), `batch ${i} read exactly ${r}`);
    }
  }
  return position;
}

