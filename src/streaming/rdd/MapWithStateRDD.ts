import { RDD } from "../../core/rdd/RDD.js";
import { OneToOneDependency } from "../../core/rdd/Dependency.js";
import type { TaskContext } from "../../core/scheduler/TaskContext.js";
import type { PlanArgs, PlanBuilder, ReviveEnv } from "../../core/executor/plan.js";
import { Time } from "../Time.js";
import { State } from "../state/State.js";
import { StateMap } from "../state/StateMap.js";
import { MapWithStateRecord, type CheckpointedMapWithStateRecord } from "../state/MapWithStateRecord.js";

type Mapping = (...args: unknown[]) => unknown;

/**
 * One batch of mapWithState for one partition: copies the previous state map, calls the
 * mapping function once per record of the batch (never for keys without records), and, on
 * batches that checkpoint, times out idle keys. Its only element per partition is a
 * MapWithStateRecord. `prevIsPairs` means the previous state is [key, state] pairs (the initial
 * states), not a previous batch's record.
 */
export class MapWithStateRDD<K, V, S, E> extends RDD<MapWithStateRecord<K, S, E>> {
  static override planModule = import.meta.url;
  private prevStateRDD: RDD<unknown>;
  private dataRDD: RDD<[K, V]>;
  private readonly mappingFunction: Mapping;
  private readonly timed: boolean;
  private readonly batchTime: number;
  private readonly timeoutThreshold: number | undefined;
  private readonly prevIsPairs: boolean;
  private readonly deltaChainThreshold: number;
  private doFullScan = false;

  constructor(
    prevStateRDD: RDD<unknown>,
    dataRDD: RDD<[K, V]>,
    mappingFunction: Function,
    timed: boolean,
    batchTime: number,
    timeoutThreshold: number | undefined,
    prevIsPairs: boolean,
    deltaChainThreshold: number,
  ) {
    super(prevStateRDD.sc, [new OneToOneDependency(prevStateRDD), new OneToOneDependency(dataRDD as RDD<unknown>)]);
    this.prevStateRDD = prevStateRDD;
    this.dataRDD = dataRDD;
    this.mappingFunction = mappingFunction as Mapping;
    this.timed = timed;
    this.batchTime = batchTime;
    this.timeoutThreshold = timeoutThreshold;
    this.prevIsPairs = prevIsPairs;
    this.deltaChainThreshold = deltaChainThreshold;
    this.partitioner = prevStateRDD.partitioner;
  }

  getNumPartitions(): number {
    return this.prevStateRDD.getNumPartitions();
  }

  /** Timeouts are scanned only on batches that checkpoint the state, as in Spark. */
  override checkpoint(): void {
    super.checkpoint();
    this.doFullScan = true;
  }

  compute(split: number, ctx: TaskContext): Iterable<MapWithStateRecord<K, S, E>> {
    const stateMap = this.previousStates(split, ctx);
    const mapped: E[] = [];
    const state = new State<S>();
    const f = this.mappingFunction;
    const time = new Time(this.batchTime);
    const emit = (r: unknown): void => {
      if (!this.timed) mapped.push(r as E);
      else if (r !== undefined && r !== null) mapped.push(r as E);
    };
    for (const [key, value] of this.dataRDD.iterator(split, ctx)) {
      const info = stateMap.getInfo(key);
      state.wrapState(info !== undefined, info?.data);
      emit(this.timed ? f(time, key, value, state) : f(key, value, state));
      if (state.isRemoved()) stateMap.remove(key);
      else if (state.isUpdated() || (state.exists() && this.timeoutThreshold !== undefined)) {
        // With a timeout, any record refreshes the key's timestamp, even without an update.
        stateMap.put(key, state.get(), this.batchTime);
      }
    }
    if (this.doFullScan && this.timeoutThreshold !== undefined) {
      for (const [key, s] of stateMap.getByTime(this.timeoutThreshold)) {
        state.wrapTimingOutState(s);
        emit(this.timed ? f(time, key, undefined, state) : f(key, undefined, state));
        stateMap.remove(key);
      }
    }
    return [new MapWithStateRecord(stateMap, mapped)];
  }

  private previousStates(split: number, ctx: TaskContext): StateMap<K, S> {
    const prev = this.prevStateRDD.iterator(split, ctx);
    if (this.prevIsPairs) {
      const m = new StateMap<K, S>(undefined, this.deltaChainThreshold);
      for (const kv of prev) {
        const [k, s] = kv as [K, S];
        m.put(k, s, this.batchTime);
      }
      return m;
    }
    for (const rec of prev) {
      return MapWithStateRecord.from(rec as MapWithStateRecord<K, S, E> | CheckpointedMapWithStateRecord<K, S, E>, this.deltaChainThreshold).stateMap.copy();
    }
    return new StateMap<K, S>(undefined, this.deltaChainThreshold);
  }

  override planArgs(b: PlanBuilder): PlanArgs {
    return this.planArgsWith({
      mappingFunction: b.fn(this.mappingFunction, "mapWithState function"),
      timed: this.timed,
      batchTime: this.batchTime,
      timeoutThreshold: this.timeoutThreshold,
      prevIsPairs: this.prevIsPairs,
      deltaChainThreshold: this.deltaChainThreshold,
      doFullScan: this.doFullScan,
    });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as MapWithStateRDD<unknown, unknown, unknown, unknown>;
    rdd.prevStateRDD = parents[0]!;
    rdd.dataRDD = parents[1]! as RDD<[unknown, unknown]>;
    return rdd;
  }
}
