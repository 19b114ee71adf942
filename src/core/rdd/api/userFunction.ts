import { registerUserFunction } from "../../closure/index.js";

const RECENT_LIMIT = 32;
let recent: Function[] = [];

/**
 * Every user function enters the engine here: it is checked, and registered in construction
 * order so an executor that reloads the application module can find the same function by id.
 */
export function userFn<F>(op: string, f: F, what = "function"): F {
  if (typeof f !== "function") {
    throw new TypeError(`${op}: expected a ${what}, got ${f === null ? "null" : typeof f} ${describeValue(f)}. Pass a function such as x => x.`);
  }
  registerUserFunction(f as unknown as Function);
  recent.push(f as unknown as Function);
  if (recent.length > RECENT_LIMIT) recent.shift();
  return f;
}

/**
 * The user functions given since the last call (the latest 32 at most), oldest first. A layer
 * that builds something from user functions takes them right after, to know which functions
 * went into it (streaming fingerprints its graph this way); taking them also forgets them.
 */
export function takeRecentUserFunctions(): Function[] {
  const taken = recent;
  recent = [];
  return taken;
}

export function positiveInt(op: string, name: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n <= 0) {
    throw new RangeError(`${op}: ${name} must be a positive integer, got ${describeValue(n)}`);
  }
  return n;
}

export function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return `function ${v.name || "(anonymous)"}`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
