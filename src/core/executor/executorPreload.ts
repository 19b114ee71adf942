const modules = new Set<string>();

/**
 * Asks every executor thread to import `moduleUrl` as soon as it starts, before a task needs it.
 * A connector whose client library is slow to load (the Kafka client compiles its option
 * validators at import: seconds on a busy machine) would otherwise make its first batch wait for
 * that load in each executor. Registered when the connector's module loads on the driver, which
 * is before the application creates its SparkContext.
 */
export function preloadOnExecutors(moduleUrl: string): void {
  modules.add(moduleUrl);
}

/** The modules registered so far, for the executors spawned now. */
export function executorPreloads(): string[] {
  return [...modules];
}
