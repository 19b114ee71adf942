/**
 * A small stateful application for in-process recovery tests: on a ManualClock, batch i reads
 * the words w(i mod 3) and w(i mod 5), and updateStateByKey keeps their totals. Every context
 * gets its own SparkContext, as an application's creating function would make it.
 */
import { Milliseconds, Seconds, SparkContext, StreamingContext, InputDStream, ManualClock, StateSpec, type DStream, type RDD, type State, type Time } from "../../../src/index.js";
import { waitUntil } from "./childApp.js";

/** Batch i (from 1) holds w(i mod 3) and w(i mod 5): recomputable from the batch time alone, like a replayable source. */
export class WordsByBatch extends InputDStream<string> {
  /** Every batch time computed, across contexts, so tests can see what recovery recomputed. */
  static readonly computed: number[] = [];
  start(): void {}
  stop(): void {}
  compute(t: Time): RDD<string> {
    WordsByBatch.computed.push(t.milliseconds);
    const i = (t.milliseconds - this.zeroTime!.milliseconds) / this.slideDuration.milliseconds;
    return this.context.sparkContext.parallelize(wordsOf(i), 2);
  }
}

export function wordsOf(i: number): string[] {
  return [`w${i % 3}`, `w${i % 5}`];
}

/** The totals after batches 1..n. */
export function totalsAfter(n: number): Array<[string, number]> {
  const m = new Map<string, number>();
  for (let i = 1; i <= n; i++) for (const w of wordsOf(i)) m.set(w, (m.get(w) ?? 0) + 1);
  return [...m].sort(([a], [b]) => (a < b ? -1 : 1));
}

export interface AppOptions {
  master?: string;
  /** Variations of the graph, for the changed-graph tests. */
  variant?: "same" | "changedFunction" | "extraOperator" | "changedWindow" | "mapWithState";
  batchMs?: number;
}

export type Outputs = Map<number, Array<[string, number]>>;

/** A creating function for StreamingContext.getOrCreate; outputs land in `outputs` by batch time. */
export function wordTotalsApp(dir: string, clock: ManualClock, outputs: Outputs, options: AppOptions = {}): () => StreamingContext {
  return () => {
    const ssc = new StreamingContext({
      master: options.master ?? "local[2]",
      appName: "recovery-in-process",
      batchDuration: Milliseconds(options.batchMs ?? 1000),
      clock,
      conf: { "spark.ui.enabled": "false" },
    });
    ssc.checkpoint(dir);
    const pairs = new WordsByBatch(ssc).map((w) => [w, 1] as [string, number]);
    const variant = options.variant ?? "same";
    let totals: DStream<[string, number]>;
    if (variant === "mapWithState") {
      totals = pairs
        .mapWithState(
          StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
            const sum = (state.getOption() ?? 0) + (value ?? 0);
            state.update(sum);
            return [key, sum] as [string, number];
          }),
        )
        .stateSnapshots();
    } else {
      const source = variant === "extraOperator" ? pairs.filter(() => true) : pairs;
      totals =
        variant === "changedFunction"
          ? source.updateStateByKey((values: number[], state: number | undefined) => (state ?? 0) + values.length * 1)
          : source.updateStateByKey((values: number[], state: number | undefined) => (state ?? 0) + values.length);
      totals.checkpoint(Seconds(2));
    }
    if (variant === "changedWindow") totals = totals.window(Seconds(3), Seconds(1));
    else if (variant === "same" || variant === "changedFunction" || variant === "extraOperator") totals = totals.window(Seconds(2), Seconds(1));
    totals.foreachRDD(async (rdd, time) => {
      const rows = (await rdd.collect()) as Array<[string, number]>;
      // A window repeats keys; the newest total of a key is its largest.
      const latest = new Map<string, number>();
      for (const [k, v] of rows) latest.set(k, Math.max(latest.get(k) ?? 0, v));
      outputs.set(time.milliseconds, [...latest].sort(([a], [b]) => (a < b ? -1 : 1)));
    });
    return ssc;
  };
}

/** Stops a context and its SparkContext; waits (by condition) until another SparkContext may start. */
export async function stopAll(ssc: StreamingContext | undefined): Promise<void> {
  if (ssc) await ssc.stop();
  await waitUntil(() => (SparkContext.getActive() === undefined ? true : undefined), 30_000, "the SparkContext has stopped");
}

/** Runs `body` with everything the logger writes to stderr captured, and returns it. */
export async function captureLog<T>(body: () => Promise<T>): Promise<{ value: T; log: string }> {
  const original = process.stderr.write.bind(process.stderr);
  let log = "";
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    log += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    return { value: await body(), log };
  } finally {
    process.stderr.write = original;
  }
}
