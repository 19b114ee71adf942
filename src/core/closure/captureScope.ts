/**
 * Reads a closure's captured variables through an in-thread `node:inspector`
 * session. JavaScript itself cannot see another function's scope; the
 * debugger protocol can (`[[Scopes]]`), and for a session connected to its
 * own thread `session.post` calls back before it returns, so all of this is
 * synchronous. Driver-side only: executors never load this module.
 */
import { createRequire, findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import type { Runtime, Session } from "node:inspector";

// Loaded lazily: a Node built without the inspector throws on import, and that must not break the rest of dstream.
const require = createRequire(import.meta.url);

const IN = Symbol.for("dstream.closure.in");
const OUT = Symbol.for("dstream.closure.out");
const GROUP = "dstream-closure";

let session: Session | undefined;
let unavailable: Error | undefined;

function connect(): Session {
  if (session !== undefined) return session;
  if (unavailable !== undefined) throw unavailable;
  try {
    const inspector = require("node:inspector") as typeof import("node:inspector");
    const s = new inspector.Session();
    s.connect();
    session = s;
    return s;
  } catch (err) {
    unavailable = new Error(`closure capture needs node:inspector, which is unavailable: ${String(err)}`);
    throw unavailable;
  }
}

function post<T>(method: string, params: object): T {
  const s = connect();
  let done = false;
  let error: Error | null = null;
  let result: unknown;
  s.post(method, params, (err, res) => {
    done = true;
    error = err;
    result = res;
  });
  if (!done) throw new Error(`inspector answered ${method} asynchronously; closure capture needs an in-thread session`);
  if (error !== null) throw error;
  return result as T;
}

interface Properties {
  result: Runtime.PropertyDescriptor[];
  internalProperties?: Runtime.InternalPropertyDescriptor[];
}

function properties(objectId: string): Properties {
  return post<Properties>("Runtime.getProperties", { objectId, ownProperties: true, objectGroup: GROUP });
}

/** Runs `body` with the function's remote object id, releasing every remote handle afterwards. */
function withRemote<T>(fn: Function, body: (objectId: string) => T): T {
  const g = globalThis as Record<symbol, unknown>;
  g[IN] = fn;
  try {
    const { result } = post<{ result: Runtime.RemoteObject }>("Runtime.evaluate", {
      expression: `globalThis[Symbol.for(${JSON.stringify(IN.description)})]`,
      objectGroup: GROUP,
    });
    delete g[IN];
    if (result.objectId === undefined) throw new Error("inspector returned no object id for the function");
    return body(result.objectId);
  } finally {
    delete g[IN];
    try {
      post("Runtime.releaseObjectGroup", { objectGroup: GROUP });
    } catch {
      // Nothing leaks that the next release would not also free.
    }
  }
}

interface Found {
  /** Innermost non-global scope that holds the name. */
  readonly remote: Map<string, Runtime.RemoteObject>;
  readonly missing: string[];
}

function findInScopes(functionId: string, names: readonly string[]): Found {
  const remote = new Map<string, Runtime.RemoteObject>();
  const wanted = new Set(names);
  const scopesProp = properties(functionId).internalProperties?.find((p) => p.name === "[[Scopes]]");
  const scopesId = scopesProp?.value?.objectId;
  if (scopesId !== undefined) {
    for (const scope of properties(scopesId).result) {
      if (wanted.size === 0) break;
      const id = scope.value?.objectId;
      // A global lookup is exactly what the executor does too; only closures need capturing.
      if (id === undefined || (scope.value?.description ?? "").startsWith("Global")) continue;
      for (const v of properties(id).result) {
        if (wanted.has(v.name) && v.value !== undefined) {
          remote.set(v.name, v.value);
          wanted.delete(v.name);
        }
      }
    }
  }
  return { remote, missing: names.filter((n) => wanted.has(n)) };
}

function callArgument(v: Runtime.RemoteObject): Runtime.CallArgument {
  if (v.objectId !== undefined) return { objectId: v.objectId };
  if (v.unserializableValue !== undefined) return { unserializableValue: v.unserializableValue };
  if (v.type === "undefined") return {};
  return { value: v.value };
}

/**
 * The current values of `names` in `fn`'s closure, innermost scope first.
 * Names in no closure scope (globals, or variables V8 did not keep because
 * no closure uses them) are returned in `missing`. Limitation: V8 reports a
 * `let`/`const` still in its temporal dead zone as `undefined`, so such a
 * variable is captured as `undefined` rather than reported missing.
 */
export function captureFreeVariables(fn: Function, names: string[]): { values: Map<string, unknown>; missing: string[] } {
  if (names.length === 0) return { values: new Map(), missing: [] };
  return withRemote(fn, (functionId) => {
    const { remote, missing } = findInScopes(functionId, names);
    const values = new Map<string, unknown>();
    if (remote.size === 0) return { values, missing };
    const found = [...remote.keys()];
    const g = globalThis as Record<symbol, unknown>;
    try {
      // One call moves every value, objects included, back into this isolate as real JS values.
      const r = post<{ exceptionDetails?: Runtime.ExceptionDetails }>("Runtime.callFunctionOn", {
        objectId: functionId,
        functionDeclaration: `function (...values) { globalThis[Symbol.for(${JSON.stringify(OUT.description)})] = values; }`,
        arguments: found.map((n) => callArgument(remote.get(n)!)),
        objectGroup: GROUP,
      });
      const out = g[OUT];
      if (r.exceptionDetails !== undefined || !Array.isArray(out)) {
        throw new Error(`inspector could not hand over captured values: ${r.exceptionDetails?.exception?.description ?? "no values"}`);
      }
      found.forEach((n, i) => values.set(n, out[i]));
    } finally {
      delete g[OUT];
    }
    return { values, missing };
  });
}

/**
 * Which of `names` are declared in one of `fn`'s closure scopes. A name that
 * looks like a global but is shadowed there (`const { setTimeout } = ...`)
 * must be captured, not left to the executor's global.
 */
export function namesInClosure(fn: Function, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  return withRemote(fn, (functionId) => {
    const { remote } = findInScopes(functionId, names);
    return names.filter((n) => remote.has(n));
  });
}

const scriptUrls = new Map<string, string>();
let listening = false;

function scriptUrl(scriptId: string): string | undefined {
  if (!scriptUrls.has(scriptId)) {
    const s = connect();
    if (!listening) {
      s.on("Debugger.scriptParsed", (m: { params: { scriptId: string; url: string } }) => {
        scriptUrls.set(m.params.scriptId, m.params.url);
      });
      listening = true;
    }
    // Enabling replays scriptParsed for every loaded script, synchronously; the debugger is off again before any user code runs.
    post("Debugger.enable", {});
    post("Debugger.disable", {});
    // Remember misses too (eval'd code has no URL), so the debugger is not toggled again for the same script.
    if (!scriptUrls.has(scriptId)) scriptUrls.set(scriptId, "");
  }
  return scriptUrls.get(scriptId);
}

/** A position in the script V8 compiled (0-based), before any source map. */
export interface ScriptPosition {
  readonly url: string;
  readonly line: number;
  readonly column: number;
}

const positions = new WeakMap<Function, ScriptPosition | null>();

/**
 * Where V8 has `fn`'s definition: the start of an arrow function, the parameter list of any
 * other. Undefined for natives, eval'd code or without an inspector. The first call enables the
 * debugger briefly to learn script URLs; each function is asked once.
 */
export function functionPosition(fn: Function): ScriptPosition | undefined {
  let pos = positions.get(fn);
  if (pos === undefined) {
    try {
      pos = withRemote(fn, (functionId) => {
        const p = properties(functionId).internalProperties?.find((x) => x.name === "[[FunctionLocation]]");
        const where = p?.value?.value as { scriptId: string; lineNumber: number; columnNumber: number } | undefined;
        if (where === undefined) return null;
        const url = scriptUrl(where.scriptId);
        return url === undefined || url === "" ? null : { url, line: where.lineNumber, column: where.columnNumber };
      });
    } catch {
      pos = null;
    }
    positions.set(fn, pos);
  }
  return pos ?? undefined;
}

/**
 * Best-effort `file:line` of `fn`'s definition, mapped through the source map
 * when Node has one (tsx registers them). Meant for messages.
 */
export function functionLocation(fn: Function): string | undefined {
  const p = functionPosition(fn);
  return p === undefined ? undefined : mapLocation(p.url, p.line, p.column);
}

function mapLocation(url: string, line: number, column: number): string {
  let file = url;
  let outLine = line + 1;
  try {
    const entry = findSourceMap(url)?.findEntry(line, column);
    if (entry !== undefined && "originalSource" in entry) {
      file = entry.originalSource;
      outLine = entry.originalLine + 1;
    }
  } catch {
    // Fall back to the generated position.
  }
  if (file.startsWith("file:")) {
    try {
      file = fileURLToPath(file);
    } catch {
      // Keep the URL.
    }
  }
  return `${file}:${outLine}`;
}
