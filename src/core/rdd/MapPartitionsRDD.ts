import { RDD } from "./RDD.js";
import { OneToOneDependency } from "./Dependency.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs, PlanBuilder, ReviveEnv } from "../executor/plan.js";
import { elementOps, type ElementOp, type Fn } from "./elementOps.js";
import { pullThroughSink } from "./pullThroughSink.js";

/** A narrow operation applied to each partition of one parent: map, flatMap, filter, mapPartitions, … */
export class MapPartitionsRDD<U, T> extends RDD<U> {
  static override planModule = import.meta.url;
  private prev: RDD<T>;
  private readonly op: string;
  private readonly fns: Fn[];
  private readonly params: unknown;

  constructor(prev: RDD<T>, op: string, fns: Fn[], params?: unknown, preservesPartitioning = false) {
    super(prev.sc, [new OneToOneDependency(prev as RDD<unknown>)]);
    if (!elementOps[op]) throw new Error(`MapPartitionsRDD: unknown operation '${op}'`);
    this.prev = prev;
    this.op = op;
    this.fns = fns;
    this.params = params;
    if (preservesPartitioning) this.partitioner = prev.partitioner;
  }

  getNumPartitions(): number {
    return this.prev.getNumPartitions();
  }

  private opDef(): ElementOp {
    return elementOps[this.op]!;
  }

  *compute(split: number, ctx: TaskContext): Iterable<U> {
    const op = this.opDef();
    if (op.partition) {
      yield* op.partition(this.fns, this.params, iteratorOf(this.prev.iterator(split, ctx)), split, ctx) as Iterable<U>;
      return;
    }
    yield* pullThroughSink<T, U>(this.prev.iterator(split, ctx), (push) => op.sink!(this.fns, this.params, push as (y: unknown) => void));
  }

  override computePush(split: number, ctx: TaskContext, sink: (x: U) => void): void {
    const op = this.opDef();
    if (op.sink) {
      this.prev.pushTo(split, ctx, op.sink(this.fns, this.params, sink as (x: unknown) => void) as (x: T) => void);
      return;
    }
    for (const y of this.compute(split, ctx)) sink(y);
  }

  override planArgs(b: PlanBuilder): PlanArgs {
    return this.planArgsWith({ op: this.op, fns: this.fns.map((f, i) => b.fn(f, `${this.op} function ${i + 1}`)), params: this.params });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as MapPartitionsRDD<unknown, unknown>;
    rdd.prev = parents[0]!;
    return rdd;
  }
}

export function iteratorOf<T>(it: Iterable<T>): IterableIterator<T> {
  const i = it[Symbol.iterator]();
  return (Symbol.iterator in i ? i : { next: () => i.next(), [Symbol.iterator]() { return this; } }) as IterableIterator<T>;
}
