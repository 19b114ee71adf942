import type { RDD } from "../../core/rdd/RDD.js";
import type { Duration } from "../Duration.js";
import type { Time } from "../Time.js";
import { Job } from "../scheduler/Job.js";
import { DStream } from "./DStream.js";
import { withCallSite, withDefaultCallSite } from "../../core/rdd/callSite.js";

/**
 * An output operation: runs `foreachFunc` on the driver for every batch in which the parent has an RDD.
 * With `displayInnerRDDOps` (foreachRDD), the jobs the function runs are named after the user's
 * lines inside it; without (print, saveAsTextFiles), after the output operation, as in Spark.
 */
export class ForEachDStream<T> extends DStream<void> {
  constructor(
    private readonly parent: DStream<T>,
    private readonly foreachFunc: (rdd: RDD<T>, time: Time) => void | Promise<void>,
    private readonly displayInnerRDDOps = true,
  ) {
    super(parent.context);
  }

  get slideDuration(): Duration {
    return this.parent.slideDuration;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [this.parent as DStream<unknown>];
  }

  compute(): undefined {
    return undefined;
  }

  override generateJob(time: Time): Job | undefined {
    const rdd = this.parent.getOrCompute(time);
    if (rdd === undefined) return undefined;
    const withSite = this.displayInnerRDDOps ? withDefaultCallSite : withCallSite;
    return new Job(time, () => withSite(this.creationSite, () => this.foreachFunc(rdd, time)));
  }
}
