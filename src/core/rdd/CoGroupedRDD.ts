import { RDD } from "./RDD.js";
import { Dependency, OneToOneDependency, ShuffleDependency } from "./Dependency.js";
import type { Partitioner } from "../partitioner/Partitioner.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs, ReviveEnv } from "../executor/plan.js";
import { readBlock } from "../shuffle/BlockRef.js";
import { KeyMap } from "../util/KeyMap.js";

type Source = { narrow: number } | { shuffleId: number };

/**
 * Groups the values of several pair RDDs by key: the basis of cogroup and every join.
 * A parent already partitioned by the target partitioner is read in place, without a shuffle.
 */
export class CoGroupedRDD<K> extends RDD<[K, unknown[][]]> {
  static override planModule = import.meta.url;
  private parents: Array<RDD<[K, unknown]>>;
  private readonly sources: Source[];
  /** The partitioner on the driver; read lazily, as a range partitioner's count waits for its sample. */
  private readonly part: Partitioner;
  /** Set instead of `part` when an executor revives the RDD from its plan. */
  private readonly numPartitions: number | undefined;
  /** The parent whose keys are unique, if one is known to be (see `withUniqueKeys`). */
  private uniqueKeys: number | undefined;

  constructor(rdds: Array<RDD<[K, unknown]>>, partitioner: Partitioner) {
    const sc = rdds[0]!.sc;
    const sources: Source[] = [];
    const deps: Dependency[] = [];
    const narrowParents: Array<RDD<[K, unknown]>> = [];
    for (const r of rdds) {
      if (r.partitioner && r.partitioner.equals(partitioner)) {
        sources.push({ narrow: narrowParents.length });
        narrowParents.push(r);
        deps.push(new OneToOneDependency(r as RDD<unknown>));
      } else {
        const shuffleId = sc.newShuffleId();
        sources.push({ shuffleId });
        deps.push(new ShuffleDependency(r, shuffleId, partitioner, undefined, false));
      }
    }
    super(sc, deps);
    this.parents = narrowParents;
    this.sources = sources;
    this.part = partitioner;
    this.partitioner = partitioner;
  }

  getNumPartitions(): number {
    return this.numPartitions ?? this.part.numPartitions;
  }

  /**
   * @internal Declares that parent `i` holds each key at most once (a stateful stream's
   * previous state, say). Its records then stream past the groups of the other parents rather
   * than being collected into the map with them: with a large state and a small batch, the map
   * holds the batch's keys, not the state's. The groups are the same; the order differs (that
   * parent's order, then the keys it lacks), and a cogroup's order is unspecified, as in Spark.
   */
  withUniqueKeys(i: number): this {
    this.uniqueKeys = i;
    return this;
  }

  compute(split: number, ctx: TaskContext): Iterable<[K, unknown[][]]> {
    const n = this.sources.length;
    const groups = new KeyMap<K, unknown[][]>();
    const fresh = (): unknown[][] => {
      const g: unknown[][] = new Array<unknown[]>(n);
      for (let j = 0; j < n; j++) g[j] = [];
      return g;
    };
    this.sources.forEach((src, i) => {
      if (i === this.uniqueKeys) return;
      for (const kv of this.read(src, split, ctx)) groups.update(kv[0], fresh, (g) => g)[i]!.push(kv[1]);
    });
    return this.uniqueKeys === undefined ? groups.entries() : this.streamUnique(this.uniqueKeys, groups, fresh, split, ctx);
  }

  private *streamUnique(i: number, groups: KeyMap<K, unknown[][]>, fresh: () => unknown[][], split: number, ctx: TaskContext): IterableIterator<[K, unknown[][]]> {
    for (const kv of this.read(this.sources[i]!, split, ctx)) {
      // The key first seen is the one reported, as when every parent is collected in order.
      const found = groups.size === 0 ? undefined : groups.remove(kv[0]);
      const g = found === undefined ? fresh() : found[1];
      g[i]!.push(kv[1]);
      yield [found === undefined ? kv[0] : found[0], g];
    }
    yield* groups.entries();
  }

  private read(src: Source, split: number, ctx: TaskContext): Iterable<[K, unknown]> {
    if ("narrow" in src) return this.parents[src.narrow]!.iterator(split, ctx);
    return this.readShuffle(src.shuffleId, split, ctx);
  }

  private *readShuffle(shuffleId: number, split: number, ctx: TaskContext): IterableIterator<[K, unknown]> {
    for (const b of ctx.shuffleBlocks(shuffleId, split)) {
      const recs = readBlock<[K, unknown]>(b);
      ctx.recordsRead += recs.length;
      yield* recs;
    }
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ sources: this.sources, numPartitions: this.getNumPartitions(), uniqueKeys: this.uniqueKeys });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as CoGroupedRDD<unknown>;
    rdd.parents = parents as Array<RDD<[unknown, unknown]>>;
    return rdd;
  }
}
