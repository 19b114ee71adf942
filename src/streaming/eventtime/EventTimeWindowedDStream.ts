import type { RDD } from "../../core/rdd/RDD.js";
import type { Partitioner } from "../../core/partitioner/Partitioner.js";
import type { Duration, DurationLike } from "../Duration.js";
import type { Time } from "../Time.js";
import { DStream } from "../dstream/DStream.js";
import { ForEachDStream } from "../dstream/ForEachDStream.js";
import { KeyedStateDStream } from "../dstream/KeyedStateDStream.js";
import type { MapWithStateRecord, CheckpointedMapWithStateRecord } from "../state/MapWithStateRecord.js";
import type { TimedRecord } from "./EventTimeRDD.js";
import type { EventTimeDStream, TimedDStream } from "./EventTimeDStream.js";
import { EventTimeWindowRDD, type Combiners, type OpenWindow, type WindowOutput, type Watermarks } from "./EventTimeWindowRDD.js";
import type { OutputMode, WindowAssigner, WindowResult } from "./EventTimeWindows.js";

type Rec<K, V, A> = MapWithStateRecord<K, Array<OpenWindow<A>>, WindowOutput<K, V, A>> | CheckpointedMapWithStateRecord<K, Array<OpenWindow<A>>, WindowOutput<K, V, A>>;

/**
 * The results of an event-time window aggregation: [key, { start, end, value }] per emitted
 * window. The records that came too late for every window they belong to are in `lateRecords()`.
 */
export class EventTimeWindowedDStream<K, V, A> extends DStream<[K, WindowResult<A>]> {
  private readonly state: WindowStateDStream<K, V, A>;
  private late = 0;

  /** @internal */
  constructor(source: EventTimeDStream<[K, V]>, assigner: WindowAssigner, combiners: Combiners<V, A>, mode: OutputMode, latenessMs: number, partitioner: Partitioner) {
    super(source.context);
    this.state = new WindowStateDStream<K, V, A>(source.tagged as TimedDStream<[K, V]>, assigner, combiners, mode, latenessMs, partitioner);
    // Late records are counted whether or not anyone reads lateRecords(): dropping them must be visible.
    new ForEachDStream(this.state, async (rdd: RDD<Rec<K, V, A>>) => {
      const counts = await rdd.map(countLate).collect();
      for (const c of counts) this.late += c;
    }, false).register();
  }

  override get simpleName(): string {
    return "EventTimeWindowedDStream";
  }

  get slideDuration(): Duration {
    return this.state.slideDuration;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [this.state as DStream<unknown>];
  }

  compute(validTime: Time): RDD<[K, WindowResult<A>]> | undefined {
    return this.state.getOrCompute(validTime)?.flatMap(emitted) as RDD<[K, WindowResult<A>]> | undefined;
  }

  /** The records too late for all their windows (their window ended more than allowedLateness before the watermark). */
  lateRecords(): DStream<[K, V]> {
    return this.state.flatMap(lateOnes) as DStream<[K, V]>;
  }

  /** How many records were too late since the stream started (also in `lateRecords()`). */
  lateRecordCount(): number {
    return this.late;
  }

  /** The interval applies to the window state, which is what gets checkpointed. */
  override checkpoint(interval: DurationLike): this {
    this.state.checkpoint(interval);
    return this;
  }
}


function emitted(rec: Rec<unknown, unknown, unknown>): unknown[] {
  const out: unknown[] = [];
  for (const o of rec.mappedData) if (o[0] === 0) out.push(o[1]);
  return out;
}

function lateOnes(rec: Rec<unknown, unknown, unknown>): unknown[] {
  const out: unknown[] = [];
  for (const o of rec.mappedData) if (o[0] === 1) out.push(o[1]);
  return out;
}

function countLate(rec: Rec<unknown, unknown, unknown>): number {
  let n = 0;
  for (const o of rec.mappedData) if (o[0] === 1) n++;
  return n;
}

/** @internal The window state per key partition, one MapWithStateRecord per partition and batch, persisted and checkpointed. */
class WindowStateDStream<K, V, A> extends KeyedStateDStream<Rec<K, V, A>> {
  constructor(
    private readonly parent: TimedDStream<[K, V]>,
    private readonly assigner: WindowAssigner,
    private readonly combiners: Combiners<V, A>,
    private readonly mode: OutputMode,
    private readonly latenessMs: number,
    private readonly partitioner: Partitioner,
  ) {
    super(parent as DStream<unknown>);
  }

  override get simpleName(): string {
    return "EventTimeWindowedDStream";
  }

  compute(validTime: Time): RDD<Rec<K, V, A>> {
    const sc = this.ssc.sparkContext;
    const prev: RDD<unknown> = this.getOrCompute(validTime.minus(this.slideDuration)) ?? sc.emptyRDD<[K, unknown]>().partitionBy(this.partitioner);
    const timed = this.parent.getOrCompute(validTime) ?? sc.emptyRDD<TimedRecord<[K, V]>>();
    const data = timed.flatMap(keyByRecord as (e: TimedRecord<[K, V]>) => Array<[K, [number, V]]>).partitionBy(this.partitioner);
    const tracker = this.parent.tracker;
    const t = validTime.milliseconds;
    const resolve = (): Watermarks => {
      const before = tracker.watermarkBefore(t);
      // The watermark job of this batch runs before the window's jobs; if it has not (a failed
      // batch), the windows close against the older watermark and close a batch later.
      const after = tracker.watermarkAfter(t);
      return [before, after === undefined ? before : after];
    };
    const rdd = new EventTimeWindowRDD<K, V, A>(prev, data, this.assigner, this.combiners, this.mode, this.latenessMs, t, resolve);
    rdd.creationSite = this.creationSite;
    return rdd;
  }
}

function keyByRecord(e: TimedRecord<[unknown, unknown]>): Array<[unknown, [number, unknown]]> {
  return e[0] === null ? [] : [[e[1][0], [e[0], e[1][1]]]];
}
