import { analyzeFunction, type FunctionAnalysis } from "./analyzeFunction.js";
import { captureFreeVariables, functionLocation, functionPosition, namesInClosure } from "./captureScope.js";
import { EnvEncoder, UnshippableValue } from "./envCodec.js";
import type { EncodedValue, FnRef, ShipOptions, ShipResult, ShippedEnv, SourcePosition } from "./FnRef.js";
import { sourceHash, userFunctionId } from "./functionRegistry.js";
import { NAME_HELPER, standardGlobalPath } from "./globals.js";

type Inner = { ok: true; ref: FnRef } | { ok: false; reason: string; captured: string[] };

/**
 * Whether a closure scope shadows one of the function's "global" names never
 * changes for a given function object, so the inspector is asked once.
 */
const shadowedCache = new WeakMap<Function, readonly string[]>();

function shadowedGlobals(fn: Function, a: FunctionAnalysis): readonly string[] {
  let s = shadowedCache.get(fn);
  if (s === undefined) {
    const candidates = a.globals.filter((g) => g !== NAME_HELPER);
    if (candidates.length === 0 || standardGlobalPath(fn) !== undefined) s = [];
    else {
      try {
        s = namesInClosure(fn, candidates);
      } catch {
        // Without an inspector the name cannot be checked; the global is by far the likelier meaning.
        s = [];
      }
    }
    shadowedCache.set(fn, s);
  }
  return s;
}

/** Where `fn`'s text starts in its script, when the revived source keeps that text whole. */
function positionOf(fn: Function, a: FunctionAnalysis): SourcePosition | undefined {
  if (a.textStart === undefined) return undefined;
  const p = functionPosition(fn);
  const offset = a.positionOffset ?? 0;
  if (p === undefined || offset > p.column || a.source.slice(a.textStart, a.textStart + offset).includes("\n")) return undefined;
  return { url: p.url, line: p.line, column: p.column - offset, start: a.textStart };
}

function bySource(fn: Function, a: FunctionAnalysis, env?: ShippedEnv): { ok: true; ref: FnRef } {
  const at = positionOf(fn, a);
  return { ok: true, ref: { kind: "source", source: a.source, ...(env ? { env } : {}), ...(at ? { at } : {}) } };
}

/**
 * Decides how `fn` reaches an executor, in order: by source when it has no
 * free variables; by module id when `opts.allowModule` confirms the executors
 * registered the same function; by source plus a snapshot of its captured
 * variables. Captured values are read now, on every call (Spark's closure
 * semantics): call it once per job, and do not cache the result across jobs.
 */
export function shipFunction(fn: Function, opts: ShipOptions = {}): ShipResult {
  // The common case (`l => l.split(" ")`) needs no capture machinery at all.
  const a = analyzeFunction(fn);
  if (a.shippableBySource && shadowedGlobals(fn, a).length === 0) return bySource(fn, a);
  const r = new Shipper(opts).ship(fn);
  if (r.ok) return r;
  const location = functionLocation(fn);
  return { ok: false, reason: r.reason, captured: r.captured, ...(location !== undefined ? { location } : {}) };
}

class Shipper {
  /** Functions being shipped, outermost first: meeting one again means mutually recursive functions. */
  private readonly stack: Function[] = [];
  private readonly encoder = new EnvEncoder((f) => this.ship(f));

  constructor(private readonly opts: ShipOptions) {}

  ship(fn: Function): Inner {
    const a = analyzeFunction(fn);
    let free: readonly string[] = a.freeVariables;
    if (a.recreatable) {
      const shadowed = shadowedGlobals(fn, a);
      if (shadowed.length > 0) free = [...free, ...shadowed];
      if (free.length === 0) return bySource(fn, a);
    }
    const id = userFunctionId(fn);
    if (id !== undefined && this.opts.allowModule !== undefined) {
      const hash = sourceHash(fn);
      if (this.opts.allowModule(id, hash)) return { ok: true, ref: { kind: "module", id, sourceHash: hash } };
    }
    const captured = [...free];
    if (!a.recreatable) return { ok: false, reason: a.reason ?? "cannot be recreated from its source", captured };
    if (this.stack.includes(fn)) {
      return { ok: false, reason: "is part of a cycle of functions that capture each other", captured };
    }
    let values: Map<string, unknown>;
    let missing: string[];
    try {
      ({ values, missing } = captureFreeVariables(fn, captured));
    } catch (err) {
      return { ok: false, reason: `its captured variables cannot be read (${err instanceof Error ? err.message : String(err)})`, captured };
    }
    const stillMissing: string[] = [];
    for (const name of missing) {
      // Globals added at run time (`globalThis.x = ...`, a script's top-level `var`) do not exist in a fresh worker; ship their value.
      if (name in globalThis) values.set(name, Reflect.get(globalThis, name));
      else stillMissing.push(name);
    }
    if (stillMissing.length > 0) {
      return { ok: false, reason: `captures ${stillMissing.join(", ")}, which cannot be read from its closure`, captured };
    }
    const names = [...captured].sort();
    const encoded: EncodedValue[] = [];
    this.stack.push(fn);
    try {
      for (const name of names) {
        const v = values.get(name);
        encoded.push(v === fn ? { t: "self" } : this.encoder.encode(v, name));
      }
    } catch (err) {
      if (err instanceof UnshippableValue) return { ok: false, reason: err.message, captured };
      throw err;
    } finally {
      this.stack.pop();
    }
    return bySource(fn, a, { names, values: encoded });
  }
}
