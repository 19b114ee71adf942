import type { SparkConf } from "../../../core/SparkConf.js";
import type { Duration } from "../../Duration.js";
import { IllegalArgumentException } from "../../../core/errors.js";
import { PIDRateEstimator } from "./PIDRateEstimator.js";

/**
 * Spark's `RateEstimator`: how many records per second a stream should ingest, updated when
 * each batch completes. Undefined means "no new estimate" (Spark's `None`).
 */
export interface RateEstimator {
  /**
   * @param time when the batch finished processing (epoch ms)
   * @param elements records the batch read
   * @param processingDelay ms the batch's jobs took
   * @param schedulingDelay ms the batch waited before its first job started
   */
  compute(time: number, elements: number, processingDelay: number, schedulingDelay: number): number | undefined;
}

function confDouble(conf: SparkConf, key: string, dflt: number): number {
  const raw = conf.getOption(key);
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new IllegalArgumentException(`${key} should be a number, but was ${raw}`);
  return n;
}

/** Spark's `RateEstimator.create`: `spark.streaming.backpressure.rateEstimator` (only "pid") and its PID settings. */
export function createRateEstimator(conf: SparkConf, batchInterval: Duration): RateEstimator {
  const kind = conf.get("spark.streaming.backpressure.rateEstimator", "pid");
  if (kind !== "pid") throw new IllegalArgumentException(`Unknown rate estimator: ${kind}`);
  return new PIDRateEstimator(
    batchInterval.milliseconds,
    confDouble(conf, "spark.streaming.backpressure.pid.proportional", 1.0),
    confDouble(conf, "spark.streaming.backpressure.pid.integral", 0.2),
    confDouble(conf, "spark.streaming.backpressure.pid.derived", 0.0),
    confDouble(conf, "spark.streaming.backpressure.pid.minRate", 100),
  );
}
