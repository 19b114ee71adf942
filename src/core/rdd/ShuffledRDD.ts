import { RDD } from "./RDD.js";
import { ShuffleDependency, type Aggregator } from "./Dependency.js";
import type { Partitioner } from "../partitioner/Partitioner.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs, PlanBuilder } from "../executor/plan.js";
import { readBlock } from "../shuffle/BlockRef.js";
import { KeyMap } from "../util/KeyMap.js";
import { compareKeys } from "../util/compareKeys.js";
import type { Fn } from "./elementOps.js";

export interface KeyOrdering {
  ascending: boolean;
  keyfunc?: Fn;
}

/** The reduce side of a shuffle: reads this partition's map output and merges it by key. */
export class ShuffledRDD<K, V, C> extends RDD<[K, C]> {
  static override planModule = import.meta.url;
  private readonly shuffleId: number;
  /** The partitioner on the driver; read lazily, as a range partitioner's count waits for its sample. */
  private readonly part: Partitioner;
  /** Set instead of `part` when an executor revives the RDD from its plan. */
  private readonly numPartitions: number | undefined;
  private readonly aggregator: Aggregator<V, C> | undefined;
  private readonly mapSideCombine: boolean;
  private readonly keyOrdering: KeyOrdering | undefined;

  constructor(
    prev: RDD<[K, V]>,
    partitioner: Partitioner,
    options: { aggregator?: Aggregator<V, C>; mapSideCombine?: boolean; keyOrdering?: KeyOrdering } = {},
  ) {
    const shuffleId = prev.sc.newShuffleId();
    const mapSideCombine = options.mapSideCombine ?? options.aggregator !== undefined;
    super(prev.sc, [
      new ShuffleDependency<K, V, C>(prev, shuffleId, partitioner, options.aggregator as Aggregator<V, C> | undefined, mapSideCombine),
    ]);
    this.shuffleId = shuffleId;
    this.part = partitioner;
    this.partitioner = partitioner;
    this.aggregator = options.aggregator;
    this.mapSideCombine = mapSideCombine;
    this.keyOrdering = options.keyOrdering;
  }

  getNumPartitions(): number {
    return this.numPartitions ?? this.part.numPartitions;
  }

  compute(split: number, ctx: TaskContext): Iterable<[K, C]> {
    const blocks = ctx.shuffleBlocks(this.shuffleId, split);
    let out: Array<[K, C]>;
    const agg = this.aggregator;
    if (agg) {
      const m = new KeyMap<K, C>();
      for (const b of blocks) {
        const recs = readBlock<[K, unknown]>(b);
        ctx.recordsRead += recs.length;
        if (this.mapSideCombine) {
          for (const [k, c] of recs) m.update(k, () => c as C, (acc) => agg.mergeCombiners(acc, c as C));
        } else {
          for (const [k, v] of recs) m.update(k, () => agg.createCombiner(v as V), (acc) => agg.mergeValue(acc, v as V));
        }
      }
      out = Array.from(m.entries());
    } else {
      out = [];
      for (const b of blocks) {
        const recs = readBlock<[K, C]>(b);
        ctx.recordsRead += recs.length;
        for (let i = 0; i < recs.length; i++) out.push(recs[i]!);
      }
    }
    const ord = this.keyOrdering;
    if (ord) {
      const key = ord.keyfunc ?? ((k: unknown) => k);
      const sign = ord.ascending ? 1 : -1;
      out.sort((a, b) => sign * compareKeys(key(a[0]), key(b[0])));
    }
    return out;
  }

  override planArgs(b: PlanBuilder): PlanArgs {
    const agg = this.aggregator;
    return this.planArgsWith({
      shuffleId: this.shuffleId,
      numPartitions: this.getNumPartitions(),
      mapSideCombine: this.mapSideCombine,
      aggregator: agg && {
        createCombiner: b.fn(agg.createCombiner, "createCombiner"),
        mergeValue: b.fn(agg.mergeValue, "mergeValue"),
        mergeCombiners: b.fn(agg.mergeCombiners, "mergeCombiners"),
      },
      keyOrdering: this.keyOrdering && {
        ascending: this.keyOrdering.ascending,
        keyfunc: this.keyOrdering.keyfunc && b.fn(this.keyOrdering.keyfunc, "sort key function"),
      },
    });
  }
}
