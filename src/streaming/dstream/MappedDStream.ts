import type { RDD } from "../../core/rdd/RDD.js";
import type { Duration } from "../Duration.js";
import type { Time } from "../Time.js";
import { DStream } from "./DStream.js";

/**
 * A stream whose every RDD is one RDD operation applied to the parent's RDD of the same batch
 * (map, filter, reduceByKey, ...). No RDD from the parent means no RDD here.
 * `kind` is Spark's class name for the operation (MappedDStream, ShuffledDStream, ...), used in messages.
 */
export class MappedDStream<T, U> extends DStream<U> {
  constructor(
    private readonly parent: DStream<T>,
    private readonly op: (rdd: RDD<T>, time: Time) => RDD<U>,
    private readonly kind = "MappedDStream",
  ) {
    super(parent.context);
  }

  override get simpleName(): string {
    return this.kind;
  }

  get slideDuration(): Duration {
    return this.parent.slideDuration;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [this.parent as DStream<unknown>];
  }

  compute(validTime: Time): RDD<U> | undefined {
    const rdd = this.parent.getOrCompute(validTime);
    return rdd === undefined ? undefined : this.op(rdd, validTime);
  }
}
