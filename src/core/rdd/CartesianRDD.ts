import { RDD } from "./RDD.js";
import { MappedDependency } from "./Dependency.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs, ReviveEnv } from "../executor/plan.js";
import { StorageLevel } from "../storage/StorageLevel.js";

/**
 * Every pair of elements of two RDDs. Partition `i * n2 + j` crosses partition i of the first
 * with partition j of the second, as in Spark. Like Spark, the second partition is read again
 * for every element of the first (from the cache if it is persisted), so its side effects repeat.
 */
export class CartesianRDD<A, B> extends RDD<[A, B]> {
  static override planModule = import.meta.url;
  private rdd1: RDD<A>;
  private rdd2: RDD<B>;
  private readonly n1: number;
  private readonly n2: number;

  constructor(rdd1: RDD<A>, rdd2: RDD<B>) {
    const n2 = rdd2.getNumPartitions();
    super(rdd1.sc, [
      new MappedDependency(rdd1 as RDD<unknown>, (id) => [Math.floor(id / n2)]),
      new MappedDependency(rdd2 as RDD<unknown>, (id) => [id % n2]),
    ]);
    this.rdd1 = rdd1;
    this.rdd2 = rdd2;
    this.n1 = rdd1.getNumPartitions();
    this.n2 = n2;
  }

  getNumPartitions(): number {
    return this.n1 * this.n2;
  }

  *compute(split: number, ctx: TaskContext): Iterable<[A, B]> {
    const s2 = split % this.n2;
    for (const a of this.rdd1.iterator(Math.floor(split / this.n2), ctx)) {
      for (const b of this.rdd2.iterator(s2, ctx)) yield [a, b];
    }
  }

  override computePush(split: number, ctx: TaskContext, sink: (x: [A, B]) => void): void {
    const s2 = split % this.n2;
    this.rdd1.pushTo(Math.floor(split / this.n2), ctx, (a) => this.rdd2.pushTo(s2, ctx, (b) => sink([a, b])));
  }

  // A revived RDD's dependencies are one-to-one, so the parents' partitions are named here.
  override async prepare(split: number, ctx: TaskContext): Promise<void> {
    if (this.storageLevel !== StorageLevel.NONE && ctx.blockManager.has(this.id, split)) return;
    await this.rdd1.prepare(Math.floor(split / this.n2), ctx);
    await this.rdd2.prepare(split % this.n2, ctx);
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ n1: this.n1, n2: this.n2 });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as CartesianRDD<unknown, unknown>;
    rdd.rdd1 = parents[0]!;
    rdd.rdd2 = parents[1]!;
    return rdd;
  }
}
