import { RDD } from "./RDD.js";
import { pullThroughSink } from "./pullThroughSink.js";
import { OneToOneDependency } from "./Dependency.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs, ReviveEnv } from "../executor/plan.js";
import { IllegalArgumentException, SparkException } from "../errors.js";

/**
 * A one-to-one narrow RDD whose per-element work depends on the partition index (zipWithIndex,
 * sampling seeds, repartition's start position). MapPartitionsRDD's element ops cannot see the
 * index, and operations registered outside elementOps.ts do not exist in executor threads, so
 * these are classes of their own; they still fuse into the parent's push loop.
 */
export abstract class IndexedNarrowRDD<T, U> extends RDD<U> {
  protected prev: RDD<T>;

  protected constructor(prev: RDD<T>, preservesPartitioning: boolean) {
    super(prev.sc, [new OneToOneDependency(prev as RDD<unknown>)]);
    this.prev = prev;
    if (preservesPartitioning) this.partitioner = prev.partitioner;
  }

  getNumPartitions(): number {
    return this.prev.getNumPartitions();
  }

  /** The per-partition element transformer: called once per task, so it may hold per-partition state. */
  protected abstract sinkFor(split: number, push: (y: U) => void): (x: T) => void;

  *compute(split: number, ctx: TaskContext): Iterable<U> {
    yield* pullThroughSink<T, U>(this.prev.iterator(split, ctx), (push) => this.sinkFor(split, push));
  }

  override computePush(split: number, ctx: TaskContext, sink: (x: U) => void): void {
    this.prev.pushTo(split, ctx, this.sinkFor(split, sink));
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as IndexedNarrowRDD<unknown, unknown>;
    rdd.prev = parents[0]!;
    return rdd;
  }
}

/** Spark's zip: partition i pairs the elements of both parents' partition i, in order. */
export class ZippedPartitionsRDD2<A, B> extends RDD<[A, B]> {
  static override planModule = import.meta.url;
  private rdd1: RDD<A>;
  private rdd2: RDD<B>;

  constructor(rdd1: RDD<A>, rdd2: RDD<B>) {
    const n1 = rdd1.getNumPartitions();
    const n2 = rdd2.getNumPartitions();
    if (n1 !== n2) throw new IllegalArgumentException(`Can't zip RDDs with unequal numbers of partitions: List(${n1}, ${n2})`);
    super(rdd1.sc, [new OneToOneDependency(rdd1 as RDD<unknown>), new OneToOneDependency(rdd2 as RDD<unknown>)]);
    this.rdd1 = rdd1;
    this.rdd2 = rdd2;
  }

  getNumPartitions(): number {
    return this.rdd1.getNumPartitions();
  }

  *compute(split: number, ctx: TaskContext): Iterable<[A, B]> {
    const it1 = this.rdd1.iterator(split, ctx)[Symbol.iterator]();
    const it2 = this.rdd2.iterator(split, ctx)[Symbol.iterator]();
    for (;;) {
      const a = it1.next();
      const b = it2.next();
      if (a.done === true && b.done === true) return;
      if (a.done === true || b.done === true) throw unequalSizes();
      yield [a.value, b.value];
    }
  }

  /** Pushes the first parent and pulls the second alongside it: one fused loop for the common side. */
  override computePush(split: number, ctx: TaskContext, sink: (x: [A, B]) => void): void {
    const it2 = this.rdd2.iterator(split, ctx)[Symbol.iterator]();
    this.rdd1.pushTo(split, ctx, (a) => {
      const b = it2.next();
      if (b.done === true) throw unequalSizes();
      sink([a, b.value]);
    });
    if (it2.next().done !== true) throw unequalSizes();
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({});
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as ZippedPartitionsRDD2<unknown, unknown>;
    rdd.rdd1 = parents[0]!;
    rdd.rdd2 = parents[1]!;
    return rdd;
  }
}

function unequalSizes(): SparkException {
  return new SparkException("Can only zip RDDs with same number of elements in each partition");
}

/**
 * Pairs each element with `start[k] + i * step` (i counts from 0 within partition k). zipWithIndex
 * uses the partition offsets (step 1); zipWithUniqueId uses start k and step n, needing no job.
 *
 * zipWithIndex's offsets need a count job over the parent. Spark runs it when zipWithIndex is
 * called; dstream's transformations are synchronous (and an executor rebuilding the graph must not
 * run jobs), so the job runs in `driverPrepare`, which the scheduler awaits for every RDD in a
 * job's lineage before the job gets its id — the same order of jobs as Spark.
 */
export class ZippedWithIndexRDD<T> extends IndexedNarrowRDD<T, [T, number]> {
  static override planModule = import.meta.url;
  /** How toDebugString names it: zipWithUniqueId is a plain mapPartitionsWithIndex in Spark. */
  readonly sparkClassName: string;
  private startIndices: number[] | undefined;
  private readonly step: number;
  private preparing: Promise<void> | undefined;

  constructor(prev: RDD<T>, mode: "index" | "uniqueId") {
    super(prev, false);
    const n = prev.getNumPartitions();
    this.sparkClassName = mode === "index" ? "ZippedWithIndexRDD" : "MapPartitionsRDD";
    this.step = mode === "index" ? 1 : n;
    // Zero or one partition: the offsets are known without a job, as in Spark.
    this.startIndices = mode === "uniqueId" ? Array.from({ length: n }, (_, k) => k) : n <= 1 ? new Array<number>(n).fill(0) : undefined;
  }

  /** Runs the count job once; a failed job is not remembered, so a later action tries again. */
  driverPrepare(): Promise<void> | undefined {
    if (this.startIndices) return undefined;
    this.preparing ??= (async () => {
      const n = this.prev.getNumPartitions();
      const counts = await this.sc.runJob<number>(
        this.prev as RDD<unknown>,
        { name: "count", args: [] },
        Array.from({ length: n - 1 }, (_, i) => i),
        this.creationSite,
      );
      const starts = [0];
      for (const c of counts) starts.push(starts[starts.length - 1]! + c);
      this.startIndices = starts;
    })().finally(() => {
      this.preparing = undefined;
    });
    return this.preparing;
  }

  protected sinkFor(split: number, push: (y: [T, number]) => void): (x: T) => void {
    let next = this.offsets()[split]!;
    const step = this.step;
    return (x) => {
      push([x, next]);
      next += step;
    };
  }

  private offsets(): number[] {
    if (!this.startIndices) {
      throw new Error(`zipWithIndex: the partition offsets of RDD ${this.id} were not computed before its stage ran`);
    }
    return this.startIndices;
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ startIndices: this.offsets(), step: this.step });
  }
}
