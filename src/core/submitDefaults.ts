import type { SparkConf } from "./SparkConf.js";

/**
 * The environment variable through which `dstream submit` hands its `--master`, `--name` and
 * `--conf` settings to the application: a JSON object of configuration keys and string values.
 */
export const SUBMIT_CONF_ENV = "DSTREAM_CONF";

/**
 * Fills in what `dstream submit` set, as spark-submit's system properties do for `new SparkConf()`:
 * they are defaults, so a value the application sets in code still wins.
 */
export function applySubmitDefaults(conf: SparkConf, env: NodeJS.ProcessEnv = process.env): void {
  const raw = env[SUBMIT_CONF_ENV];
  if (raw === undefined || raw === "") return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${SUBMIT_CONF_ENV} must be a JSON object of configuration keys to string values, got '${raw}'`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`${SUBMIT_CONF_ENV} must be a JSON object of configuration keys to string values, got '${raw}'`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === "string") conf.setIfMissing(key, value);
  }
}
