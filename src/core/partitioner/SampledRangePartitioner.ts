import { Partitioner, type PartitionerDescriptor } from "./Partitioner.js";
import { RangePartitioner, type PartitionSketch } from "./RangePartitioner.js";
import type { Ordering } from "../util/compareKeys.js";

/**
 * A RangePartitioner whose bounds come from a sampling job. Spark samples eagerly when
 * `sortByKey` is called; dstream's transformations are synchronous, so the scheduler resolves
 * the bounds just before the shuffle's map stage runs. Until then only the partition count
 * is known; keys may leave some of those partitions empty, and the order is the same.
 */
export class SampledRangePartitioner<K> extends Partitioner {
  private inner: RangePartitioner<K> | undefined;
  private resolving: Promise<void> | undefined;

  constructor(
    private readonly partitions: number,
    private readonly ascending: boolean,
    private readonly sample: (sampleSizePerPartition: number) => Promise<Array<PartitionSketch<K>>>,
    private readonly ordering?: Ordering<K>,
  ) {
    super();
  }

  get numPartitions(): number {
    return this.partitions;
  }

  /** Runs the sampling job once; later shuffles with this partitioner reuse its bounds. */
  prepare(parentPartitions: number): Promise<void> {
    this.resolving ??= (async () => {
      const plan = RangePartitioner.sketchPlan(this.partitions, parentPartitions);
      const sketch = plan.required ? await this.sample(plan.sampleSizePerPartition) : [];
      this.inner = RangePartitioner.fromSketch(this.partitions, sketch, this.ascending, this.ordering);
    })();
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
