import { IllegalArgumentException } from "../../../core/errors.js";
import { logger } from "../../../core/log.js";
import type { RateEstimator } from "./RateEstimator.js";

/**
 * Spark's `PIDRateEstimator`: a proportional-integral-derivative controller of the ingestion rate.
 * The error is the gap between the rate it asked for last time and the rate the last batch
 * actually processed; the scheduling delay stands for the accumulated error (records that
 * overflowed earlier batches). The first batch with records only calibrates: it sets the rate to
 * the measured processing rate and returns no estimate, as Spark does.
 */
export class PIDRateEstimator implements RateEstimator {
  private firstRun = true;
  private latestTime = -1;
  private latestRate = -1;
  private latestError = -1;

  constructor(
    readonly batchIntervalMillis: number,
    readonly proportional: number,
    readonly integral: number,
    readonly derivative: number,
    readonly minRate: number,
  ) {
    if (!(batchIntervalMillis > 0)) throw new IllegalArgumentException(`requirement failed: Specified batch interval ${batchIntervalMillis} in PIDRateEstimator is invalid.`);
    if (!(proportional >= 0)) throw new IllegalArgumentException(`requirement failed: Proportional term ${proportional} in PIDRateEstimator should be >= 0.`);
    if (!(integral >= 0)) throw new IllegalArgumentException(`requirement failed: Integral term ${integral} in PIDRateEstimator should be >= 0.`);
    if (!(derivative >= 0)) throw new IllegalArgumentException(`requirement failed: Derivative term ${derivative} in PIDRateEstimator should be >= 0.`);
    if (!(minRate > 0)) throw new IllegalArgumentException("requirement failed: Minimum rate in PIDRateEstimator should be > 0");
    logger().info(`Created PIDRateEstimator with proportional = ${proportional}, integral = ${integral}, derivative = ${derivative}, min rate = ${minRate}`);
  }

  compute(time: number, numElements: number, processingDelay: number, schedulingDelay: number): number | undefined {
    if (!(time > this.latestTime && numElements > 0 && processingDelay > 0)) return undefined;
    // Seconds since the last update: close to the batch interval.
    const delaySinceUpdate = (time - this.latestTime) / 1000;
    const processingRate = (numElements / processingDelay) * 1000;
    const error = this.latestRate - processingRate;
    // A scheduling delay s means about s * processingRate records overflowed earlier batches;
    // spread over one batch interval, that is the rate by which earlier estimates were too high.
    const historicalError = (schedulingDelay * processingRate) / this.batchIntervalMillis;
    const dError = (error - this.latestError) / delaySinceUpdate;
    const newRate = Math.max(this.latestRate - this.proportional * error - this.integral * historicalError - this.derivative * dError, this.minRate);
    this.latestTime = time;
    if (this.firstRun) {
      this.latestRate = processingRate;
      this.latestError = 0;
      this.firstRun = false;
      return undefined;
    }
    this.latestRate = newRate;
    this.latestError = error;
    return newRate;
  }
}
