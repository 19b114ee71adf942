import type { SparkConf } from "../core/SparkConf.js";
import { IllegalArgumentException } from "../core/errors.js";
import type { Duration } from "./Duration.js";

/**
 * The numeric `spark.streaming.*` settings, checked when the StreamingContext is created
 * rather than when the first receiver, log or stop reads them: a value that cannot work is
 * refused before anything runs, naming the key and the value.
 */
export function validateStreamingConf(conf: SparkConf, batchDuration: Duration): void {
  blockIntervalMs(conf);
  nonNegativeConf(conf, "spark.streaming.receiverRestartDelay", 2000);
  // getTimeAsMs refuses anything but a non-negative duration, naming the key.
  conf.getTimeAsMs("spark.streaming.gracefulStopTimeout", `${10 * batchDuration.milliseconds}ms`);
  conf.getTimeAsMs("spark.streaming.stopTimeout", "2s");
  conf.getTimeAsMs("spark.streaming.fileStream.minRememberDuration", conf.get("spark.streaming.minRememberDuration", "60s"));
  positiveConf(conf, "spark.streaming.receiver.writeAheadLog.rollingIntervalSecs", 60);
  positiveConf(conf, "spark.streaming.driver.writeAheadLog.rollingIntervalSecs", 60);
  positiveConf(conf, "spark.streaming.sessionByKey.deltaChainThreshold", 20);
  if (conf.getSizeAsBytes("dstream.streaming.writeAheadLog.maxSegmentBytes", "64m") < 1) {
    throw new IllegalArgumentException(`dstream.streaming.writeAheadLog.maxSegmentBytes should be a positive size, but was ${conf.get("dstream.streaming.writeAheadLog.maxSegmentBytes")}`);
  }
  const initialRate = conf.getOption("spark.streaming.backpressure.initialRate");
  if (initialRate !== undefined && !(Number(initialRate.trim()) >= 0 && initialRate.trim() !== "")) {
    throw new IllegalArgumentException(`spark.streaming.backpressure.initialRate should be a non-negative number of records per second, but was '${initialRate}'`);
  }
}

/** `spark.streaming.blockInterval`, with Spark's check (BlockGenerator). */
export function blockIntervalMs(conf: SparkConf): number {
  const ms = conf.getTimeAsMs("spark.streaming.blockInterval", "200ms");
  if (!(ms > 0)) throw new IllegalArgumentException("requirement failed: 'spark.streaming.blockInterval' should be a positive value");
  return ms;
}

/** A whole-number setting of at least 1. */
export function positiveConf(conf: SparkConf, key: string, defaultValue: number): number {
  const n = conf.getInt(key, defaultValue);
  if (n < 1) throw new IllegalArgumentException(`${key} should be a positive whole number, but was ${conf.get(key)}`);
  return n;
}

function nonNegativeConf(conf: SparkConf, key: string, defaultValue: number): number {
  const n = conf.getInt(key, defaultValue);
  if (n < 0) throw new IllegalArgumentException(`${key} should be zero or more, but was ${conf.get(key)}`);
  return n;
}

