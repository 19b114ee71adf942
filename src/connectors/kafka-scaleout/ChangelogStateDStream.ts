import { logger } from "../../core/log.js";
import type { StreamingContext, Time } from "../../index.js";
import type { ProducerRecord } from "../kafka/index.js";
import type { ReducerBatch, ReducerCommit, ReducerRuntime } from "./RepartitionReader.js";
import { ReducerInputDStream } from "./ReducerInputDStream.js";
import { StateChangelog, type PartitionState, type StateEntry } from "./StateChangelog.js";

/**
 * One task's state during a batch: reads see the batch's own writes, and every write that
 * changes a key's JSON (or removes it) becomes a changelog update of the batch.
 */
export class StateEditor<K, S> {
  constructor(
    private readonly part: PartitionState<K, S>,
    private readonly partition: number,
    private readonly changelog: StateChangelog<K, S>,
    private readonly changes: ProducerRecord[],
    private readonly operation: string,
  ) {}

  get(kj: string): StateEntry<K, S> | undefined {
    return this.part.get(kj);
  }

  has(kj: string): boolean {
    return this.part.has(kj);
  }

  /** Every key's entry; one may be set or removed while it is visited. */
  entries(): IterableIterator<[string, StateEntry<K, S>]> {
    return this.part.entries();
  }

  get size(): number {
    return this.part.size;
  }

  set(kj: string, key: K, state: S): void {
    const json = JSON.stringify(state);
    if (json === undefined) throw new TypeError(`${this.operation}: the state of key ${kj} is not JSON (got ${typeof state}); a scale-out state travels through its changelog as JSON`);
    const prev = this.part.get(kj);
    if (prev !== undefined && prev.json === json) return;
    // Parsed back, so that this copy holds what a new owner of the task would restore.
    this.part.set(kj, { key, state: JSON.parse(json) as S, json });
    this.changes.push(this.changelog.update(this.partition, kj, json));
  }

  remove(kj: string): void {
    if (!this.part.delete(kj)) return;
    this.changes.push(this.changelog.update(this.partition, kj, null));
  }
}

/** Where a stateful operator runs: its context, its topics, and what it needs from the coordinator. */
export interface StateStreamSite {
  readonly ssc: StreamingContext;
  readonly operator: string;
  readonly repartitionTopic: string;
  readonly changelogTopic: string;
  readonly taskCount: () => number;
  readonly runtime: ReducerRuntime;
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * A stateful reduce side: each task's state lives in the copy that runs the task, backed by the
 * operator's changelog. A copy that gets a task (at start, after a rebalance, or after a failed
 * batch) restores its state from the changelog before the task's next batch; each batch's
 * changes go to the changelog in the copy's transaction of the batch. Subclasses say what a
 * batch does to a task's state (`step`) and what the stream's batch holds.
 */
export abstract class ChangelogStateDStream<K, V, S, T> extends ReducerInputDStream<K, V, T> {
  private readonly changelog: StateChangelog<K, S>;
  private state = new Map<number, PartitionState<K, S>>();

  readonly operator: string;
  readonly repartitionTopic: string;
  readonly changelogTopic: string;

  constructor(site: StateStreamSite) {
    super(site.ssc, site.operator, site.repartitionTopic, site.taskCount, site.runtime, site.params);
    this.operator = site.operator;
    this.repartitionTopic = site.repartitionTopic;
    this.changelogTopic = site.changelogTopic;
    this.changelog = new StateChangelog<K, S>(site.runtime.applicationId, site.changelogTopic, site.runtime.admin, site.params, site.runtime.maxWaitMs);
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

  /** What batch `time` does to one task's state, given the pairs the repartition emitted for it; appends the batch's elements to `out`. */
  protected abstract step(state: StateEditor<K, S>, pairs: Array<[K, V]>, time: Time, out: T[]): void;

  /** Called once per batch after every task's step, e.g. to remember a view of the state. */
  protected afterBatch(_time: Time, _state: ReadonlyMap<number, PartitionState<K, S>>): void {}

  protected async emit(validTime: Time, batch: ReducerBatch<K, V>): Promise<{ elements: T[]; commit: ReducerCommit }> {
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
      logger().info(`${this.simpleName} '${this.operator}': restored ${keys} keys of tasks [${fresh.join(", ")}] from ${this.changelogTopic} in ${Date.now() - began} ms`);
    }
    // Changelog updates go straight into the batch's records, committed with it.
    const records = batch.commit.records;
    const before = records.length;
    const elements: T[] = [];
    let pairs = 0;
    for (const [r, values] of batch.byPartition) {
      pairs += values.length;
      this.step(new StateEditor(state.get(r)!, r, this.changelog, records, `${this.simpleName} '${this.operator}'`), values, validTime, elements);
    }
    this.afterBatch(validTime, state);
    this.reportInputInfo(validTime, pairs, {
      repartition: this.repartitionTopic,
      changelog: this.changelogTopic,
      tasks: batch.state.tasks,
      stateKeys: [...state.values()].reduce((n, s) => n + s.size, 0),
      changelogUpdates: records.length - before,
    });
    return { elements, commit: batch.commit };
  }
}
