import type { StreamingContext } from "../StreamingContext.js";

/**
 * Contexts that getOrCreate resumed from a checkpoint. Components created lazily while the
 * context runs (the receivers' write-ahead log) read their own state back only for these; a
 * fresh context starts them empty.
 */
const resumed = new WeakSet<StreamingContext>();

export function markResumed(ssc: StreamingContext): void {
  resumed.add(ssc);
}

export function isResumed(ssc: StreamingContext): boolean {
  return resumed.has(ssc);
}
