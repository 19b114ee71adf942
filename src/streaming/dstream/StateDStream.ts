import type { RDD } from "../../core/rdd/RDD.js";
import type { Partitioner } from "../../core/partitioner/Partitioner.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { Duration } from "../Duration.js";
import type { Time } from "../Time.js";
import { DStream } from "./DStream.js";
import type { CoGroupedRDD } from "../../core/rdd/CoGroupedRDD.js";
import { StateUpdateRDD, type UpdateKind } from "../rdd/StateUpdateRDD.js";

/**
 * updateStateByKey: each batch's state is the previous batch's state cogrouped with the new
 * values, passed through the update function. The state RDDs stay persisted, so each key
 * range's state stays on the executor that computed it, and are checkpointed periodically.
 */
export class StateDStream<K, V, S> extends DStream<[K, S]> {
  constructor(
    private readonly parent: DStream<[K, V]>,
    private readonly updateFunc: Function,
    private readonly kind: UpdateKind,
    private readonly partitioner: Partitioner,
    private readonly preservePartitioning: boolean,
    private readonly initialRDD: RDD<[K, S]> | undefined,
  ) {
    super(parent.context);
    super.persist(StorageLevel.MEMORY_ONLY);
  }

  override get mustCheckpoint(): boolean {
    return true;
  }

  get slideDuration(): Duration {
    return this.parent.slideDuration;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [this.parent as DStream<unknown>];
  }

  compute(validTime: Time): RDD<[K, S]> | undefined {
    const prevState = this.getOrCompute(validTime.minus(this.slideDuration));
    const values = this.parent.getOrCompute(validTime);
    const t = validTime.milliseconds;
    if (prevState !== undefined) {
      if (values !== undefined) {
        const rows = values.cogroup(prevState, this.partitioner) as unknown as CoGroupedRDD<K>;
        // The state a per-key function returned has each key once, so the cogroup streams it past
        // the batch's keys instead of collecting it. An iterator function may return any pairs.
        if (this.kind !== "iterator") rows.withUniqueKeys(1);
        return this.update(rows as RDD<unknown>, "cogrouped", t);
      }
      // No input this batch: every key is still updated, with no new values.
      return this.update(prevState as RDD<unknown>, "stateOnly", t);
    }
    if (values === undefined) return undefined;
    if (this.initialRDD !== undefined) return this.update(values.cogroup(this.initialRDD, this.partitioner) as RDD<unknown>, "cogrouped", t);
    return this.update(values.groupByKey(this.partitioner) as RDD<unknown>, "valuesOnly", t);
  }

  private update(rows: RDD<unknown>, input: "cogrouped" | "stateOnly" | "valuesOnly", time: number): RDD<[K, S]> {
    const rdd = new StateUpdateRDD<K, S>(rows, input, this.kind, this.updateFunc, time, this.preservePartitioning);
    rdd.creationSite = this.creationSite;
    return rdd;
  }
}
