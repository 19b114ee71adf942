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
