import { Partitioner, type PartitionerDescriptor } from "./Partitioner.js";
import { RangePartitioner, type PartitionSketch } from "./RangePartitioner.js";
import type { Ordering } from "../util/compareKeys.js";

/**
 * Runs the sampling job over the parent; `sampleSizeFor` turns the parent's partition count
 * (known only once the parent's own lineage is prepared) into the reservoir size per partition.
 */
export type KeySampler<K> = (sampleSizeFor: (parentPartitions: number) => number) => Promise<Array<PartitionSketch<K>>>;

/**
 * A RangePartitioner whose bounds come from a sampling job. Spark samples eagerly when
 * `sortByKey` is called; dstream's transformations are synchronous, so the scheduler resolves
 * the bounds before the first job that needs them builds its stages.
 *
 * Once resolved it has Spark's partition count, `rangeBounds.length + 1`, which is fewer than
 * requested when the sample has fewer distinct keys. A count read before then can only be the
 * requested one, and RDDs built on it (a union's partition offsets, a zip's check) rely on it, so
 * that read fixes the count: the partitions past the bounds then stay empty.
 */
export class SampledRangePartitioner<K> extends Partitioner {
  private inner: RangePartitioner<K> | undefined;
  private resolving: Promise<void> | undefined;
  private countObserved = false;

  constructor(
    private readonly partitions: number,
    private readonly ascending: boolean,
    private readonly sample: KeySampler<K>,
    private readonly ordering?: Ordering<K>,
  ) {
    super();
  }

  get numPartitions(): number {
    if (this.inner && !this.countObserved) return this.inner.numPartitions;
    this.countObserved = true;
    return this.partitions;
  }

  /**
   * Runs the sampling job once; later shuffles with this partitioner reuse its bounds. A failed
   * job is not remembered, so a later action samples again.
   */
  prepare(): Promise<void> | undefined {
    if (this.inner) return undefined;
    this.resolving ??= (async () => {
      let sketch: Array<PartitionSketch<K>> = [];
      if (RangePartitioner.sketchPlan(this.partitions, 1).required) {
        sketch = await this.sample((parentPartitions) => RangePartitioner.sketchPlan(this.partitions, parentPartitions).sampleSizePerPartition);
      }
      this.inner = RangePartitioner.fromSketch(this.partitions, sketch, this.ascending, this.ordering);
    })().finally(() => {
      this.resolving = undefined;
    });
    return this.resolving;
  }

  getPartition(key: unknown): number {
    if (!this.inner) throw new Error("SampledRangePartitioner: bounds were not computed before the shuffle ran");
    return this.inner.getPartition(key);
  }

  equals(other: unknown): boolean {
    return other === this;
  }

  hashCode(): number {
    return this.partitions;
  }

  get customOrderingFunction(): Ordering<K> | undefined {
    return this.inner?.customOrderingFunction;
  }

  override toDescriptor(): PartitionerDescriptor | undefined {
    return this.inner?.toDescriptor();
  }
}
