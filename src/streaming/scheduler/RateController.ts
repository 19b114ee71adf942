import type { StreamingListener, StreamingListenerBatchCompleted } from "./StreamingListener.js";
import type { RateEstimator } from "./rate/RateEstimator.js";

/**
 * Spark's `RateController`: a streaming listener that feeds each completed batch of one input
 * stream to a `RateEstimator` and keeps the latest estimate, which the stream reads when it
 * fixes the next batch. Spark computes the estimate on a separate thread; here the estimate is a
 * few arithmetic operations, so it is computed in the listener and is in place before the next
 * batch is generated.
 */
export class RateController implements StreamingListener {
  private rateLimit = -1;

  constructor(
    readonly streamUID: number,
    private readonly rateEstimator: RateEstimator,
    private readonly publish: (rate: number) => void = () => undefined,
  ) {}

  /** The latest estimate in records per second, truncated as Spark's `Long`; -1 before the first. */
  getLatestRate(): number {
    return this.rateLimit;
  }

  onBatchCompleted(event: StreamingListenerBatchCompleted): void {
    const info = event.batchInfo;
    const elems = info.streamIdToInputInfo.get(this.streamUID)?.numRecords;
    if (info.processingEndTime === undefined || info.processingDelay === undefined || info.schedulingDelay === undefined || elems === undefined) return;
    this.computeAndPublish(info.processingEndTime, elems, info.processingDelay, info.schedulingDelay);
  }

  /** Feeds one batch's figures to the estimator, as `onBatchCompleted` does. */
  computeAndPublish(time: number, elems: number, workDelay: number, waitDelay: number): void {
    const newRate = this.rateEstimator.compute(time, elems, workDelay, waitDelay);
    if (newRate === undefined) return;
    this.rateLimit = Math.trunc(newRate);
    this.publish(this.rateLimit);
  }
}

/** Spark's `RateController.isBackPressureEnabled`. */
export function isBackPressureEnabled(conf: { getBoolean(key: string, dflt: boolean): boolean }): boolean {
  return conf.getBoolean("spark.streaming.backpressure.enabled", false);
}
