import { RDD } from "./RDD.js";
import { MappedDependency } from "./Dependency.js";
import { IndexedNarrowRDD } from "./ZippedPartitionsRDD.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs, ReviveEnv } from "../executor/plan.js";
import { StorageLevel } from "../storage/StorageLevel.js";
import { JavaRandom } from "../util/JavaRandom.js";
import { byteswap32 } from "../util/scalaHashing.js";

/**
 * Spark's DefaultPartitionCoalescer for parents without preferred locations: at most
 * `maxPartitions` groups of consecutive parent partitions, group i holding
 * [floor(i*P/n), floor((i+1)*P/n)). Asking for more groups than parents gives one per parent.
 * (dstream's executors share one host, so there is no locality to balance.)
 */
export function coalesceGroups(parentPartitions: number, maxPartitions: number): number[][] {
  const groups: number[][] = [];
  if (maxPartitions >= parentPartitions) {
    for (let p = 0; p < parentPartitions; p++) groups.push([p]);
    return groups;
  }
  for (let i = 0; i < maxPartitions; i++) {
    const start = Math.floor((i * parentPartitions) / maxPartitions);
    const end = Math.floor(((i + 1) * parentPartitions) / maxPartitions);
    const g: number[] = [];
    for (let p = start; p < end; p++) g.push(p);
    groups.push(g);
  }
  return groups;
}

/** Fewer partitions without a shuffle: each partition is its group of parent partitions, in order. */
export class CoalescedRDD<T> extends RDD<T> {
  static override planModule = import.meta.url;
  private prev: RDD<T>;
  private readonly groups: number[][];

  constructor(prev: RDD<T>, maxPartitions: number) {
    const groups = coalesceGroups(prev.getNumPartitions(), maxPartitions);
    super(prev.sc, [new MappedDependency(prev as RDD<unknown>, (id) => groups[id] ?? [])]);
    this.prev = prev;
    this.groups = groups;
  }

  getNumPartitions(): number {
    return this.groups.length;
  }

  *compute(split: number, ctx: TaskContext): Iterable<T> {
    for (const p of this.groups[split]!) yield* this.prev.iterator(p, ctx);
  }

  override computePush(split: number, ctx: TaskContext, sink: (x: T) => void): void {
    for (const p of this.groups[split]!) this.prev.pushTo(p, ctx, sink);
  }

  // A revived RDD's dependencies are one-to-one, so the group's partitions are named here.
  override async prepare(split: number, ctx: TaskContext): Promise<void> {
    if (this.storageLevel !== StorageLevel.NONE && ctx.blockManager.has(this.id, split)) return;
    for (const p of this.groups[split]!) await this.prev.prepare(p, ctx);
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ groups: this.groups });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as CoalescedRDD<unknown>;
    rdd.prev = parents[0]!;
    return rdd;
  }
}

/**
 * The map side of `coalesce(n, shuffle = true)` (Spark's `distributePartition`): element k of
 * input partition i gets the key `start_i + k`, with `start_i = new Random(byteswap32(i)).nextInt(n)`,
 * so a HashPartitioner(n) deals the partition round-robin from a per-partition offset.
 */
export class DistributePartitionRDD<T> extends IndexedNarrowRDD<T, [number, T]> {
  static override planModule = import.meta.url;
  /** Spark builds this step with mapPartitionsWithIndex. */
  readonly sparkClassName = "MapPartitionsRDD";
  private readonly numPartitions: number;

  constructor(prev: RDD<T>, numPartitions: number) {
    super(prev, false);
    this.numPartitions = numPartitions;
  }

  protected sinkFor(split: number, push: (y: [number, T]) => void): (x: T) => void {
    let position = new JavaRandom(byteswap32(split)).nextInt(this.numPartitions);
    return (x) => {
      // Scala Int arithmetic: wraps rather than losing integer precision.
      position = (position + 1) | 0;
      push([position, x]);
    };
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ numPartitions: this.numPartitions });
  }
}
