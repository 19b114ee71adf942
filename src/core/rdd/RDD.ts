import type { SparkContext } from "../SparkContext.js";
import type { Partitioner } from "../partitioner/Partitioner.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs, PlanBuilder, ReviveEnv } from "../executor/plan.js";
import { Dependency, NarrowDependency, OneToOneDependency } from "./Dependency.js";
import { StorageLevel } from "../storage/StorageLevel.js";
import { StatCounter } from "../util/StatCounter.js";

/** Thrown by a sink to end a push loop early (take, first, isEmpty) without computing the rest of a partition. */
export class StopPush extends Error {
  constructor() {
    super("stop");
  }
}

export interface CheckpointState {
  state: "marked" | "writing" | "done";
  checkpointRDD?: RDD<unknown>;
}

/**
 * A Resilient Distributed Dataset: immutable, partitioned, lazily computed from its lineage.
 *
 * The base class holds what the engine needs (partitions, dependencies, compute, caching, shipping);
 * the user-facing operations are installed from `api/` files and declared in the interface below,
 * which keeps each file about one concept and keeps module loading free of import cycles.
 */
export abstract class RDD<T> {
  /** The module that defines the concrete class: an executor imports it to rebuild the RDD. */
  static planModule: string | undefined = undefined;

  readonly id: number;
  readonly sc: SparkContext;
  partitioner: Partitioner | undefined = undefined;
  storageLevel: StorageLevel = StorageLevel.NONE;
  creationSite = "";
  checkpointData: CheckpointState | undefined = undefined;
  private _name: string | undefined = undefined;
  private deps: Dependency[];

  protected constructor(sc: SparkContext, deps: Dependency[]) {
    this.sc = sc;
    this.deps = deps;
    this.id = sc ? sc.newRddId() : -1;
  }

  abstract getNumPartitions(): number;

  /** Computes one partition, pulling from the parents. */
  abstract compute(split: number, ctx: TaskContext): Iterable<T>;

  /** Pushes one partition's elements into `sink`. Element-wise RDDs override this to fuse into one loop. */
  computePush(split: number, ctx: TaskContext, sink: (x: T) => void): void {
    for (const x of this.compute(split, ctx)) sink(x);
  }

  /** Fetches what `compute` needs asynchronously (files, brokers) before the synchronous pipeline runs. */
  async prepare(split: number, ctx: TaskContext): Promise<void> {
    if (this.storageLevel !== StorageLevel.NONE && ctx.blockManager.has(this.id, split)) return;
    for (const dep of this.dependencies()) {
      if (dep instanceof NarrowDependency) {
        for (const p of dep.getParents(split)) await dep.rdd.prepare(p, ctx);
      }
    }
  }

  dependencies(): Dependency[] {
    const cp = this.checkpointData?.checkpointRDD;
    return cp ? [new OneToOneDependency(cp)] : this.deps;
  }

  /** Reads a partition the way every consumer should: from the cache or checkpoint when there is one. */
  iterator(split: number, ctx: TaskContext): Iterable<T> {
    const cp = this.checkpointData?.checkpointRDD as RDD<T> | undefined;
    if (this.storageLevel !== StorageLevel.NONE) {
      return ctx.blockManager.getOrCompute(this.id, split, this.storageLevel, () =>
        materialize(cp ? cp.iterator(split, ctx) : this.compute(split, ctx)),
      ) as T[];
    }
    return cp ? cp.iterator(split, ctx) : this.compute(split, ctx);
  }

  pushTo(split: number, ctx: TaskContext, sink: (x: T) => void): void {
    if (this.storageLevel !== StorageLevel.NONE || this.checkpointData?.checkpointRDD) {
      for (const x of this.iterator(split, ctx)) sink(x);
      return;
    }
    this.computePush(split, ctx, sink);
  }

  /**
   * Describes this RDD for an executor thread. Classes that cannot travel (user subclasses
   * without a `planModule`) return undefined, and their stages run on the driver.
   */
  planArgs(_builder: PlanBuilder): PlanArgs | undefined {
    return undefined;
  }

  /** The part of every plan that is the same: id, storage level, and the class's own fields. */
  protected planArgsWith(fields: Record<string, unknown>): PlanArgs {
    return {
      id: this.id,
      storageLevel: this.storageLevel === StorageLevel.NONE ? undefined : this.storageLevel.name,
      fields,
    };
  }

  /** Rebuilds an RDD in an executor from `planArgs`; the default revives through field assignment. */
  static revive(this: { prototype: object }, args: PlanArgs, parents: Array<RDD<unknown>>, _env: ReviveEnv): RDD<unknown> {
    const rdd = Object.create(this.prototype) as RDD<unknown>;
    Object.assign(rdd, args.fields);
    (rdd as unknown as { id: number }).id = args.id;
    rdd.storageLevel = args.storageLevel ? StorageLevel.fromName(args.storageLevel) : StorageLevel.NONE;
    rdd.deps = parents.map((p) => new OneToOneDependency(p));
    rdd.partitioner = undefined;
    rdd.checkpointData = undefined;
    return rdd;
  }

  get name(): string | undefined {
    return this._name;
  }

  setName(name: string): this {
    this._name = name;
    return this;
  }

  get context(): SparkContext {
    return this.sc;
  }

  sparkContext(): SparkContext {
    return this.sc;
  }

  toString(): string {
    return `${this._name ? this._name + " " : ""}${this.constructor.name}[${this.id}] at ${this.creationSite}`;
  }
}

export function materialize<T>(it: Iterable<T>): T[] {
  return Array.isArray(it) ? (it as T[]) : Array.from(it);
}

type Pair<K, V> = [K, V];
type Ordering<K> = (a: K, b: K) => number;

/** Options shared by the `sample` family. */
export interface JoinOptions {
  numPartitions?: number;
  partitioner?: Partitioner;
}

// The public API, installed by api/*.ts. Names and semantics are Spark's; pairs are [K, V] tuples.
export interface RDD<T> {
  // ---- element-wise transformations
  map<U>(f: (x: T) => U): RDD<U>;
  flatMap<U>(f: (x: T) => Iterable<U>): RDD<U>;
  filter(f: (x: T) => boolean): RDD<T>;
  mapPartitions<U>(f: (it: IterableIterator<T>) => Iterable<U>, preservesPartitioning?: boolean): RDD<U>;
  mapPartitionsWithIndex<U>(f: (index: number, it: IterableIterator<T>) => Iterable<U>, preservesPartitioning?: boolean): RDD<U>;
  glom(): RDD<T[]>;
  keyBy<K>(f: (x: T) => K): RDD<[K, T]>;
  // ---- combining and reshaping
  union(other: RDD<T>): RDD<T>;
  zip<U>(other: RDD<U>): RDD<[T, U]>;
  cartesian<U>(other: RDD<U>): RDD<[T, U]>;
  intersection(other: RDD<T>, numPartitions?: number): RDD<T>;
  subtract(other: RDD<T>, numPartitions?: number): RDD<T>;
  distinct(numPartitions?: number): RDD<T>;
  sample(withReplacement: boolean, fraction: number, seed?: number | bigint): RDD<T>;
  randomSplit(weights: number[], seed?: number | bigint): RDD<T>[];
  groupBy<K>(f: (x: T) => K, numPartitions?: number): RDD<[K, T[]]>;
  sortBy<K>(f: (x: T) => K, ascending?: boolean, numPartitions?: number): RDD<T>;
  coalesce(numPartitions: number, shuffle?: boolean): RDD<T>;
  repartition(numPartitions: number): RDD<T>;
  zipWithIndex(): RDD<[T, number]>;
  zipWithUniqueId(): RDD<[T, number]>;
  pipe(command: string | string[], env?: Record<string, string>): RDD<string>;
  // ---- pair transformations
  mapValues<K, V, U>(this: RDD<Pair<K, V>>, f: (v: V) => U): RDD<[K, U]>;
  flatMapValues<K, V, U>(this: RDD<Pair<K, V>>, f: (v: V) => Iterable<U>): RDD<[K, U]>;
  keys<K, V>(this: RDD<Pair<K, V>>): RDD<K>;
  values<K, V>(this: RDD<Pair<K, V>>): RDD<V>;
  reduceByKey<K, V>(this: RDD<Pair<K, V>>, f: (a: V, b: V) => V, numPartitionsOrPartitioner?: number | Partitioner): RDD<[K, V]>;
  groupByKey<K, V>(this: RDD<Pair<K, V>>, numPartitionsOrPartitioner?: number | Partitioner): RDD<[K, V[]]>;
  combineByKey<K, V, C>(
    this: RDD<Pair<K, V>>,
    createCombiner: (v: V) => C,
    mergeValue: (c: C, v: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    numPartitionsOrPartitioner?: number | Partitioner,
    mapSideCombine?: boolean,
  ): RDD<[K, C]>;
  aggregateByKey<K, V, U>(
    this: RDD<Pair<K, V>>,
    zeroValue: U,
    seqOp: (u: U, v: V) => U,
    combOp: (a: U, b: U) => U,
    numPartitionsOrPartitioner?: number | Partitioner,
  ): RDD<[K, U]>;
  foldByKey<K, V>(this: RDD<Pair<K, V>>, zeroValue: V, f: (a: V, b: V) => V, numPartitionsOrPartitioner?: number | Partitioner): RDD<[K, V]>;
  subtractByKey<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<[K, W]>, numPartitions?: number): RDD<[K, V]>;
  sortByKey<K, V>(this: RDD<Pair<K, V>>, ascending?: boolean, numPartitions?: number, keyfunc?: (k: K) => unknown): RDD<[K, V]>;
  partitionBy<K, V>(this: RDD<Pair<K, V>>, partitioner: Partitioner | number): RDD<[K, V]>;
  repartitionAndSortWithinPartitions<K, V>(this: RDD<Pair<K, V>>, partitioner: Partitioner | number, ascending?: boolean): RDD<[K, V]>;
  join<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<[K, W]>, numPartitionsOrPartitioner?: number | Partitioner): RDD<[K, [V, W]]>;
  leftOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<[K, W]>, numPartitionsOrPartitioner?: number | Partitioner): RDD<[K, [V, W | undefined]]>;
  rightOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<[K, W]>, numPartitionsOrPartitioner?: number | Partitioner): RDD<[K, [V | undefined, W]]>;
  fullOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<[K, W]>, numPartitionsOrPartitioner?: number | Partitioner): RDD<[K, [V | undefined, W | undefined]]>;
  cogroup<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<[K, W]>, numPartitionsOrPartitioner?: number | Partitioner): RDD<[K, [V[], W[]]]>;
  // ---- actions
  collect(): Promise<T[]>;
  count(): Promise<number>;
  first(): Promise<T>;
  take(num: number): Promise<T[]>;
  takeOrdered(num: number, ordering?: Ordering<T>): Promise<T[]>;
  top(num: number, ordering?: Ordering<T>): Promise<T[]>;
  takeSample(withReplacement: boolean, num: number, seed?: number | bigint): Promise<T[]>;
  isEmpty(): Promise<boolean>;
  reduce(f: (a: T, b: T) => T): Promise<T>;
  fold(zeroValue: T, op: (a: T, b: T) => T): Promise<T>;
  aggregate<U>(zeroValue: U, seqOp: (u: U, x: T) => U, combOp: (a: U, b: U) => U): Promise<U>;
  countByValue(): Promise<Map<T, number>>;
  foreach(f: (x: T) => void | Promise<void>): Promise<void>;
  foreachPartition(f: (it: IterableIterator<T>) => void | Promise<void>): Promise<void>;
  saveAsTextFile(path: string): Promise<void>;
  countByKey<K, V>(this: RDD<Pair<K, V>>): Promise<Map<K, number>>;
  collectAsMap<K, V>(this: RDD<Pair<K, V>>): Promise<Map<K, V>>;
  lookup<K, V>(this: RDD<Pair<K, V>>, key: K): Promise<V[]>;
  sum(this: RDD<number>): Promise<number>;
  mean(this: RDD<number>): Promise<number>;
  max(ordering?: Ordering<T>): Promise<T>;
  min(ordering?: Ordering<T>): Promise<T>;
  stats(this: RDD<number>): Promise<StatCounter>;
  variance(this: RDD<number>): Promise<number>;
  stdev(this: RDD<number>): Promise<number>;
  sampleVariance(this: RDD<number>): Promise<number>;
  sampleStdev(this: RDD<number>): Promise<number>;
  // ---- persistence and lineage
  persist(level?: StorageLevel): this;
  cache(): this;
  unpersist(blocking?: boolean): this;
  getStorageLevel(): StorageLevel;
  checkpoint(): void;
  localCheckpoint(): this;
  isCheckpointed(): boolean;
  getCheckpointFile(): string | undefined;
  toDebugString(): string;
}
