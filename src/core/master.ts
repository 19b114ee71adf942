import { availableParallelism } from "node:os";
import { SparkException } from "./errors.js";
import { logger } from "./log.js";

export interface ParsedMaster {
  threads: number;
  maxFailures: number;
}

/**
 * `dstream.local.maxThreads`: the most executor threads a local master may ask for. Each is a
 * worker thread with its own V8 heap, so `local[100000]` would exhaust memory while starting
 * them; the default, 8 per core, is far beyond what speeds anything up.
 */
export const MAX_THREADS_KEY = "dstream.local.maxThreads";

export function defaultMaxThreads(): number {
  return 8 * availableParallelism();
}

/**
 * Spark's local master URLs; anything else is refused with the forms that are accepted.
 * `local[*]` asks for one thread per core, up to `maxThreads`; an explicit N beyond it is refused.
 */
export function parseMaster(master: string, maxThreads: number = defaultMaxThreads()): ParsedMaster {
  if (master === "local") return { threads: 1, maxFailures: 1 };
  const m = /^local\[(\*|\d+)(?:\s*,\s*(\d+))?\]$/.exec(master);
  if (m) {
    const maxFailures = m[2] ? Number(m[2]) : 1;
    if (maxFailures < 1) {
      throw new SparkException(
        `Asked to run locally with ${maxFailures} attempts per task in '${master}': F in local[N,F] is spark.task.maxFailures, the number of attempts, and must be at least 1 (local[N,1] tries each task once).`,
      );
    }
    if (m[1] === "*") {
      const cores = availableParallelism();
      if (cores > maxThreads) logger().warn(`${master}: ${cores} cores, but ${MAX_THREADS_KEY} is ${maxThreads}; running ${maxThreads} executor threads`);
      return { threads: Math.min(cores, maxThreads), maxFailures };
    }
    const threads = Number(m[1]);
    if (threads < 1) throw new SparkException(`Asked to run locally with ${threads} threads`);
    if (threads > maxThreads) {
      throw new SparkException(
        `Asked to run locally with ${m[1]} threads in '${master}', more than ${MAX_THREADS_KEY} (${maxThreads}, 8 per core by default): ` +
          `each thread is an executor with its own heap. Use local[*] (one per core) or fewer threads, or raise ${MAX_THREADS_KEY}.`,
      );
    }
    return { threads, maxFailures };
  }
  throw new SparkException(
    `Could not parse Master URL: '${master}'. dstream runs in one process with N executor threads; valid masters are ` +
      `'local' (1 thread), 'local[N]' (N threads), 'local[*]' (one per core) and 'local[N,F]' (N threads, F attempts per task).`,
  );
}
