/**
 * Stable ids for user functions, for the "reload the application module"
 * strategy: driver and executors build the same graph in the same order, so
 * the n-th function registered is the same function on both sides. The
 * source hash guards against the order drifting apart.
 */

import { createHash } from "node:crypto";

interface Registry {
  ids: WeakMap<Function, number>;
  // Strong references: a registered function must stay resolvable by id for the application's lifetime.
  byId: Function[];
  sealed: boolean;
}
// On globalThis, like the executor-mode flag: one registry however dstream was loaded.
const KEY = Symbol.for("dstream.functionRegistry");
const g = globalThis as unknown as Record<symbol, Registry | undefined>;
const reg: Registry = (g[KEY] ??= { ids: new WeakMap(), byId: [], sealed: false });
const ids = reg.ids;
const byId = reg.byId;
const hashes = new WeakMap<Function, string>();

/** Assigns the next id to `fn` the first time it is seen; later calls are no-ops. Ignored once sealed. */
export function registerUserFunction(fn: Function): void {
  if (reg.sealed || ids.has(fn)) return;
  ids.set(fn, byId.length);
  byId.push(fn);
}

export function userFunctionId(fn: Function): number | undefined {
  return ids.get(fn);
}

export function registeredFunction(id: number): Function | undefined {
  return byId[id];
}

/**
 * Stops assigning ids. Call it when the graph is built (start() or the first
 * action): functions created later, e.g. per batch inside `transform`, do not
 * exist on executors, and registering them would only grow the registry.
 */
export function sealFunctionRegistry(): void {
  reg.sealed = true;
}

export function isFunctionRegistrySealed(): boolean {
  return reg.sealed;
}

/** For tests and for an executor that rebuilds its graph from scratch. */
export function resetFunctionRegistry(): void {
  for (const fn of byId) ids.delete(fn);
  byId.length = 0;
  reg.sealed = false;
}

/** `[id, sourceHash]` for every registered function, in id order. */
export function registrySnapshot(): Array<[number, string]> {
  return byId.map((fn, id) => [id, sourceHash(fn)]);
}

/**
 * First 64 bits of SHA-1 over `fn`'s toString, as 16 hex digits. Computed
 * once per function; OpenSSL hashes a typical function source in about a
 * microsecond, and the result is identical in every thread and run.
 */
export function sourceHash(fn: Function): string {
  let h = hashes.get(fn);
  if (h === undefined) {
    h = createHash("sha1").update(Function.prototype.toString.call(fn)).digest("hex").slice(0, 16);
    hashes.set(fn, h);
  }
  return h;
}
