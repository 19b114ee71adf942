import { showEveryFrame, summarizeError, type ErrorSummaryOptions } from "../core/errorSummary.js";

export { VERBOSE_ENV, isUserFrame } from "../core/errorSummary.js";

/**
 * An uncaught error as Spark's JVM prints an exception from `main`, made short: the one-line
 * summary (`Exception in thread "main" ...`), then the user's frames of the error and its causes.
 */
export function formatUncaughtError(e: unknown, opts: ErrorSummaryOptions & { verbose: boolean }): string {
  return `Exception in thread "main" ${summarizeError(e, opts)}\n`;
}

/**
 * Installed in the application `dstream submit` runs: an error nothing catches (a rejected
 * `awaitTermination()` at top level, say) is printed short, and the process exits with 1, as
 * Node's default handler does. An application with its own 'uncaughtException' handler keeps it.
 */
export function reportUncaughtErrors(): void {
  const handler = (e: unknown): void => {
    if (process.listenerCount("uncaughtException") > 1) return;
    process.stderr.write(formatUncaughtError(e, { verbose: showEveryFrame() }));
    process.exit(1);
  };
  process.on("uncaughtException", handler);
}
