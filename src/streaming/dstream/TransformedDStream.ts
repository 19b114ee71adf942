import { RDD } from "../../core/rdd/RDD.js";
import { SparkException, requireArg } from "../../core/errors.js";
import type { Duration } from "../Duration.js";
import type { Time } from "../Time.js";
import { DStream } from "./DStream.js";

/**
 * A stream built each batch by a driver-side function of its parents' RDDs (transform,
 * transformWith, joins). Every parent must have an RDD, and the function must return one.
 */
export class TransformedDStream<U> extends DStream<U> {
  private readonly parents: Array<DStream<unknown>>;

  constructor(
    parents: Array<DStream<unknown>>,
    private readonly transformFunc: (rdds: Array<RDD<unknown>>, time: Time) => RDD<U>,
  ) {
    if (!Array.isArray(parents)) throw new TypeError(`transform: expected an array of DStreams, got ${String(parents)}`);
    requireArg(parents.length > 0, "List of DStreams to transform is empty");
    for (const p of parents) {
      if (!(p instanceof DStream)) throw new TypeError(`transform: expected DStreams, got ${String(p)}`);
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
    return this.parents;
  }

  compute(validTime: Time): RDD<U> {
    const rdds = this.parents.map((p) => {
      const rdd = p.getOrCompute(validTime);
      if (rdd === undefined) throw new SparkException(`Couldn't generate RDD from parent at time ${validTime}`);
      return rdd;
    });
    const out = this.transformFunc(rdds, validTime);
    if (out === null || out === undefined) {
      throw new SparkException(
        "Transform function must not return null. Return SparkContext.emptyRDD() instead to represent no element as the result of transformation.",
      );
    }
    if (!(out instanceof RDD)) throw new TypeError(`transform: the function must return an RDD, got ${String(out)}`);
    return out;
  }
}
