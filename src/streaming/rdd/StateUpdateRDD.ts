import { RDD } from "../../core/rdd/RDD.js";
import { OneToOneDependency } from "../../core/rdd/Dependency.js";
import type { TaskContext } from "../../core/scheduler/TaskContext.js";
import type { PlanArgs, PlanBuilder, ReviveEnv } from "../../core/executor/plan.js";
import { Time } from "../Time.js";

/** What the parent's rows are: new values cogrouped with old state, old state alone, or new values alone. */
export type StateInput = "cogrouped" | "stateOnly" | "valuesOnly";

/** How the user's function is called: per key `(values, state)`, per key with time, or over the partition's iterator. */
export type UpdateKind = "values" | "time" | "iterator";

type Triple = [unknown, unknown[], unknown];

/**
 * One batch of updateStateByKey: feeds every key with new values or existing state to the
 * user's update function and keeps what it returns (undefined or null removes the key).
 * Runs on the executor that holds the key range's previous state.
 */
export class StateUpdateRDD<K, S> extends RDD<[K, S]> {
  static override planModule = import.meta.url;
  private prev: RDD<unknown>;
  private readonly input: StateInput;
  private readonly kind: UpdateKind;
  private readonly updateFunc: Function;
  private readonly batchTime: number;

  constructor(parent: RDD<unknown>, input: StateInput, kind: UpdateKind, updateFunc: Function, batchTime: number, preservePartitioning: boolean) {
    super(parent.sc, [new OneToOneDependency(parent)]);
    this.prev = parent;
    this.input = input;
    this.kind = kind;
    this.updateFunc = updateFunc;
    this.batchTime = batchTime;
    if (preservePartitioning) this.partitioner = parent.partitioner;
  }

  getNumPartitions(): number {
    return this.prev.getNumPartitions();
  }

  compute(split: number, ctx: TaskContext): Iterable<[K, S]> {
    const rows = this.prev.iterator(split, ctx);
    if (this.kind === "iterator") {
      const out = (this.updateFunc as (it: IterableIterator<Triple>) => Iterable<[K, S]>)(toTriples(rows, this.input));
      if (out === null || out === undefined || typeof (out as Iterable<unknown>)[Symbol.iterator] !== "function") {
        throw new TypeError("updateStateByKey: the iterator update function must return an iterable of [key, state] pairs");
      }
      return out;
    }
    const out: Array<[K, S]> = [];
    const time = this.kind === "time" ? new Time(this.batchTime) : undefined;
    const f = this.updateFunc as (...args: unknown[]) => unknown;
    // A plain loop, not the triples' generator: this runs once per key of the whole state.
    for (const row of rows) {
      const t = tripleOf(row, this.input);
      const next = time === undefined ? f(t[1], t[2]) : f(time, t[0], t[1], t[2]);
      if (next !== undefined && next !== null) out.push([t[0] as K, next as S]);
    }
    return out;
  }

  override planArgs(b: PlanBuilder): PlanArgs {
    return this.planArgsWith({
      input: this.input,
      kind: this.kind,
      batchTime: this.batchTime,
      updateFunc: b.fn(this.updateFunc, "updateStateByKey function"),
    });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as StateUpdateRDD<unknown, unknown>;
    rdd.prev = parents[0]!;
    return rdd;
  }
}

function* toTriples(rows: Iterable<unknown>, input: StateInput): IterableIterator<Triple> {
  for (const row of rows) yield tripleOf(row, input);
}

function tripleOf(row: unknown, input: StateInput): Triple {
  const [key, v] = row as [unknown, unknown];
  switch (input) {
    case "cogrouped": {
      const [values, states] = v as [unknown[], unknown[]];
      return [key, values, states.length > 0 ? states[0] : undefined];
    }
    case "stateOnly":
      return [key, [], v];
    case "valuesOnly":
      return [key, v as unknown[], undefined];
  }
}
