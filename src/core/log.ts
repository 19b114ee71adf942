import { pino, type Logger, type DestinationStream } from "pino";
import { isExecutorMode } from "./closure/executorMode.js";

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

/**
 * Log lines read like Spark's on a terminal ("12:00:01 WARN  dstream: message k=v").
 * DSTREAM_LOG_FORMAT=json keeps pino's structured lines for log shippers.
 */
function readable(): DestinationStream {
  return {
    write(line: string) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        process.stderr.write(line);
        return;
      }
      const { level, time, msg, ...rest } = rec;
      const t = new Date(Number(time)).toISOString().slice(11, 19);
      const extra = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ");
      process.stderr.write(`${t} ${(LEVELS[Number(level)] ?? "LOG").padEnd(5)} dstream: ${String(msg ?? "")}${extra ? " " + extra : ""}\n`);
    },
  };
}

let root: Logger | undefined;

/** One process-wide logger, quiet by default (warnings and errors) so `pprint` output stays readable. */
export function logger(): Logger {
  if (!root) {
    const opts = { level: normalize(process.env.DSTREAM_LOG_LEVEL ?? "warn"), base: undefined };
    root = process.env.DSTREAM_LOG_FORMAT === "json" ? pino(opts, pino.destination({ dest: 2, sync: true })) : pino(opts, readable());
  }
  return root;
}

const VALID = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function normalize(level: string): string {
  const l = level.toLowerCase();
  if (l === "all") return "trace";
  if (l === "off") return "silent";
  if (l === "warning") return "warn";
  if (!VALID.includes(l)) {
    throw new Error(`setLogLevel: unknown level '${level}'. Use one of ${VALID.join(", ")} (or ALL / OFF as in Spark).`);
  }
  return l;
}

export function setLogLevel(level: string): void {
  logger().level = normalize(level);
}

const warnedOnce = new Set<string>();
/** Warnings about a user's code are said once per cause, not once per task. */
export function warnOnce(key: string, message: string): void {
  if (warnedOnce.has(key)) return;
  warnedOnce.add(key);
  logger().warn(message);
}

/**
 * A warning about how the application is defined (a setting, a missing option), said only on
 * the driver: an executor that reloads the application builds the same graph and would say it
 * again, once per executor.
 */
export function warnOnDriver(message: string): void {
  if (!isExecutorMode()) logger().warn(message);
}

/** As `warnOnDriver`, once per cause, for a definition that may be repeated (one per batch, say). */
export function warnOnceOnDriver(key: string, message: string): void {
  if (!isExecutorMode()) warnOnce(key, message);
}
