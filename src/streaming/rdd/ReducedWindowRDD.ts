import { RDD } from "../../core/rdd/RDD.js";
import { OneToOneDependency } from "../../core/rdd/Dependency.js";
import type { TaskContext } from "../../core/scheduler/TaskContext.js";
import type { PlanArgs, PlanBuilder, ReviveEnv } from "../../core/executor/plan.js";

type Reduce<V> = (a: V, b: V) => V;

/**
 * The incremental step of a windowed reduce with an inverse function. Each key's cogrouped
 * values are [previous window, batches that left, batches that entered]; the new value is
 * previous ⊖ left ⊕ entered. Runs on executors; the user's functions travel like any other.
 */
export class ReducedWindowRDD<K, V> extends RDD<[K, V]> {
  static override planModule = import.meta.url;
  private prev: RDD<[K, unknown[][]]>;
  private readonly numOld: number;
  private readonly numNew: number;
  private readonly reduceFunc: Reduce<V>;
  private readonly invReduceFunc: Reduce<V>;
  private readonly filterFunc: ((kv: [K, V]) => boolean) | undefined;

  constructor(
    cogrouped: RDD<[K, unknown[][]]>,
    numOld: number,
    numNew: number,
    reduceFunc: Reduce<V>,
    invReduceFunc: Reduce<V>,
    filterFunc: ((kv: [K, V]) => boolean) | undefined,
  ) {
    super(cogrouped.sc, [new OneToOneDependency(cogrouped as RDD<unknown>)]);
    this.prev = cogrouped;
    this.numOld = numOld;
    this.numNew = numNew;
    this.reduceFunc = reduceFunc;
    this.invReduceFunc = invReduceFunc;
    this.filterFunc = filterFunc;
    this.partitioner = cogrouped.partitioner;
  }

  getNumPartitions(): number {
    return this.prev.getNumPartitions();
  }

  *compute(split: number, ctx: TaskContext): Iterable<[K, V]> {
    for (const [key, groups] of this.prev.iterator(split, ctx)) {
      const kv: [K, V] = [key, this.merge(groups as V[][])];
      if (this.filterFunc === undefined || this.filterFunc(kv)) yield kv;
    }
  }

  private merge(groups: V[][]): V {
    const f = this.reduceFunc;
    if (groups.length !== 1 + this.numOld + this.numNew) throw new Error("Unexpected number of sequences of reduced values");
    const reduceHeads = (from: number, count: number): V[] => {
      const out: V[] = [];
      for (let i = from; i < from + count; i++) if (groups[i]!.length > 0) out.push(groups[i]![0] as V);
      return out;
    };
    const oldValues = reduceHeads(1, this.numOld);
    const newValues = reduceHeads(1 + this.numOld, this.numNew);
    const previous = groups[0]!;
    if (previous.length === 0) {
      if (newValues.length === 0) {
        throw new Error("Neither previous window has value for key, nor new values found. Are you sure your key class hashes consistently?");
      }
      return newValues.reduce(f);
    }
    let value = previous[0] as V;
    if (oldValues.length > 0) value = this.invReduceFunc(value, oldValues.reduce(f));
    if (newValues.length > 0) value = f(value, newValues.reduce(f));
    return value;
  }

  override planArgs(b: PlanBuilder): PlanArgs {
    return this.planArgsWith({
      numOld: this.numOld,
      numNew: this.numNew,
      reduceFunc: b.fn(this.reduceFunc, "reduceByKeyAndWindow reduce function"),
      invReduceFunc: b.fn(this.invReduceFunc, "reduceByKeyAndWindow inverse reduce function"),
      filterFunc: this.filterFunc === undefined ? undefined : b.fn(this.filterFunc, "reduceByKeyAndWindow filter function"),
    });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as ReducedWindowRDD<unknown, unknown>;
    rdd.prev = parents[0] as RDD<[unknown, unknown[][]]>;
    return rdd;
  }
}
