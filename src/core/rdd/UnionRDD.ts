import { RDD } from "./RDD.js";
import { OneToOneDependency, RangeDependency, type Dependency } from "./Dependency.js";
import type { SparkContext } from "../SparkContext.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs, ReviveEnv } from "../executor/plan.js";

/**
 * The union of several RDDs. When every parent has the same partitioner, partition i of the
 * result is the union of every parent's partition i and keeps that partitioner (Spark's
 * PartitionerAwareUnionRDD); otherwise the parents' partitions are laid end to end.
 */
export class UnionRDD<T> extends RDD<T> {
  static override planModule = import.meta.url;
  private rdds: Array<RDD<T>>;
  private readonly aware: boolean;
  private readonly offsets: number[];

  constructor(sc: SparkContext, rdds: Array<RDD<T>>) {
    const first = rdds[0]?.partitioner;
    const aware = rdds.length > 0 && first !== undefined && rdds.every((r) => r.partitioner !== undefined && first.equals(r.partitioner));
    const deps: Dependency[] = [];
    const offsets: number[] = [];
    let pos = 0;
    for (const r of rdds) {
      offsets.push(pos);
      const n = r.getNumPartitions();
      deps.push(aware ? new OneToOneDependency(r as RDD<unknown>) : new RangeDependency(r as RDD<unknown>, 0, pos, n));
      pos += n;
    }
    super(sc, deps);
    this.rdds = rdds;
    this.aware = aware;
    this.offsets = offsets;
    if (aware) this.partitioner = first;
  }

  getNumPartitions(): number {
    if (this.aware) return this.rdds[0]!.getNumPartitions();
    return this.rdds.reduce((n, r) => n + r.getNumPartitions(), 0);
  }

  private locate(split: number): [RDD<T>, number] {
    for (let i = this.rdds.length - 1; i >= 0; i--) {
      if (split >= this.offsets[i]!) return [this.rdds[i]!, split - this.offsets[i]!];
    }
    throw new Error(`UnionRDD: partition ${split} out of range`);
  }

  *compute(split: number, ctx: TaskContext): Iterable<T> {
    if (this.aware) {
      for (const r of this.rdds) yield* r.iterator(split, ctx);
      return;
    }
    const [r, s] = this.locate(split);
    yield* r.iterator(s, ctx);
  }

  override computePush(split: number, ctx: TaskContext, sink: (x: T) => void): void {
    if (this.aware) {
      for (const r of this.rdds) r.pushTo(split, ctx, sink);
      return;
    }
    const [r, s] = this.locate(split);
    r.pushTo(s, ctx, sink);
  }

  override async prepare(split: number, ctx: TaskContext): Promise<void> {
    if (this.aware) {
      for (const r of this.rdds) await r.prepare(split, ctx);
      return;
    }
    const [r, s] = this.locate(split);
    await r.prepare(s, ctx);
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ aware: this.aware, offsets: this.offsets });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as UnionRDD<unknown>;
    rdd.rdds = parents;
    return rdd;
  }
}
