import { IllegalArgumentException } from "../../core/errors.js";
import type { Partitioner } from "../../core/partitioner/Partitioner.js";
import { userFn } from "../../core/rdd/api/userFunction.js";
import { toDuration, type DurationLike } from "../Duration.js";
import { at, streamPartitioner } from "../dstream/api/streamOps.js";
import type { EventTimeDStream } from "./EventTimeDStream.js";
import { EventTimeWindowedDStream } from "./EventTimeWindowedDStream.js";

/** How records are assigned to windows: epoch-aligned [start, start + length) every `slide`, or sessions split by `gap`. */
export type WindowAssigner = { kind: "sliding"; length: number; slide: number } | { kind: "session"; gap: number };

/**
 * When a window's value is emitted: "append" once, when the watermark passes its end plus the
 * allowed lateness (it can no longer change); "update" in every batch that changed it.
 */
export type OutputMode = "append" | "update";

/** The options of an event-time window aggregation. */
export interface EventTimeWindowOptions {
  outputMode?: OutputMode;
  /** How long after the watermark passes a window's end it still takes records (Flink's allowedLateness). Default 0. */
  allowedLateness?: DurationLike;
  numPartitions?: number;
  partitioner?: Partitioner;
}

/** One window's result for a key: the window [start, end) in epoch milliseconds and its value. */
export interface WindowResult<A> {
  start: number;
  end: number;
  value: A;
}

/** The windows of an event-time pair stream, waiting for the aggregation that fills them. */
export class EventTimeWindows<K, V> {
  /** @internal */
  constructor(
    private readonly stream: EventTimeDStream<[K, V]>,
    private readonly assigner: WindowAssigner,
    private readonly op: string,
  ) {}

  /** Each window's values combined with `reduceFunc` (associative and commutative: records arrive in any order). */
  reduce(reduceFunc: (a: V, b: V) => V, options?: EventTimeWindowOptions): EventTimeWindowedDStream<K, V, V> {
    userFn(`${this.op}.reduce`, reduceFunc, "reduce function");
    return this.build(identity as (v: V) => V, reduceFunc, reduceFunc, options, "reduce");
  }

  /** Spark's combineByKey functions, per window: the first value makes the combiner, later ones are merged in. */
  aggregate<A>(createCombiner: (v: V) => A, mergeValue: (a: A, v: V) => A, mergeCombiners: (a: A, b: A) => A, options?: EventTimeWindowOptions): EventTimeWindowedDStream<K, V, A> {
    userFn(`${this.op}.aggregate`, createCombiner, "createCombiner");
    userFn(`${this.op}.aggregate`, mergeValue, "mergeValue");
    userFn(`${this.op}.aggregate`, mergeCombiners, "mergeCombiners");
    return this.build(createCombiner, mergeValue, mergeCombiners, options, "aggregate");
  }

  /** The number of records per key and window. */
  count(options?: EventTimeWindowOptions): EventTimeWindowedDStream<K, V, number> {
    return this.build(one, countOne as (a: number, v: V) => number, sum, options, "count");
  }

  private build<A>(create: (v: V) => A, mergeValue: (a: A, v: V) => A, mergeCombiners: (a: A, b: A) => A, options: EventTimeWindowOptions = {}, agg: string): EventTimeWindowedDStream<K, V, A> {
    const op = `${this.op}.${agg}`;
    if (typeof options !== "object" || options === null) throw new TypeError(`${op}: options must be an object such as { outputMode: "append" }, got ${String(options)}`);
    const mode = options.outputMode ?? "append";
    if (mode !== "append" && mode !== "update") throw new IllegalArgumentException(`${op}: outputMode must be "append" or "update", got ${JSON.stringify(mode)}`);
    const lateness = toDuration(options.allowedLateness ?? 0, `${op}: allowedLateness`);
    if (lateness.milliseconds < 0) throw new IllegalArgumentException(`${op}: allowedLateness must not be negative, got ${lateness}; use Milliseconds(0) or more`);
    const partitioner = streamPartitioner(this.stream, op, options.partitioner ?? options.numPartitions);
    const stream = new EventTimeWindowedDStream<K, V, A>(this.stream, this.assigner, { create, mergeValue, mergeCombiners }, mode, lateness.milliseconds, partitioner);
    return at(stream, this.op);
  }
}

function identity<V>(v: V): V {
  return v;
}
function one(): number {
  return 1;
}
function countOne(a: number): number {
  return a + 1;
}
function sum(a: number, b: number): number {
  return a + b;
}
