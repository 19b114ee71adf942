import type { RDD } from "../../core/rdd/RDD.js";
import { DStream, State, type Duration, type StateSpec, type Time } from "../../index.js";
import { ChangelogStateDStream, type StateEditor, type StateStreamSite } from "./ChangelogStateDStream.js";
import type { PartitionState } from "./StateChangelog.js";

/** A key's state as its changelog holds it: the user's state, and when a record last touched it (for the timeout). */
interface Timed<S> {
  readonly s: S;
  readonly u: number;
}

/** Spark checkpoints a mapWithState stream every ten batch intervals by default, and scans for timeouts only then. */
const TIMEOUT_SCAN_BATCHES = 10;

/**
 * mapWithState across copies (`so.mapWithState`): the mapping function gets each record of the
 * batch with its key's state, in the order the repartition emitted them, and what it returns is
 * the stream's batch; with a timeout, keys that no record touched for that long get one last call
 * with `state.isTimingOut()` and are removed, in the batches where Spark would scan for them.
 */
export class ScaleOutMapWithStateDStream<K, V, S, E> extends ChangelogStateDStream<K, V, Timed<S>, E> {
  private readonly fn: Function;
  private readonly timed: boolean;
  private readonly timeoutMs: number | undefined;
  private snapshotsWanted = false;
  private readonly snapshots = new Map<number, Array<[K, S]>>();

  private readonly gridZero: () => number;

  constructor(site: StateStreamSite, spec: StateSpec<K, V, S, E>) {
    super(site);
    this.gridZero = site.runtime.zeroTime;
    this.fn = spec.getFunction();
    this.timed = spec.isTimed();
    this.timeoutMs = (spec.getTimeoutInterval() as Duration | undefined)?.milliseconds;
  }

  override get name(): string {
    return `scale-out mapWithState stream [${this.id}] (${this.changelogTopic})`;
  }

  protected step(part: StateEditor<K, Timed<S>>, values: Array<[K, V]>, time: Time, out: E[]): void {
    const t = time.milliseconds;
    const state = new State<S>();
    const emit = (r: unknown): void => {
      if (!this.timed || (r !== undefined && r !== null)) out.push(r as E);
    };
    const call = (key: K, value: V | undefined): unknown =>
      this.timed ? (this.fn as (t: Time, k: K, v: V | undefined, s: State<S>) => unknown)(time, key, value, state) : (this.fn as (k: K, v: V | undefined, s: State<S>) => unknown)(key, value, state);
    for (const [key, value] of values) {
      const kj = JSON.stringify(key);
      const e = part.get(kj);
      state.wrapState(e !== undefined, e?.state.s);
      emit(call(key, value));
      if (state.isRemoved()) part.remove(kj);
      // With a timeout, any record refreshes the key's time, even without an update (as in Spark).
      else if (state.isUpdated() || (state.exists() && this.timeoutMs !== undefined)) part.set(kj, key, { s: state.get(), u: this.timeoutMs === undefined ? 0 : t });
    }
    const batchMs = this.slideDuration.milliseconds;
    if (this.timeoutMs !== undefined && (t - this.gridZero()) % (TIMEOUT_SCAN_BATCHES * batchMs) === 0) {
      const threshold = t - this.timeoutMs;
      for (const [kj, e] of part.entries()) {
        if (e.state.u >= threshold) continue;
        state.wrapTimingOutState(e.state.s);
        emit(call(e.key, undefined));
        part.remove(kj);
      }
    }
  }

  protected override afterBatch(time: Time, state: ReadonlyMap<number, PartitionState<K, Timed<S>>>): void {
    if (!this.snapshotsWanted) return;
    const all: Array<[K, S]> = [];
    for (const part of state.values()) for (const e of part.values()) all.push([e.key, e.state.s]);
    this.snapshots.set(time.milliseconds, all);
  }

  /** Every key's state after each batch, as Spark's `stateSnapshots()`. */
  stateSnapshots(): DStream<[K, S]> {
    this.snapshotsWanted = true;
    return new StateSnapshotDStream<K, S>(this, (t) => this.snapshots.get(t));
  }

  override clearMetadata(time: Time, dropped: Array<RDD<unknown>> = []): void {
    super.clearMetadata(time, dropped);
    const limit = time.milliseconds - (this.rememberDuration?.milliseconds ?? 0);
    for (const t of [...this.snapshots.keys()]) if (t <= limit) this.snapshots.delete(t);
  }
}

/** The states that a mapWithState batch left, read from the batch its parent has prepared. */
class StateSnapshotDStream<K, S> extends DStream<[K, S]> {
  constructor(
    private readonly parent: DStream<unknown>,
    private readonly snapshotAt: (time: number) => Array<[K, S]> | undefined,
  ) {
    super(parent.context);
  }

  get slideDuration(): Duration {
    return this.parent.slideDuration;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [this.parent];
  }

  compute(validTime: Time): RDD<[K, S]> | undefined {
    if (this.parent.getOrCompute(validTime) === undefined) return undefined;
    const s = this.snapshotAt(validTime.milliseconds);
    return s === undefined ? undefined : this.context.sparkContext.parallelize(s, 1);
  }
}
