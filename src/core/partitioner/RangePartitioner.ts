/**
 * Spark's `RangePartitioner`: splits sortable keys into roughly equal ranges whose upper
 * bounds come from a sample of the data. Used by sortByKey / sortBy.
 *
 * Spark's constructor runs the sampling job itself; dstream's engine owns jobs, so the
 * computation is split into steps the engine drives:
 *
 * 1. `RangePartitioner.sketchPlan(partitions, parentPartitions)` says how many keys to sample
 *    per parent partition (and whether sampling is needed at all).
 * 2. The engine runs one job: for parent partition `i`,
 *    `reservoirSampleAndCount(keys, sampleSizePerPartition, RangePartitioner.sketchSeed(rddId, i))`,
 *    collecting `{ index: i, count, sample }` (Spark's `RangePartitioner.sketch`).
 * 3. Optionally, `RangePartitioner.resamplePlan(partitions, sketch)` names partitions holding
 *    far more than their share; the engine may re-sample them (Bernoulli sampling with
 *    `fraction` and seed `RangePartitioner.resampleSeed(rddId)`) and pass the keys as
 *    `options.resampled`.
 * 4. `RangePartitioner.fromSketch(partitions, sketch, ascending, ordering, options)` weighs the
 *    candidates and picks bounds with Spark's `determineBounds`.
 *
 * If step 3 is skipped, an imbalanced partition contributes its reservoir sample with weight
 * count / sampleSize like every other partition instead of being re-sampled: bounds stay
 * unbiased but are coarser inside that partition's key range, and can differ from Spark's.
 *
 * As in Spark, the resulting partitioner can have fewer partitions than requested when the
 * sample has fewer distinct keys than that.
 */
import { requireArg } from "../errors.js";
import { compareKeys, type Ordering } from "../util/compareKeys.js";
import { javaHashCode } from "../util/javaHash.js";
import { keysEqual } from "../util/keyEncoding.js";
import { byteswap32 } from "../util/scalaHashing.js";
import { Partitioner, type RangePartitionerDescriptor } from "./Partitioner.js";

/** One parent partition's share of the sampling job. */
export interface PartitionSketch<K> {
  /** Parent partition index. */
  readonly index: number;
  /** Number of keys in the partition. */
  readonly count: number;
  /** Reservoir sample of at most `sampleSizePerPartition` keys. */
  readonly sample: readonly K[];
}

export interface SketchPlan {
  /** False when the target has at most one partition: no bounds are needed, skip sampling. */
  readonly required: boolean;
  /** Total number of sample points wanted, capped at 1e6. */
  readonly sampleSize: number;
  /** Reservoir size for each parent partition. */
  readonly sampleSizePerPartition: number;
}

export interface ResamplePlan {
  /** Bernoulli sampling fraction for the imbalanced partitions (also their weight's inverse). */
  readonly fraction: number;
  /** Parent partitions whose sketch under-represents them; empty when none. */
  readonly imbalancedPartitions: readonly number[];
}

export interface FromSketchOptions<K> {
  /** Spark's `samplePointsPerPartitionHint` (default 20); must match `sketchPlan`'s. */
  readonly samplePointsPerPartitionHint?: number;
  /** Keys re-sampled from `resamplePlan().imbalancedPartitions`; omit to skip re-sampling. */
  readonly resampled?: readonly K[];
}

/** A candidate bound and how many keys it stands for. */
export type WeightedCandidate<K> = readonly [key: K, weight: number];

const MAX_INT = 2147483647;
const DEFAULT_SAMPLE_POINTS = 20;
// Spark scans linearly up to this many bounds; beyond it binary search wins.
const LINEAR_SEARCH_MAX_BOUNDS = 128;

function requirePartitions(partitions: number): void {
  requireArg(partitions >= 0, `Number of partitions cannot be negative but found ${partitions}.`);
}

function requireHint(hint: number): void {
  requireArg(hint > 0, `Sample points per partition must be greater than 0 but found ${hint}`);
}

function sampleSizeFor(partitions: number, hint: number): number {
  // In doubles, as Spark does, to avoid int overflow.
  return Math.min(hint * partitions, 1e6);
}

function perPartitionSampleSize(sampleSize: number, parentPartitions: number): number {
  // Scala's Double.toInt saturates (x/0 = Infinity becomes Int.MaxValue).
  return Math.min(Math.ceil((3.0 * sampleSize) / parentPartitions), MAX_INT);
}

export class RangePartitioner<K> extends Partitioner {
  private readonly rangeBounds: readonly K[];
  readonly ascending: boolean;
  private readonly ordering: Ordering<K>;
  private readonly customOrdering: boolean;

  /** The ordering a plan must ship alongside the descriptor, when it is not the default one. */
  get customOrderingFunction(): Ordering<K> | undefined {
    return this.customOrdering ? this.ordering : undefined;
  }

  /**
   * A partitioner over already-determined bounds (strictly increasing under `ordering`);
   * use `fromSketch` to derive them from a sample as Spark does.
   */
  constructor(rangeBounds: readonly K[], ascending = true, ordering?: Ordering<K>) {
    super();
    this.rangeBounds = Object.freeze(rangeBounds.slice());
    this.ascending = ascending;
    this.ordering = ordering ?? compareKeys;
    this.customOrdering = ordering !== undefined && ordering !== compareKeys;
  }

  get numPartitions(): number {
    return this.rangeBounds.length + 1;
  }

  /** The upper bounds of the first numPartitions - 1 partitions. */
  get bounds(): readonly K[] {
    return this.rangeBounds;
  }

  getPartition(key: unknown): number {
    const k = key as K;
    const bounds = this.rangeBounds;
    const n = bounds.length;
    const ordering = this.ordering;
    let partition = 0;
    if (n <= LINEAR_SEARCH_MAX_BOUNDS) {
      while (partition < n && ordering(k, bounds[partition]!) > 0) partition++;
    } else {
      // java.util.Arrays.binarySearch: a hit returns its index, a miss the insertion point.
      let low = 0;
      let high = n - 1;
      partition = -1;
      while (low <= high) {
        const mid = (low + high) >>> 1;
        const cmp = ordering(bounds[mid]!, k);
        if (cmp < 0) low = mid + 1;
        else if (cmp > 0) high = mid - 1;
        else {
          partition = mid;
          break;
        }
      }
      if (partition < 0) partition = low;
    }
    return this.ascending ? partition : n - partition;
  }

  /**
   * Same bounds and direction, as in Spark, and additionally the same ordering function: two
   * custom orderings can place keys differently even with equal bounds.
   */
  equals(other: unknown): boolean {
    if (!(other instanceof RangePartitioner)) return false;
    if (other === this) return true;
    const a = this.rangeBounds;
    const b = (other as RangePartitioner<unknown>).rangeBounds;
    if (other.ascending !== this.ascending || a.length !== b.length) return false;
    if ((other as RangePartitioner<unknown>).ordering !== (this.ordering as Ordering<unknown>)) {
      return false;
    }
    for (let i = 0; i < a.length; i++) if (!keysEqual(a[i], b[i])) return false;
    return true;
  }

  hashCode(): number {
    let result = 1;
    for (const bound of this.rangeBounds) result = (Math.imul(31, result) + javaHashCode(bound)) | 0;
    return (Math.imul(31, result) + (this.ascending ? 1231 : 1237)) | 0;
  }

  override toDescriptor(): RangePartitionerDescriptor {
    return {
      kind: "range",
      rangeBounds: this.rangeBounds.slice(),
      ascending: this.ascending,
      customOrdering: this.customOrdering,
    };
  }

  /** Step 1: how much to sample (Spark's sampleSize / sampleSizePerPartition). */
  static sketchPlan(
    partitions: number,
    parentPartitions: number,
    samplePointsPerPartitionHint: number = DEFAULT_SAMPLE_POINTS,
  ): SketchPlan {
    requirePartitions(partitions);
    requireHint(samplePointsPerPartitionHint);
    const sampleSize = sampleSizeFor(partitions, samplePointsPerPartitionHint);
    return {
      required: partitions > 1,
      sampleSize,
      sampleSizePerPartition: perPartitionSampleSize(sampleSize, parentPartitions),
    };
  }

  /**
   * Step 2: the reservoir seed for parent partition `partitionIndex`. Spark passes the id of the
   * keys-only RDD it samples (`rdd.map(_._1)`); any id works, it only has to be the same one for
   * every partition of a sketch.
   */
  static sketchSeed(rddId: number, partitionIndex: number): number {
    return byteswap32(partitionIndex ^ (rddId << 16));
  }

  /** Step 3: which parent partitions Spark would re-sample, and with which fraction. */
  static resamplePlan<K>(
    partitions: number,
    sketch: ReadonlyArray<PartitionSketch<K>>,
    samplePointsPerPartitionHint: number = DEFAULT_SAMPLE_POINTS,
  ): ResamplePlan {
    requirePartitions(partitions);
    requireHint(samplePointsPerPartitionHint);
    const sampleSize = sampleSizeFor(partitions, samplePointsPerPartitionHint);
    const sampleSizePerPartition = perPartitionSampleSize(sampleSize, sketch.length);
    let numItems = 0;
    for (const s of sketch) numItems += s.count;
    const fraction = Math.min(sampleSize / Math.max(numItems, 1), 1.0);
    const imbalancedPartitions: number[] = [];
    if (partitions > 1 && numItems > 0) {
      for (const s of sketch) if (fraction * s.count > sampleSizePerPartition) imbalancedPartitions.push(s.index);
    }
    return { fraction, imbalancedPartitions };
  }

  /** Step 3: the seed Spark gives the re-sampling `sample` call. */
  static resampleSeed(rddId: number): number {
    return byteswap32(-rddId - 1);
  }

  /** Step 4: Spark's bounds computation over the collected sketch. */
  static fromSketch<K>(
    partitions: number,
    sketch: ReadonlyArray<PartitionSketch<K>>,
    ascending = true,
    ordering?: Ordering<K>,
    options: FromSketchOptions<K> = {},
  ): RangePartitioner<K> {
    const candidates = RangePartitioner.candidatesFromSketch(partitions, sketch, options);
    if (partitions <= 1 || candidates.length === 0) return new RangePartitioner<K>([], ascending, ordering);
    const bounds = RangePartitioner.determineBounds(
      candidates,
      Math.min(partitions, candidates.length),
      ordering,
    );
    return new RangePartitioner<K>(bounds, ascending, ordering);
  }

  /**
   * The weighted candidates `fromSketch` feeds to `determineBounds`: each sampled key weighs
   * count / sampleSize of its partition (1 over its sampling probability), rounded to a Float
   * as Spark stores it; with `options.resampled`, imbalanced partitions' reservoirs are replaced
   * by the re-sampled keys at weight 1 / fraction. Empty when no bounds are needed.
   */
  static candidatesFromSketch<K>(
    partitions: number,
    sketch: ReadonlyArray<PartitionSketch<K>>,
    options: FromSketchOptions<K> = {},
  ): Array<WeightedCandidate<K>> {
    requirePartitions(partitions);
    const hint = options.samplePointsPerPartitionHint ?? DEFAULT_SAMPLE_POINTS;
    requireHint(hint);
    let numItems = 0;
    for (const s of sketch) numItems += s.count;
    const candidates: Array<WeightedCandidate<K>> = [];
    if (partitions <= 1 || numItems === 0) return candidates;

    const { fraction, imbalancedPartitions } = RangePartitioner.resamplePlan(partitions, sketch, hint);
    const resampled = options.resampled;
    const skip = new Set(resampled !== undefined ? imbalancedPartitions : []);
    for (const s of sketch) {
      if (skip.has(s.index)) continue;
      const weight = Math.fround(s.count / s.sample.length);
      for (const key of s.sample) candidates.push([key, weight]);
    }
    if (resampled !== undefined && imbalancedPartitions.length > 0) {
      const weight = Math.fround(1.0 / fraction);
      for (const key of resampled) candidates.push([key, weight]);
    }
    return candidates;
  }

  /**
   * Spark's `RangePartitioner.determineBounds`: walks the candidates in order, emitting a bound
   * each time the cumulative weight reaches the next multiple of total / partitions, skipping
   * keys equal to the previous bound.
   */
  static determineBounds<K>(
    candidates: ReadonlyArray<WeightedCandidate<K>>,
    partitions: number,
    ordering: Ordering<K> = compareKeys,
  ): K[] {
    // Array.prototype.sort is stable, like the TimSort behind Scala's sortBy.
    const ordered = candidates.slice().sort((a, b) => ordering(a[0], b[0]));
    const numCandidates = ordered.length;
    let sumWeights = 0;
    for (const c of ordered) sumWeights += c[1];
    const step = sumWeights / partitions;
    let cumWeight = 0;
    let target = step;
    const bounds: K[] = [];
    let hasPrevious = false;
    let previousBound: K | undefined;
    for (let i = 0, j = 0; i < numCandidates && j < partitions - 1; i++) {
      const [key, weight] = ordered[i]!;
      cumWeight += weight;
      if (cumWeight >= target) {
        if (!hasPrevious || ordering(key, previousBound as K) > 0) {
          bounds.push(key);
          target += step;
          j++;
          hasPrevious = true;
          previousBound = key;
        }
      }
    }
    return bounds;
  }
}
