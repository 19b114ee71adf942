import type { RDD } from "../../core/rdd/RDD.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { IllegalStateException, SparkException, UnsupportedOperationException, requireArg } from "../../core/errors.js";
import { callSite, withCallSite } from "../../core/rdd/callSite.js";
import { takeRecentUserFunctions } from "../../core/rdd/api/userFunction.js";
import { logger } from "../../core/log.js";
import { Duration, Seconds, positiveDuration, type DurationLike } from "../Duration.js";
import { Time } from "../Time.js";
import { Interval } from "../Interval.js";
import { Job } from "../scheduler/Job.js";
import type { StreamingContext } from "../StreamingContext.js";
import type { DStreamGraph } from "../DStreamGraph.js";
import type { Partitioner } from "../../core/partitioner/Partitioner.js";
import type { StateSpec } from "../state/StateSpec.js";
import type { MapWithStateDStream } from "./MapWithStateDStream.js";
import type { UpdateStateOptions } from "./api/stateOperations.js";
import type { CheckpointJson } from "../checkpoint/CheckpointJson.js";
import type { EventTimeDStream, EventTimeOptions } from "../eventtime/EventTimeDStream.js";

/**
 * A discretized stream: a sequence of RDDs, one per slide interval, each generated from the
 * parents' RDDs of the same time (or, for windows and state, of earlier times).
 *
 * Subclasses say how often they emit (`slideDuration`), what they read (`dependencies`) and how
 * one batch's RDD is built (`compute`). This class keeps the RDDs it generated, persists and
 * checkpoints them as configured, and forgets them once no later batch can need them.
 * The user-facing operations are installed from `api/` files and declared in the interface below.
 */
export abstract class DStream<T> {
  /** @internal */
  ssc: StreamingContext;
  /** @internal RDDs generated so far, by batch time in milliseconds. */
  readonly generatedRDDs = new Map<number, RDD<T>>();
  /** The time before the first batch; undefined until the context starts. */
  zeroTime: Time | undefined = undefined;
  /** @internal How long generated RDDs are kept for later batches (windows, state, slice). */
  rememberDuration: Duration | undefined = undefined;
  /** @internal */
  storageLevel: StorageLevel = StorageLevel.NONE;
  /** @internal */
  checkpointDuration: Duration | undefined = undefined;
  /** @internal */
  graph: DStreamGraph | undefined = undefined;
  /** Where the user defined this stream, e.g. "map at app.ts:12". */
  creationSite: string;
  /** @internal The user functions this stream was defined with, for the checkpoint's graph fingerprint. */
  readonly definedWith: readonly Function[];

  protected constructor(ssc: StreamingContext) {
    if (!ssc || typeof ssc.getState !== "function") {
      throw new TypeError(`${new.target.name}: expected a StreamingContext, got ${String(ssc)}`);
    }
    validateAtInit(ssc);
    this.ssc = ssc;
    this.creationSite = callSite(operationName(new.target.name));
    // The operations pass their functions to userFn just before constructing the stream.
    this.definedWith = takeRecentUserFunctions();
  }

  /** How often this stream produces an RDD. */
  abstract get slideDuration(): Duration;

  /** The streams this one reads. */
  abstract get dependencies(): ReadonlyArray<DStream<unknown>>;

  /** The RDD for `validTime`, or undefined when this stream has none for that batch. */
  abstract compute(validTime: Time): RDD<T> | undefined;

  /** Stateful streams must checkpoint periodically, or their lineage would grow without bound. */
  get mustCheckpoint(): boolean {
    return false;
  }

  /** Spark's `getClass.getSimpleName`, used in its messages. */
  get simpleName(): string {
    return this.constructor.name;
  }

  /** @internal How long the parents must keep their RDDs for this stream. */
  get parentRememberDuration(): Duration | undefined {
    return this.rememberDuration;
  }

  get context(): StreamingContext {
    return this.ssc;
  }

  get isInitialized(): boolean {
    return this.zeroTime !== undefined;
  }

  /** Keeps each generated RDD at `level` (default MEMORY_ONLY: deserialized values keep their JavaScript types). */
  persist(level: StorageLevel = StorageLevel.MEMORY_ONLY): this {
    if (this.isInitialized) {
      throw new UnsupportedOperationException("Cannot change storage level of a DStream after streaming context has started");
    }
    if (!(level instanceof StorageLevel)) throw new TypeError(`persist: expected a StorageLevel, got ${String(level)}`);
    this.storageLevel = level;
    return this;
  }

  cache(): this {
    return this.persist();
  }

  /** Checkpoints the generated RDDs every `interval`, which cuts their lineage. */
  checkpoint(interval: DurationLike): this {
    if (this.isInitialized) {
      throw new UnsupportedOperationException("Cannot change checkpoint interval of a DStream after streaming context has started");
    }
    const d = positiveDuration(interval, "checkpoint interval");
    if (this.storageLevel === StorageLevel.NONE) this.persist();
    this.checkpointDuration = d;
    return this;
  }

  /** @internal Sets the zero time, the default checkpoint interval and the minimum remember duration, then recurses. */
  initialize(time: Time): void {
    if (this.zeroTime !== undefined && !this.zeroTime.equals(time)) {
      throw new SparkException(`ZeroTime is already initialized to ${this.zeroTime}, cannot initialize it again to ${time}`);
    }
    this.zeroTime = time;
    if (this.mustCheckpoint && this.checkpointDuration === undefined) {
      this.checkpointDuration = this.defaultCheckpointDuration();
      logger().debug(`Checkpoint interval automatically set to ${this.checkpointDuration}`);
    }
    let minRemember = this.slideDuration;
    if (this.checkpointDuration !== undefined && minRemember.lessEq(this.checkpointDuration)) {
      // Twice the interval, so the RDDs of the latest checkpoint are never forgotten before it is written.
      minRemember = this.checkpointDuration.times(2);
    }
    if (this.rememberDuration === undefined || this.rememberDuration.less(minRemember)) this.rememberDuration = minRemember;
    for (const d of this.dependencies) d.initialize(time);
  }

  /** Spark's default: the slide rounded up to at least 10 seconds. */
  protected defaultCheckpointDuration(): Duration {
    return this.slideDuration.times(Math.ceil(Seconds(10).div(this.slideDuration)));
  }

  /** @internal Checks the configuration at start(), with Spark's messages. */
  validateAtStart(): void {
    const name = this.simpleName;
    const cp = this.checkpointDuration;
    requireArg(this.rememberDuration !== undefined, "Remember duration is set to null");
    requireArg(!this.mustCheckpoint || cp !== undefined, `The checkpoint interval for ${name} has not been set. Please use DStream.checkpoint() to set the interval.`);
    requireArg(
      cp === undefined || this.ssc.sparkContext.getCheckpointDir() !== undefined,
      "The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().",
    );
    requireArg(
      cp === undefined || cp.greaterEq(this.slideDuration),
      `The checkpoint interval for ${name} has been set to ${cp} which is lower than its slide time (${this.slideDuration}). Please set it to at least ${this.slideDuration}.`,
    );
    requireArg(
      cp === undefined || cp.isMultipleOf(this.slideDuration),
      `The checkpoint interval for ${name} has been set to ${cp} which not a multiple of its slide time (${this.slideDuration}). Please set it to a multiple of ${this.slideDuration}.`,
    );
    requireArg(
      cp === undefined || this.storageLevel !== StorageLevel.NONE,
      `${name} has been marked for checkpointing but the storage level has not been set to enable persisting. Please use DStream.persist() to set the storage level to use memory for better checkpointing performance.`,
    );
    requireArg(
      cp === undefined || this.rememberDuration!.greater(cp),
      `The remember duration for ${name} has been set to ${this.rememberDuration} which is not more than the checkpoint interval (${cp}). Please set it to higher than ${cp}.`,
    );
    for (const d of this.dependencies) d.validateAtStart();
  }

  /** @internal */
  setGraph(g: DStreamGraph): void {
    if (this.graph !== undefined && this.graph !== g) {
      throw new SparkException(`Graph is already set in ${this}, cannot set it again`);
    }
    this.graph = g;
    for (const d of this.dependencies) d.setGraph(g);
  }

  /** @internal Raises how long RDDs are kept, and passes on what the parents must keep. */
  remember(duration: Duration | undefined): void {
    if (duration !== undefined && (this.rememberDuration === undefined || duration.greater(this.rememberDuration))) {
      this.rememberDuration = duration;
    }
    for (const d of this.dependencies) d.remember(this.parentRememberDuration);
  }

  /** @internal A stream has an RDD only at times after zero that fall on its slide. */
  isTimeValid(time: Time): boolean {
    if (this.zeroTime === undefined) throw new SparkException(`${this} has not been initialized`);
    return time.greater(this.zeroTime) && time.minus(this.zeroTime).isMultipleOf(this.slideDuration);
  }

  /** @internal The RDD for `time`: generated once, then reused by every consumer of that batch. */
  getOrCompute(time: Time): RDD<T> | undefined {
    const existing = this.generatedRDDs.get(time.milliseconds);
    if (existing) return existing;
    if (!this.isTimeValid(time)) return undefined;
    // Spark's createRDDWithLocalProperties: the batch's RDDs carry this stream's call site.
    const rdd = withCallSite(this.creationSite, () => this.compute(time));
    if (rdd === undefined || rdd === null) return undefined;
    if (this.storageLevel !== StorageLevel.NONE && rdd.getStorageLevel() === StorageLevel.NONE) rdd.persist(this.storageLevel);
    if (this.checkpointDuration !== undefined && time.minus(this.zeroTime!).isMultipleOf(this.checkpointDuration)) rdd.checkpoint();
    this.generatedRDDs.set(time.milliseconds, rdd);
    return rdd;
  }

  /** @internal The job an output stream runs for `time`; plain streams just compute their RDD. */
  generateJob(time: Time): Job | undefined {
    const rdd = this.getOrCompute(time);
    if (!rdd) return undefined;
    return new Job(time, () => withCallSite(this.creationSite, () => rdd.foreachPartition(() => undefined)));
  }

  /** @internal Forgets (and unpersists) the RDDs that no batch after `time` can need; adds them to `dropped`. */
  clearMetadata(time: Time, dropped: Array<RDD<unknown>> = []): void {
    const unpersist = this.ssc.conf.getBoolean("spark.streaming.unpersist", true);
    const limit = time.milliseconds - this.rememberDuration!.milliseconds;
    for (const [t, rdd] of [...this.generatedRDDs]) {
      if (t > limit) continue;
      this.generatedRDDs.delete(t);
      dropped.push(rdd as RDD<unknown>);
      if (unpersist && rdd.getStorageLevel() !== StorageLevel.NONE) rdd.unpersist(false);
    }
    for (const d of this.dependencies) d.clearMetadata(time, dropped);
  }

  /**
   * The RDDs from `fromTime` to `toTime`, both included; times are aligned down to the slide.
   * Numbers are milliseconds.
   */
  slice(interval: Interval): Array<RDD<T>>;
  slice(fromTime: Time | number, toTime: Time | number): Array<RDD<T>>;
  slice(from: Interval | Time | number, to?: Time | number): Array<RDD<T>> {
    if (this.zeroTime === undefined) throw new SparkException(`${this} has not been initialized`);
    const [fromTime, toTime] = from instanceof Interval ? [from.beginTime, from.endTime] : [asTime(from, "slice"), asTime(to!, "slice")];
    const zero = this.zeroTime;
    const align = (t: Time): Time => (t.minus(zero).isMultipleOf(this.slideDuration) ? t : t.floor(this.slideDuration, zero));
    const out: Array<RDD<T>> = [];
    for (const t of align(fromTime).to(align(toTime), this.slideDuration)) {
      if (t.less(zero)) continue;
      const rdd = this.getOrCompute(t);
      if (rdd) out.push(rdd);
    }
    return out;
  }

  /**
   * @internal Driver-side state a stream keeps besides its RDDs (an event-time watermark), saved
   * with each metadata checkpoint; undefined for streams without any.
   */
  checkpointState(): CheckpointJson | undefined {
    return undefined;
  }

  /** @internal Takes back what `checkpointState` saved, before the first batch after a restart. */
  restoreState(_state: CheckpointJson): void {}

  /** @internal Registers this stream as an output, so its jobs run every batch. */
  register(): this {
    this.ssc.graph.addOutputStream(this as DStream<unknown>);
    return this;
  }

  toString(): string {
    return `${this.simpleName}@${this.creationSite}`;
  }
}

function validateAtInit(ssc: StreamingContext): void {
  switch (ssc.getState()) {
    case "INITIALIZED":
      return;
    case "ACTIVE":
      throw new IllegalStateException("Adding new inputs, transformations, and output operations after starting a context is not supported");
    case "STOPPED":
      throw new IllegalStateException("Adding new inputs, transformations, and output operations after stopping a context is not supported");
  }
}

function asTime(t: Time | number, op: string): Time {
  if (t instanceof Time) return t;
  if (typeof t === "number") return new Time(t);
  throw new TypeError(`${op}: expected a Time or a number of milliseconds, got ${String(t)}`);
}

/** "MappedDStream" → "mapped", for the call site label when no operation name is known. */
function operationName(className: string): string {
  return className.replace(/DStream$/, "").replace(/^./, (c) => c.toLowerCase()) || "dstream";
}

type Pair<K, V> = [K, V];
type Partitions = number | Partitioner;
type Output = void | Promise<void>;

// The public operations, installed by api/*.ts. Names, overloads and semantics are Spark's; pairs are [K, V] tuples.
// Functions given to element-wise operations run on executors; transform and foreachRDD functions run on the driver.
export interface DStream<T> {
  // ---- stateless, per batch
  map<U>(mapFunc: (x: T) => U): DStream<U>;
  flatMap<U>(flatMapFunc: (x: T) => Iterable<U>): DStream<U>;
  filter(filterFunc: (x: T) => boolean): DStream<T>;
  mapPartitions<U>(mapPartFunc: (it: IterableIterator<T>) => Iterable<U>, preservePartitioning?: boolean): DStream<U>;
  glom(): DStream<T[]>;
  repartition(numPartitions: number): DStream<T>;
  union(that: DStream<T>): DStream<T>;
  transform<U>(transformFunc: (rdd: RDD<T>, time: Time) => RDD<U>): DStream<U>;
  transformWith<U, V>(other: DStream<U>, transformFunc: (rdd: RDD<T>, other: RDD<U>, time: Time) => RDD<V>): DStream<V>;
  /** PySpark's argument order. */
  transformWith<U, V>(transformFunc: (rdd: RDD<T>, other: RDD<U>, time: Time) => RDD<V>, other: DStream<U>): DStream<V>;
  count(): DStream<number>;
  countByValue(numPartitions?: number): DStream<[T, number]>;
  reduce(reduceFunc: (a: T, b: T) => T): DStream<T>;
  // ---- key-value pairs, per batch
  mapValues<K, V, U>(this: DStream<Pair<K, V>>, mapValuesFunc: (v: V) => U): DStream<[K, U]>;
  flatMapValues<K, V, U>(this: DStream<Pair<K, V>>, flatMapValuesFunc: (v: V) => Iterable<U>): DStream<[K, U]>;
  reduceByKey<K, V>(this: DStream<Pair<K, V>>, reduceFunc: (a: V, b: V) => V, partitions?: Partitions): DStream<[K, V]>;
  groupByKey<K, V>(this: DStream<Pair<K, V>>, partitions?: Partitions): DStream<[K, V[]]>;
  combineByKey<K, V, C>(
    this: DStream<Pair<K, V>>,
    createCombiner: (v: V) => C,
    mergeValue: (c: C, v: V) => C,
    mergeCombiner: (a: C, b: C) => C,
    partitions?: Partitions,
    mapSideCombine?: boolean,
  ): DStream<[K, C]>;
  cogroup<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<[K, W]>, partitions?: Partitions): DStream<[K, [V[], W[]]]>;
  join<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<[K, W]>, partitions?: Partitions): DStream<[K, [V, W]]>;
  leftOuterJoin<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<[K, W]>, partitions?: Partitions): DStream<[K, [V, W | undefined]]>;
  rightOuterJoin<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<[K, W]>, partitions?: Partitions): DStream<[K, [V | undefined, W]]>;
  fullOuterJoin<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<[K, W]>, partitions?: Partitions): DStream<[K, [V | undefined, W | undefined]]>;
  // ---- windows: durations are Durations or seconds; the slide defaults to this stream's
  window(windowDuration: DurationLike, slideDuration?: DurationLike): DStream<T>;
  reduceByWindow(reduceFunc: (a: T, b: T) => T, windowDuration: DurationLike, slideDuration?: DurationLike): DStream<T>;
  reduceByWindow(
    reduceFunc: (a: T, b: T) => T,
    invReduceFunc: ((a: T, b: T) => T) | null | undefined,
    windowDuration: DurationLike,
    slideDuration?: DurationLike,
  ): DStream<T>;
  countByWindow(windowDuration: DurationLike, slideDuration?: DurationLike): DStream<number>;
  countByValueAndWindow(windowDuration: DurationLike, slideDuration?: DurationLike, numPartitions?: number): DStream<[T, number]>;
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    reduceFunc: (a: V, b: V) => V,
    windowDuration: DurationLike,
    slideDuration?: DurationLike,
    partitions?: Partitions,
  ): DStream<[K, V]>;
  /** With an inverse function the window is updated incrementally; keys are then kept (with value 0) unless `filterFunc` drops them. */
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    reduceFunc: (a: V, b: V) => V,
    invReduceFunc: ((a: V, b: V) => V) | null | undefined,
    windowDuration: DurationLike,
    slideDuration?: DurationLike,
    partitions?: Partitions,
    filterFunc?: (kv: [K, V]) => boolean,
  ): DStream<[K, V]>;
  groupByKeyAndWindow<K, V>(this: DStream<Pair<K, V>>, windowDuration: DurationLike, slideDuration?: DurationLike, partitions?: Partitions): DStream<[K, V[]]>;
  // ---- state
  /** `updateFunc(values, state)` gets every key with new values or state; returning undefined (or null) removes the key. */
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    updateFunc: (values: V[], state: S | undefined) => S | undefined | null,
    options?: UpdateStateOptions<K, S> | Partitions,
    initialRDD?: RDD<[K, S]> | Array<[K, S]>,
  ): DStream<[K, S]>;
  /** A function declaring four parameters is Spark's time-aware overload. */
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    updateFunc: (time: Time, key: K, values: V[], state: S | undefined) => S | undefined | null,
    options?: UpdateStateOptions<K, S> | Partitions,
    initialRDD?: RDD<[K, S]> | Array<[K, S]>,
  ): DStream<[K, S]>;
  /** Spark's iterator overload, chosen by passing `rememberPartitioner`. */
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    updateFunc: (it: IterableIterator<[K, V[], S | undefined]>) => Iterable<[K, S]>,
    partitioner: Partitioner,
    rememberPartitioner: boolean,
    initialRDD?: RDD<[K, S]>,
  ): DStream<[K, S]>;
  mapWithState<K, V, S, E>(this: DStream<Pair<K, V>>, spec: StateSpec<K, V, S, E>): MapWithStateDStream<K, V, S, E>;
  // ---- event time
  /** Tags records with their event time (epoch ms) and keeps a watermark; event-time windows are defined on the result. */
  withEventTime(eventTime: (record: T) => number, options?: EventTimeOptions): EventTimeDStream<T>;
  // ---- output operations
  /** Runs `foreachFunc` on the driver once per batch; an async function is awaited before the next job. */
  foreachRDD(foreachFunc: (rdd: RDD<T>, time: Time) => Output): void;
  /** Prints the first `num` elements (default 10) of each batch, in Spark's layout. */
  print(num?: number): void;
  pprint(num?: number): void;
  /** Writes each batch to the directory `prefix-<time ms>[.suffix]`. */
  saveAsTextFiles(prefix: string, suffix?: string): void;
  /**
   * Writes each batch as NDJSON (one `JSON.stringify` line per element) to the directory
   * `prefix-<time ms>[.suffix]`, committed whole: written under a hidden temporary name, then
   * renamed. A batch replayed after recovery finds its directory and leaves it as it is.
   */
  saveAsJsonFiles(prefix: string, suffix?: string): void;
}
