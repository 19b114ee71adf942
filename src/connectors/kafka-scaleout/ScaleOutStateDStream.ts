import { Time, type StreamingContext } from "../../index.js";
import type { ProducerRecord } from "../kafka/index.js";
import type { ReducerBatch, ReducerCommit, ReducerRuntime } from "./RepartitionReader.js";
import { ReducerInputDStream } from "./ReducerInputDStream.js";
import { StateChangelog, type PartitionState } from "./StateChangelog.js";

/** Spark's two per-key forms: `(values, state)`, or with four parameters `(time, key, values, state)`. */
export type ScaleOutUpdateFunc<K, V, S> =
  | ((values: V[], state: S | undefined) => S | undefined | null)
  | ((time: Time, key: K, values: V[], state: S | undefined) => S | undefined | null);

/**
 * updateStateByKey across copies: the pairs are re-keyed through the operator's repartition
 * topic, and each task's state lives in the copy that runs the task, backed by the operator's
 * changelog. A copy that gets a task (at start, after a rebalance, or after a failed batch)
 * restores its state from the changelog before the task's next batch. As in Spark, every key
 * with new values or state goes through the update function each batch, and undefined or null
 * removes the key; the stream's batch t is the whole state after batch t.
 */
export class ScaleOutStateDStream<K, V, S> extends ReducerInputDStream<K, V, [K, S]> {
  private readonly changelog: StateChangelog<K, S>;
  private state = new Map<number, PartitionState<K, S>>();
  /** How long each restore took, and how many keys it brought back: the start-up report and the tests read it. */
  readonly restores: Array<{ time: number; partitions: number[]; keys: number; ms: number }> = [];

  constructor(
    ssc: StreamingContext,
    readonly operator: string,
    readonly repartitionTopic: string,
    readonly changelogTopic: string,
    taskCount: () => number,
    private readonly updateFunc: ScaleOutUpdateFunc<K, V, S>,
    runtime: ReducerRuntime,
    params: Readonly<Record<string, unknown>>,
  ) {
    super(ssc, operator, repartitionTopic, taskCount, runtime, params);
    this.changelog = new StateChangelog<K, S>(runtime.applicationId, changelogTopic, runtime.admin, params, runtime.maxWaitMs);
  }

  override get name(): string {
    return `scale-out state stream [${this.id}] (${this.changelogTopic})`;
  }

  /** Called by the coordinator at start, once the task count is known. */
  async createChangelog(tasks: number): Promise<void> {
    await this.changelog.create(tasks);
  }

  override async stop(): Promise<void> {
    await Promise.all([super.stop(), this.changelog.close()]);
  }

  /** After a failed batch: the state since the last commit is gone; the next batch restores every task from the changelog. */
  override reset(): void {
    super.reset();
    this.state = new Map();
  }

  protected async emit(validTime: Time, batch: ReducerBatch<K, V>): Promise<{ elements: Array<[K, S]>; commit: ReducerCommit }> {
    const t = validTime.milliseconds;
    // A batch read before a reset continues from uncommitted positions, and is abandoned: its
    // values must not reach the state that the next batch restores and builds on.
    if (!batch.current()) return { elements: [], commit: batch.commit };
    // Held for the whole call: a reset during the restore replaces the map, and this batch is then abandoned.
    const state = this.state;
    for (const r of [...state.keys()]) if (!batch.byPartition.has(r)) state.delete(r);
    const fresh = [...batch.byPartition.keys()].filter((r) => !state.has(r));
    if (fresh.length > 0) {
      const began = Date.now();
      const restored = await this.changelog.restore(fresh);
      let keys = 0;
      for (const [r, s] of restored) {
        state.set(r, s);
        keys += s.size;
      }
      this.restores.push({ time: t, partitions: fresh, keys, ms: Date.now() - began });
    }
    const changes: ProducerRecord[] = [];
    const pairs: Array<[K, S]> = [];
    const withTime = this.updateFunc.length === 4;
    const time = new Time(t);
    for (const [r, values] of batch.byPartition) {
      const part = state.get(r)!;
      const byKey = new Map<string, { key: K; values: V[] }>();
      for (const [k, v] of values) {
        const kj = JSON.stringify(k);
        const g = byKey.get(kj);
        if (g) g.values.push(v);
        else byKey.set(kj, { key: k, values: [v] });
      }
      const update = (kj: string, key: K, vs: V[]): void => {
        const prev = part.get(kj);
        const next = withTime
          ? (this.updateFunc as (time: Time, key: K, values: V[], state: S | undefined) => S | undefined | null)(time, key, vs, prev?.state)
          : (this.updateFunc as (values: V[], state: S | undefined) => S | undefined | null)(vs, prev?.state);
        if (next === undefined || next === null) {
          if (prev !== undefined) {
            part.delete(kj);
            changes.push(this.changelog.update(r, kj, null));
          }
          return;
        }
        const json = JSON.stringify(next);
        if (json === undefined) throw new TypeError(`updateStateByKey '${this.operator}': the state of key ${kj} is not JSON (got ${typeof next}); a scale-out state travels through its changelog as JSON`);
        // Parsed back so that this copy holds what a new owner would restore.
        if (prev === undefined || prev.json !== json) {
          part.set(kj, { key, state: JSON.parse(json) as S, json });
          changes.push(this.changelog.update(r, kj, json));
        }
      };
      // New keys first, so that the pass over the held state (in place: a Map may drop the
      // entry it is visiting) can skip them without copying the whole state.
      const added = new Set<string>();
      for (const [kj, g] of byKey) {
        if (part.has(kj)) continue;
        added.add(kj);
        update(kj, g.key, g.values);
      }
      for (const [kj, e] of part) if (!added.has(kj)) update(kj, e.key, byKey.get(kj)?.values ?? []);
      for (const e of part.values()) pairs.push([e.key, e.state]);
    }
    const records = batch.commit.records;
    for (const c of changes) records.push(c);
    this.reportInputInfo(validTime, [...batch.byPartition.values()].reduce((n, v) => n + v.length, 0), {
      repartition: this.repartitionTopic,
      changelog: this.changelogTopic,
      tasks: batch.state.tasks,
      stateKeys: pairs.length,
      changelogUpdates: changes.length,
    });
    return { elements: pairs, commit: { offsets: batch.commit.offsets, records } };
  }
}
