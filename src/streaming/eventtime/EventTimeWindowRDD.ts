import { RDD } from "../../core/rdd/RDD.js";
import { OneToOneDependency } from "../../core/rdd/Dependency.js";
import type { TaskContext } from "../../core/scheduler/TaskContext.js";
import type { PlanArgs, PlanBuilder, ReviveEnv } from "../../core/executor/plan.js";
import { StateMap } from "../state/StateMap.js";
import { MapWithStateRecord, type CheckpointedMapWithStateRecord } from "../state/MapWithStateRecord.js";
import type { WindowAssigner, OutputMode, WindowResult } from "./EventTimeWindows.js";

/** One open window of a key: [start, end) and its combined value. */
export type OpenWindow<A> = [start: number, end: number, value: A];

/** What a batch emits: a window's result (0), or a record too late for any of its windows (1). */
export type WindowOutput<K, V, A> = [0, [K, WindowResult<A>]] | [1, [K, V]];

export interface Combiners<V, A> {
  create: (v: V) => A;
  mergeValue: (a: A, v: V) => A;
  mergeCombiners: (a: A, b: A) => A;
}

/** The watermarks a batch runs with: before it (lateness of its records) and after it (which windows close). */
export type Watermarks = [before: number | null, after: number | null];

/**
 * One batch of event-time windows for one key partition. Records are judged late against the
 * watermark before the batch; windows close against the watermark after it, as Spark's batch
 * and the no-data batch that follows it do. The watermarks are read from the driver's tracker
 * when the RDD is first planned or computed, not when it is built, because a batch's RDDs can be
 * built before the previous batch has finished moving the watermark.
 */
export class EventTimeWindowRDD<K, V, A> extends RDD<MapWithStateRecord<K, Array<OpenWindow<A>>, WindowOutput<K, V, A>>> {
  static override planModule = import.meta.url;
  private prevStateRDD: RDD<unknown>;
  private dataRDD: RDD<[K, [number, V]]>;
  private readonly assigner: WindowAssigner;
  private readonly create: (v: V) => A;
  private readonly mergeValue: (a: A, v: V) => A;
  private readonly mergeCombiners: (a: A, b: A) => A;
  private readonly mode: OutputMode;
  private readonly latenessMs: number;
  private readonly batchTime: number;
  private watermarks: Watermarks | undefined;
  private readonly resolveWatermarks: (() => Watermarks) | undefined;

  constructor(
    prevStateRDD: RDD<unknown>,
    dataRDD: RDD<[K, [number, V]]>,
    assigner: WindowAssigner,
    combiners: Combiners<V, A>,
    mode: OutputMode,
    latenessMs: number,
    batchTime: number,
    resolveWatermarks: () => Watermarks,
  ) {
    super(prevStateRDD.sc, [new OneToOneDependency(prevStateRDD), new OneToOneDependency(dataRDD as RDD<unknown>)]);
    this.prevStateRDD = prevStateRDD;
    this.dataRDD = dataRDD;
    this.assigner = assigner;
    this.create = combiners.create;
    this.mergeValue = combiners.mergeValue;
    this.mergeCombiners = combiners.mergeCombiners;
    this.mode = mode;
    this.latenessMs = latenessMs;
    this.batchTime = batchTime;
    this.resolveWatermarks = resolveWatermarks;
    this.partitioner = prevStateRDD.partitioner;
  }

  getNumPartitions(): number {
    return this.prevStateRDD.getNumPartitions();
  }

  private marks(): Watermarks {
    this.watermarks ??= this.resolveWatermarks!();
    return this.watermarks;
  }

  compute(split: number, ctx: TaskContext): Iterable<MapWithStateRecord<K, Array<OpenWindow<A>>, WindowOutput<K, V, A>>> {
    const [before, after] = this.marks();
    const lateness = this.latenessMs;
    const closed = (end: number, w: number | null): boolean => w !== null && end + lateness <= w;
    const states = this.previousStates(split, ctx);
    const out: Array<WindowOutput<K, V, A>> = [];
    // Windows are copied before they change: the previous batch's map must stay as it was, for retries.
    const touched = new Set<OpenWindow<A>>();
    const owned = new Set<Array<OpenWindow<A>>>();
    const own = (key: K): Array<OpenWindow<A>> => {
      const cur = states.get(key);
      if (cur !== undefined && owned.has(cur)) return cur;
      const copy = cur === undefined ? [] : cur.map((w) => [...w] as OpenWindow<A>);
      owned.add(copy);
      states.put(key, copy, this.batchTime);
      return copy;
    };
    const a = this.assigner;
    for (const [key, [ts, v]] of this.dataRDD.iterator(split, ctx)) {
      if (a.kind === "sliding") {
        let accepted = false;
        for (let start = Math.floor(ts / a.slide) * a.slide; start > ts - a.length; start -= a.slide) {
          if (closed(start + a.length, before)) continue;
          accepted = true;
          const windows = own(key);
          const w = windows.find((x) => x[0] === start);
          if (w === undefined) {
            const nw: OpenWindow<A> = [start, start + a.length, this.create(v)];
            windows.push(nw);
            touched.add(nw);
          } else {
            w[2] = this.mergeValue(w[2], v);
            touched.add(w);
          }
        }
        if (!accepted) out.push([1, [key, v]]);
      } else {
        if (closed(ts + a.gap, before)) {
          out.push([1, [key, v]]);
          continue;
        }
        const windows = own(key);
        let merged: OpenWindow<A> = [ts, ts + a.gap, this.create(v)];
        // Every session the new one overlaps joins it: sessions are the connected runs of [t, t + gap).
        for (let i = windows.length - 1; i >= 0; i--) {
          const w = windows[i]!;
          if (w[0] < merged[1] && merged[0] < w[1]) {
            merged = [Math.min(w[0], merged[0]), Math.max(w[1], merged[1]), this.mergeCombiners(w[2], merged[2])];
            windows.splice(i, 1);
            touched.delete(w);
          }
        }
        windows.push(merged);
        touched.add(merged);
      }
    }
    for (const [key, windows] of [...states.getAll()]) {
      const keep: Array<OpenWindow<A>> = [];
      for (const w of windows) {
        const done = closed(w[1], after);
        if (this.mode === "update" ? touched.has(w) : done) out.push([0, [key, { start: w[0], end: w[1], value: w[2] }]]);
        if (!done) keep.push(w);
      }
      if (keep.length === 0) states.remove(key);
      else if (keep.length !== windows.length) states.put(key, keep, this.batchTime);
    }
    return [new MapWithStateRecord(states, out)];
  }

  private previousStates(split: number, ctx: TaskContext): StateMap<K, Array<OpenWindow<A>>> {
    for (const rec of this.prevStateRDD.iterator(split, ctx)) {
      type Rec = MapWithStateRecord<K, Array<OpenWindow<A>>, unknown> | CheckpointedMapWithStateRecord<K, Array<OpenWindow<A>>, unknown>;
      return MapWithStateRecord.from(rec as Rec).stateMap.copy();
    }
    return new StateMap<K, Array<OpenWindow<A>>>();
  }

  override planArgs(b: PlanBuilder): PlanArgs {
    return this.planArgsWith({
      assigner: this.assigner,
      create: b.fn(this.create, "createCombiner"),
      mergeValue: b.fn(this.mergeValue, "mergeValue"),
      mergeCombiners: b.fn(this.mergeCombiners, "mergeCombiners"),
      mode: this.mode,
      latenessMs: this.latenessMs,
      batchTime: this.batchTime,
      watermarks: this.marks(),
    });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as EventTimeWindowRDD<unknown, unknown, unknown>;
    rdd.prevStateRDD = parents[0]!;
    rdd.dataRDD = parents[1]! as RDD<[unknown, [number, unknown]]>;
    return rdd;
  }
}
