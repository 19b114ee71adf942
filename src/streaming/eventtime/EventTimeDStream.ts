import type { RDD } from "../../core/rdd/RDD.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { IllegalArgumentException } from "../../core/errors.js";
import { toDuration, type Duration, type DurationLike } from "../Duration.js";
import type { Time } from "../Time.js";
import { DStream } from "../dstream/DStream.js";
import { ForEachDStream } from "../dstream/ForEachDStream.js";
import type { CheckpointJson } from "../checkpoint/CheckpointJson.js";
import { EventTimeRDD, type InvalidEventTimePolicy, type TimedRecord } from "./EventTimeRDD.js";
import { WatermarkTracker, type PartitionObservation } from "./WatermarkTracker.js";
import { EventTimeWindows, type WindowAssigner } from "./EventTimeWindows.js";

/** withEventTime's options. */
export interface EventTimeOptions {
  /** How far behind the largest event time seen the watermark stays (Spark's withWatermark delay). Default 0. */
  maxOutOfOrderness?: DurationLike;
  /** After this long without a record, an input partition stops holding the watermark back. Default: never. */
  idleTimeout?: DurationLike;
  /**
   * A record whose event time function throws or returns a non-finite number fails the batch
   * ("fail", the default, as Spark does), or goes to `deadLetters()` with the reason ("deadLetter").
   */
  invalidEventTime?: InvalidEventTimePolicy;
}

/**
 * A stream whose records carry an event time, and its watermark. The records are the parent's;
 * the event time function is applied to them again where windows need it.
 */
export class EventTimeDStream<T> extends DStream<T> {
  /** @internal */
  readonly tagged: TimedDStream<T>;

  constructor(
    parent: DStream<T>,
    eventTime: (record: T) => number,
    options: EventTimeOptions = {},
  ) {
    super(parent.context);
    if (typeof options !== "object" || options === null) throw new TypeError(`withEventTime: options must be an object such as { maxOutOfOrderness: Seconds(10) }, got ${String(options)}`);
    const delay = nonNegative("withEventTime", "maxOutOfOrderness", options.maxOutOfOrderness ?? 0);
    const idle = options.idleTimeout === undefined ? undefined : nonNegative("withEventTime", "idleTimeout", options.idleTimeout);
    if (idle !== undefined && idle.milliseconds === 0) throw new IllegalArgumentException(`withEventTime: idleTimeout must be positive, got ${idle}; leave it out to never treat a partition as idle`);
    const policy = options.invalidEventTime ?? "fail";
    if (policy !== "fail" && policy !== "deadLetter") throw new IllegalArgumentException(`withEventTime: invalidEventTime must be "fail" or "deadLetter", got ${JSON.stringify(policy)}`);
    this.tagged = new TimedDStream(parent, eventTime, policy, new WatermarkTracker(delay.milliseconds, idle?.milliseconds));
    // The watermark moves at each batch's end: a job of its own reads each partition's largest event time.
    const tracker = this.tagged.tracker;
    const tagged = this.tagged;
    new ForEachDStream(this.tagged, async (rdd: RDD<TimedRecord<T>>, time: Time) => {
      const seen = await rdd.mapPartitions(observePartition).collect();
      tracker.observe(time.milliseconds, seen, tagged.zeroTime!.milliseconds);
    }, false).register();
  }

  override get simpleName(): string {
    return "EventTimeDStream";
  }

  get slideDuration(): Duration {
    return this.tagged.slideDuration;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [this.tagged as DStream<unknown>];
  }

  compute(validTime: Time): RDD<T> | undefined {
    return this.tagged.getOrCompute(validTime)?.flatMap((e: TimedRecord<T>) => (e[0] === null ? [] : [e[1]]));
  }

  /** The watermark in epoch milliseconds after the latest batch; undefined before any event time is seen. */
  watermark(): number | undefined {
    return this.tagged.tracker.current() ?? undefined;
  }

  /** Records whose event time could not be read, with the reason (under `invalidEventTime: "deadLetter"`). */
  deadLetters(): DStream<[T, string]> {
    return this.tagged.flatMap((e: TimedRecord<T>) => (e[0] === null ? [[e[1], e[2]] as [T, string]] : []));
  }

  /** How many records went to `deadLetters()` since the stream started. */
  deadLetterCount(): number {
    return this.tagged.tracker.invalidCount();
  }

  /**
   * Tumbling (no slide) or sliding event-time windows [start, start + length), aligned to the
   * epoch as Spark's `window()` is. The length must be a multiple of the slide.
   */
  windowByEventTime<K, V>(this: EventTimeDStream<[K, V]>, windowLength: DurationLike, slide?: DurationLike): EventTimeWindows<K, V> {
    const op = "windowByEventTime";
    const length = positive(op, "windowLength", windowLength);
    const step = slide === undefined ? length : positive(op, "slide", slide);
    if (!length.isMultipleOf(step)) {
      throw new IllegalArgumentException(`${op}: the window length ${length} must be a multiple of the slide ${step}; e.g. windowByEventTime(Minutes(10), Minutes(5))`);
    }
    const assigner: WindowAssigner = { kind: "sliding", length: length.milliseconds, slide: step.milliseconds };
    return new EventTimeWindows<K, V>(this, assigner, op);
  }

  /** Session windows per key: records closer than `gap` in event time fall in one session, merged as they arrive. */
  sessionWindowByEventTime<K, V>(this: EventTimeDStream<[K, V]>, gap: DurationLike): EventTimeWindows<K, V> {
    const g = positive("sessionWindowByEventTime", "gap", gap);
    return new EventTimeWindows<K, V>(this, { kind: "session", gap: g.milliseconds }, "sessionWindowByEventTime");
  }
}

/** One element per partition: its largest valid event time and its counts; runs on executors (no free variables). */
function observePartition(it: Iterable<TimedRecord<unknown>>): PartitionObservation[] {
  let max: number | null = null;
  let valid = 0;
  let invalid = 0;
  for (const e of it) {
    if (e[0] === null) invalid++;
    else {
      valid++;
      if (max === null || e[0] > max) max = e[0];
    }
  }
  return [[max, valid, invalid]];
}

/** @internal The parent's records with their event times, kept for the batch (the watermark job and the windows read it). */
export class TimedDStream<T> extends DStream<TimedRecord<T>> {
  constructor(
    private readonly parent: DStream<T>,
    eventTime: (record: T) => number,
    private readonly policy: InvalidEventTimePolicy,
    readonly tracker: WatermarkTracker,
  ) {
    super(parent.context);
    // Kept with a contravariant-free type, so that a TimedDStream<T> is still a DStream<unknown>.
    this.eventTime = eventTime as (record: never) => number;
    super.persist(StorageLevel.MEMORY_ONLY);
  }

  private readonly eventTime: (record: never) => number;

  override get simpleName(): string {
    return "EventTimeDStream";
  }

  get slideDuration(): Duration {
    return this.parent.slideDuration;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [this.parent as DStream<unknown>];
  }

  compute(validTime: Time): RDD<TimedRecord<T>> | undefined {
    const rdd = this.parent.getOrCompute(validTime);
    return rdd === undefined ? undefined : new EventTimeRDD(rdd, this.eventTime as (record: T) => number, this.policy);
  }

  override checkpointState(): CheckpointJson {
    return { watermarks: this.tracker.toJSON() };
  }

  override restoreState(state: CheckpointJson): void {
    const s = state as { watermarks?: CheckpointJson } | null;
    if (s === null || typeof s !== "object" || s.watermarks === undefined) throw new TypeError(`withEventTime: the checkpoint holds no watermark: ${JSON.stringify(state)}`);
    this.tracker.restore(s.watermarks);
  }
}

function nonNegative(op: string, name: string, d: DurationLike): Duration {
  const duration = toDuration(d, `${op}: ${name}`);
  if (duration.milliseconds < 0) throw new IllegalArgumentException(`${op}: ${name} must not be negative, got ${duration}; use Milliseconds(0) or more`);
  return duration;
}

function positive(op: string, name: string, d: DurationLike): Duration {
  const duration = toDuration(d, `${op}: ${name}`);
  if (duration.milliseconds <= 0) throw new IllegalArgumentException(`${op}: ${name} must be positive, got ${duration}${typeof d === "number" ? ` (${d} s)` : ""}`);
  return duration;
}

export { nonNegative as nonNegativeDuration };
