import type { RDD } from "../../core/rdd/RDD.js";
import { SparkException, requireArg } from "../../core/errors.js";
import type { Duration } from "../Duration.js";
import type { Time } from "../Time.js";
import { DStream } from "./DStream.js";

/** The union of streams with one slide duration; every parent must have an RDD each batch. */
export class UnionDStream<T> extends DStream<T> {
  private readonly parents: Array<DStream<T>>;

  constructor(parents: Array<DStream<T>>) {
    if (!Array.isArray(parents)) throw new TypeError(`union: expected an array of DStreams, got ${String(parents)}`);
    requireArg(parents.length > 0, "List of DStreams to union is empty");
    for (const p of parents) {
      if (!(p instanceof DStream)) throw new TypeError(`union: expected DStreams, got ${String(p)}`);
    }
    requireArg(new Set(parents.map((p) => p.context)).size === 1, "Some of the DStreams have different contexts");
    requireArg(new Set(parents.map((p) => p.slideDuration.milliseconds)).size === 1, "Some of the DStreams have different slide durations");
    super(parents[0]!.context);
    this.parents = parents;
  }

  get slideDuration(): Duration {
    return this.parents[0]!.slideDuration;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return this.parents as Array<DStream<unknown>>;
  }

  compute(validTime: Time): RDD<T> | undefined {
    const rdds = this.parents.map((p) => {
      const rdd = p.getOrCompute(validTime);
      if (rdd === undefined) throw new SparkException(`Could not generate RDD from a parent for unifying at time ${validTime}`);
      return rdd;
    });
    return rdds.length > 0 ? this.ssc.sparkContext.union(rdds) : undefined;
  }
}
