import { pino, type Logger } from "pino";

/**
 * One process-wide logger. Quiet by default (warnings and errors only) so that
 * `pprint` output stays readable; DSTREAM_LOG_LEVEL or `spark.log.level` raise it.
 */
let root: Logger | undefined;

export function logger(): Logger {
  if (!root) {
    root = pino(
      { level: process.env.DSTREAM_LOG_LEVEL ?? "warn", base: undefined },
      pino.destination({ dest: 2, sync: true }),
    );
  }
  return root;
}

export function setLogLevel(level: string): void {
  const valid = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
  const l = level.toLowerCase() === "all" ? "trace" : level.toLowerCase() === "off" ? "silent" : level.toLowerCase();
  if (!valid.includes(l)) {
    throw new Error(`setLogLevel: unknown level '${level}'. Use one of ${valid.join(", ")} (or ALL / OFF as in Spark).`);
  }
  logger().level = l;
}

const warnedOnce = new Set<string>();
/** Warnings about a user's code are said once per cause, not once per task. */
export function warnOnce(key: string, message: string): void {
  if (warnedOnce.has(key)) return;
  warnedOnce.add(key);
  logger().warn(message);
}
