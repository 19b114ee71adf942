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

  compute(split: number, ctx: TaskContext): Iterable<[K, unknown[][]]> {
    const n = this.sources.length;
    const groups = new KeyMap<K, unknown[][]>();
    const fresh = (): unknown[][] => Array.from({ length: n }, () => []);
    this.sources.forEach((src, i) => {
      const add = (kv: [K, unknown]): void => {
        groups.update(kv[0], fresh, (g) => g)[i]!.push(kv[1]);
      };
      if ("narrow" in src) {
        for (const kv of this.parents[src.narrow]!.iterator(split, ctx)) add(kv);
      } else {
        for (const b of ctx.shuffleBlocks(src.shuffleId, split)) {
          const recs = readBlock<[K, unknown]>(b);
          ctx.recordsRead += recs.length;
          for (const kv of recs) add(kv);
        }
      }
    });
    return groups.entries();
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ sources: this.sources, numPartitions: this.getNumPartitions() });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as CoGroupedRDD<unknown>;
    rdd.parents = parents as Array<RDD<[unknown, unknown]>>;
    return rdd;
  }
}
