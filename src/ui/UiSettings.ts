import type { SparkConf } from "../core/SparkConf.js";

/** The `spark.ui.*` settings the web UI reads, with Spark's defaults. */
export interface UiSettings {
  enabled: boolean;
  /** 0 asks the operating system for any free port. */
  port: number;
  host: string;
  /** How many ports after `port` to try when it is taken (Spark's `spark.port.maxRetries`). */
  maxRetries: number;
  retainedJobs: number;
  retainedStages: number;
  retainedTasks: number;
  retainedBatches: number;
  /** How many lost executors the Executors page keeps listing. */
  retainedDeadExecutors: number;
  /** The most live pages (Server-Sent Events connections) served at once; more get 503. */
  liveUpdateMaxConnections: number;
  /** Configuration keys whose values the Environment page and API hide. */
  redaction: RegExp;
}

export const DEFAULT_UI_PORT = 4040;

export function uiSettings(conf: SparkConf): UiSettings {
  return {
    // Under node's test runner a test file opts in, as Spark's own suites set spark.ui.enabled=false:
    // hundreds of contexts in parallel test processes would otherwise each hold a port.
    enabled: conf.getBoolean("spark.ui.enabled", process.env.NODE_TEST_CONTEXT === undefined),
    port: inRange(conf, "spark.ui.port", DEFAULT_UI_PORT, 0, 65535),
    // Loopback by default, unlike Spark: the UI has no authentication and shows the configuration.
    host: conf.get("spark.ui.host", "127.0.0.1"),
    maxRetries: inRange(conf, "spark.port.maxRetries", 16, 0, 1000),
    retainedJobs: positive(conf, "spark.ui.retainedJobs", 1000),
    retainedStages: positive(conf, "spark.ui.retainedStages", 1000),
    retainedTasks: positive(conf, "spark.ui.retainedTasks", 100_000),
    retainedBatches: positive(conf, "spark.streaming.ui.retainedBatches", 1000),
    retainedDeadExecutors: positive(conf, "spark.ui.retainedDeadExecutors", 100),
    liveUpdateMaxConnections: positive(conf, "spark.ui.liveUpdate.maxConnections", 32),
    redaction: new RegExp(conf.get("spark.redaction.regex", "(?i)secret|password|token|access[.]?key").replace(/^\(\?i\)/, ""), "i"),
  };
}

function inRange(conf: SparkConf, key: string, dflt: number, min: number, max: number): number {
  const n = conf.getInt(key, dflt);
  if (n < min || n > max) throw new Error(`${key} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function positive(conf: SparkConf, key: string, dflt: number): number {
  const n = conf.getInt(key, dflt);
  if (n < 1) throw new Error(`${key} must be at least 1, got ${n}`);
  return n;
}
