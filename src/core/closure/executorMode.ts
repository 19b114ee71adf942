/**
 * True in an executor thread that re-imports the application module to
 * rebuild its graph: driver-side effects (actions, output, start()) must then
 * be skipped, and only the user functions registered along the way matter.
 * Kept on globalThis: the application may load dstream through another path
 * (package exports vs. sources) than the executor runtime did.
 */
const KEY = Symbol.for("dstream.executorMode");
const g = globalThis as unknown as Record<symbol, boolean | undefined>;

export function isExecutorMode(): boolean {
  return g[KEY] === true;
}

export function setExecutorMode(on: boolean): void {
  g[KEY] = on;
}

/**
 * True in the driver's thread; false in every executor thread, including while an executor
 * re-imports the application module. Guard top-level code that must run once per application
 * (writing files, creating topics, producing records) with it. Tasks that `local[1]` (or the
 * driver fallback) runs in the driver's own thread see true, as Spark's local-mode tasks run
 * inside the driver.
 */
export function isDriver(): boolean {
  return !isExecutorMode();
}
