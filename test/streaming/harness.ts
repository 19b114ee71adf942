/**
 * Spark's TestSuiteBase, for node:test: input batches feed a TestInputStream (2 partitions,
 * split by position), the ManualClock is advanced by whole batches, and every batch's output
 * is collected, empty batches included. One SparkContext per master is shared by the tests
 * of a file (starting worker threads costs about a second); each test gets its own
 * StreamingContext, clock and checkpoint directory.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  SparkContext,
  StreamingContext,
  ManualClock,
  InputDStream,
  Milliseconds,
  Seconds,
  type DStream,
  type Duration,
  type RDD,
  type Time,
} from "../../src/index.js";
import { sparkString } from "../../src/core/util/sparkString.js";

export const MASTERS = ["local[1]", "local[2]"] as const;
export type Master = (typeof MASTERS)[number];

/** Spark's TestInputStream: batch i (from 1) reads input[i - 1]; past the end, empty batches; a null entry, no RDD. */
export class TestInputStream<T> extends InputDStream<T> {
  constructor(
    ssc: StreamingContext,
    private readonly input: ReadonlyArray<readonly T[] | null>,
    private readonly numPartitions = 2,
  ) {
    super(ssc);
  }

  start(): void {}

  stop(): void {}

  compute(validTime: Time): RDD<T> | undefined {
    const index = (validTime.milliseconds - this.zeroTime!.milliseconds) / this.slideDuration.milliseconds - 1;
    const selected = index < this.input.length ? this.input[index] : [];
    if (selected === null || selected === undefined) return undefined;
    return this.context.sparkContext.parallelize([...selected], this.numPartitions);
  }
}

export interface RunOptions {
  batchDuration?: Duration;
  /** Batches to run; defaults to the number of expected outputs (times slide/batch for windows). */
  numBatches?: number;
  /** Compare each batch as a multiset rather than a sequence (Spark's useSet). */
  useSet?: boolean;
  conf?: Record<string, string>;
}

/** One shared SparkContext per master, and fresh streaming contexts for each test. */
export class StreamingHarness {
  private sc: SparkContext | undefined;
  private readonly dirs: string[] = [];

  constructor(readonly master: Master) {}

  sparkContext(): SparkContext {
    if (!this.sc || this.sc.isStopped()) this.sc = new SparkContext({ master: this.master, appName: "dstream-streaming-test" });
    return this.sc;
  }

  /** Stops the shared SparkContext, for tests that need their own; the next test starts a new one. */
  async releaseSparkContext(): Promise<void> {
    await StreamingContext.getActive()?.stop({ stopSparkContext: false });
    if (this.sc) await this.sc.stop();
    this.sc = undefined;
  }

  tempDir(prefix = "dstream-test-"): string {
    const d = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }

  /** A StreamingContext on the shared SparkContext with a ManualClock and a checkpoint directory. */
  newContext(batchDuration: Duration = Seconds(1), checkpoint = true): { ssc: StreamingContext; clock: ManualClock; sc: SparkContext } {
    const sc = this.sparkContext();
    const clock = new ManualClock();
    const ssc = new StreamingContext(sc, batchDuration, { clock });
    if (checkpoint) ssc.checkpoint(this.tempDir("dstream-cp-"));
    return { ssc, clock, sc };
  }

  /** Runs `body` with a fresh context and always stops the context (never the shared SparkContext). */
  async withContext<R>(body: (ctx: { ssc: StreamingContext; clock: ManualClock; sc: SparkContext }) => Promise<R>, batchDuration?: Duration, checkpoint = true): Promise<R> {
    const ctx = this.newContext(batchDuration, checkpoint);
    try {
      return await body(ctx);
    } finally {
      await ctx.ssc.stop({ stopSparkContext: false });
    }
  }

  /** Runs `operation` on the input batches and returns every batch's collected output. */
  async runStreams<U, V>(
    inputs: ReadonlyArray<ReadonlyArray<readonly U[] | null>>,
    operation: (...streams: Array<DStream<U>>) => DStream<V>,
    numBatches: number,
    batchDuration: Duration = Seconds(1),
  ): Promise<V[][]> {
    return this.withContext(async ({ ssc, clock }) => {
      const streams = inputs.map((input) => new TestInputStream<U>(ssc, input));
      const outputs: V[][] = [];
      operation(...(streams as Array<DStream<U>>)).foreachRDD(async (rdd) => {
        outputs.push(await rdd.collect());
      });
      ssc.start();
      await clock.advance(numBatches * batchDuration.milliseconds);
      await ssc.awaitTerminationOrTimeout(0);
      return outputs;
    }, batchDuration);
  }

  /** Spark's testOperation: run, then compare with `expected` batch by batch. */
  async testOperation<U, V>(
    input: ReadonlyArray<readonly U[] | null>,
    operation: (s: DStream<U>) => DStream<V>,
    expected: ReadonlyArray<readonly V[]>,
    options: RunOptions = {},
  ): Promise<void> {
    const out = await this.runStreams([input], (s) => operation(s), options.numBatches ?? expected.length, options.batchDuration);
    verifyOutput(out, expected, options.useSet ?? false);
  }

  /** Spark's two-input testOperation. */
  async testOperation2<U, W, V>(
    input1: ReadonlyArray<readonly U[] | null>,
    input2: ReadonlyArray<readonly W[] | null>,
    operation: (a: DStream<U>, b: DStream<W>) => DStream<V>,
    expected: ReadonlyArray<readonly V[]>,
    options: RunOptions = {},
  ): Promise<void> {
    const out = await this.runStreams<U | W, V>(
      [input1 as ReadonlyArray<readonly (U | W)[] | null>, input2 as ReadonlyArray<readonly (U | W)[] | null>],
      (a, b) => operation(a as DStream<U>, b as DStream<W>),
      options.numBatches ?? expected.length,
      options.batchDuration,
    );
    verifyOutput(out, expected, options.useSet ?? false);
  }

  async close(): Promise<void> {
    await StreamingContext.getActive()?.stop({ stopSparkContext: false });
    if (this.sc) await this.sc.stop();
    this.sc = undefined;
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

/** Spark's verifyOutput: same number of batches; each batch equal as a sequence, or as a multiset with useSet. */
export function verifyOutput<V>(output: ReadonlyArray<readonly V[]>, expected: ReadonlyArray<readonly V[]>, useSet: boolean): void {
  assert.equal(output.length, expected.length, `Number of outputs do not match: got ${show(output)}, expected ${show(expected)}`);
  for (let i = 0; i < output.length; i++) {
    if (useSet) assert.deepEqual(sortBatch(output[i]!), sortBatch(expected[i]!), `batch ${i + 1}`);
    else assert.deepEqual(output[i], expected[i], `batch ${i + 1}`);
  }
}

/** A batch in a canonical order, for multiset comparison: sorted by Spark's string form. */
export function sortBatch<V>(batch: readonly V[]): V[] {
  return [...batch].sort((a, b) => compareCanonical(a, b));
}

export function compareCanonical(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = sparkString(a);
  const y = sparkString(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function show(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (v === undefined ? "<undefined>" : v));
}

export { Milliseconds, Seconds };
