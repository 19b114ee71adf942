/**
 * Spark's output spec validation (`SparkHadoopWriterUtils.disableOutputSpecValidation`): a save
 * refuses an output directory that exists, unless `spark.hadoop.validateOutputSpecs` is false or
 * the save runs inside a streaming job. A batch rerun after checkpoint recovery must be able to
 * rewrite the directory its first attempt began (SPARK-4835), so the streaming scheduler runs
 * every job under `withoutOutputSpecValidation`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { SparkConf } from "../SparkConf.js";

const disabled = new AsyncLocalStorage<true>();

export function withoutOutputSpecValidation<T>(fn: () => T): T {
  return disabled.run(true, fn);
}

export function isOutputSpecValidationEnabled(conf: SparkConf): boolean {
  return disabled.getStore() === undefined && conf.getBoolean("spark.hadoop.validateOutputSpecs", true);
}
