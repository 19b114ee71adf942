import { availableParallelism } from "node:os";
import { SparkException } from "./errors.js";

export interface ParsedMaster {
  threads: number;
  maxFailures: number;
}

/** Spark's local master URLs; anything else is refused with the forms that are accepted. */
export function parseMaster(master: string): ParsedMaster {
  if (master === "local") return { threads: 1, maxFailures: 1 };
  const m = /^local\[(\*|\d+)(?:\s*,\s*(\d+))?\]$/.exec(master);
  if (m) {
    const threads = m[1] === "*" ? availableParallelism() : Number(m[1]);
    if (threads < 1) throw new SparkException(`Asked to run locally with ${threads} threads`);
    return { threads, maxFailures: m[2] ? Number(m[2]) : 1 };
  }
  throw new SparkException(
    `Could not parse Master URL: '${master}'. dstream runs in one process with N executor threads; valid masters are ` +
      `'local' (1 thread), 'local[N]' (N threads), 'local[*]' (one per core) and 'local[N,F]' (N threads, F attempts per task).`,
  );
}
