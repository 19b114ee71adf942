/**
 * True in an executor thread that re-imports the application module to
 * rebuild its graph: driver-side effects (actions, output, start()) must then
 * be skipped, and only the user functions registered along the way matter.
 */
let executorMode = false;

export function isExecutorMode(): boolean {
  return executorMode;
}

export function setExecutorMode(on: boolean): void {
  executorMode = on;
}
