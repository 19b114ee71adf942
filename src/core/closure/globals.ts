/**
 * Which global names an executor thread can be assumed to have.
 *
 * `name in globalThis` alone is too generous: it also matches names a script
 * added at run time (`globalThis.cfg = ...`, top-level `var` in a classic
 * script, the REPL), which a fresh worker does not have, and names inherited
 * from Object.prototype (`toString`, `constructor`). So the standard set is
 * the global names that exist when this module is first evaluated, before
 * application code runs, minus Object.prototype's.
 */
function snapshotGlobals(): ReadonlySet<string> {
  const names = new Set<string>();
  for (let o: object | null = globalThis; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) names.add(k);
  }
  // The global object's own prototype re-declares `constructor`; it is no more a real global than `toString`.
  for (const k of Object.getOwnPropertyNames(Object.prototype)) if (!Object.hasOwn(globalThis, k)) names.delete(k);
  return names;
}

const STANDARD_GLOBALS = snapshotGlobals();

/** esbuild/tsx `keepNames` helper; every reviver provides it. */
export const NAME_HELPER = "__name";

export function isStandardGlobal(name: string): boolean {
  return STANDARD_GLOBALS.has(name);
}

/** Namespaces whose functions are commonly passed point-free: `map(JSON.parse)`, `foreach(console.log)`. */
const NAMESPACES = [
  "Math", "JSON", "Reflect", "Atomics", "Number", "String", "Object", "Array", "Date", "BigInt",
  "Promise", "Symbol", "ArrayBuffer", "Buffer", "console",
] as const;

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Lazily defined globals whose getters are cheap and side-effect free. */
const SAFE_ACCESSORS = new Set(["Buffer", "atob", "btoa"]);

/**
 * Reads data properties only: touching other accessors (`crypto`,
 * `performance`, ...) would run Node's lazy loaders for nothing.
 */
function valueOf(o: object, key: string): unknown {
  const d = Object.getOwnPropertyDescriptor(o, key);
  if (d === undefined) return undefined;
  if ("value" in d) return d.value;
  return o === globalThis && SAFE_ACCESSORS.has(key) ? Reflect.get(o, key) : undefined;
}

function buildGlobalPaths(): Map<Function, string> {
  const paths = new Map<Function, string>();
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (!STANDARD_GLOBALS.has(name) || !IDENT.test(name)) continue;
    const v = valueOf(globalThis, name);
    if (typeof v === "function" && !paths.has(v)) paths.set(v, name);
  }
  for (const ns of NAMESPACES) {
    const obj = valueOf(globalThis, ns);
    if ((typeof obj !== "object" && typeof obj !== "function") || obj === null) continue;
    for (const key of Object.getOwnPropertyNames(obj)) {
      if (!IDENT.test(key)) continue;
      const v = valueOf(obj, key);
      if (typeof v === "function" && !paths.has(v)) paths.set(v, `${ns}.${key}`);
    }
  }
  return paths;
}

// Built now, not on first use, so that later monkey-patching (`globalThis.parseInt = mine`) cannot make a user function look standard.
const GLOBAL_PATHS = buildGlobalPaths();

/**
 * The expression naming a standard global function (`"parseInt"`,
 * `"JSON.parse"`), so natives and bound built-ins such as `console.log`
 * still travel by source. Undefined for anything else.
 */
export function standardGlobalPath(fn: Function): string | undefined {
  return GLOBAL_PATHS.get(fn);
}
