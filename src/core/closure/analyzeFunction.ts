import * as acorn from "acorn";
import { freeIdentifiers, type FunctionNode } from "./freeIdentifiers.js";
import { isStandardGlobal, NAME_HELPER, standardGlobalPath } from "./globals.js";

export interface FunctionAnalysis {
  /** `source` alone recreates the function: it is `recreatable` and has no free variables. */
  readonly shippableBySource: boolean;
  /** `source`, given values for `freeVariables`, recreates the function. */
  readonly recreatable: boolean;
  /** An expression that evaluates to an equivalent function ("" when there is none). */
  readonly source: string;
  /** Free identifiers that are not standard globals, in order of first use. */
  readonly freeVariables: readonly string[];
  /** Free identifiers that are standard JS/Node globals (plus `__name`); executors have them. */
  readonly globals: readonly string[];
  /**
   * Free variables the function assigns to. Executors assign to their own
   * copy, so the driver never sees the change (as in Spark); worth a warning
   * that points to accumulators.
   */
  readonly assignedFreeVariables: readonly string[];
  /**
   * Where the function's own text (its toString) starts in `source`, and where in that text V8's
   * function position points (the parameter list, except for arrows): lets an executor place the
   * revived text at its original line and column. Undefined when `source` rearranges the text.
   */
  readonly textStart?: number;
  readonly positionOffset?: number;
  /** Why the function is not `shippableBySource`. */
  readonly reason?: string;
  readonly usesThis: boolean;
  /** `arguments` of an enclosing function. */
  readonly usesArguments: boolean;
  readonly isNative: boolean;
}

const cache = new WeakMap<Function, FunctionAnalysis>();

/** Ends every native and bound function's toString; no parseable user function can end like this. */
const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

const PARSE: acorn.Options = {
  ecmaVersion: "latest",
  sourceType: "script",
  // Revived functions are strict, so the source must be valid strict code.
  strict: true,
  // Lets `import.meta` parse, so it can be reported by name rather than as a syntax error.
  allowImportExportEverywhere: true,
};

export function analyzeFunction(fn: Function): FunctionAnalysis {
  let a = cache.get(fn);
  if (a === undefined) {
    a = analyze(fn);
    cache.set(fn, a);
  }
  return a;
}

function analyze(fn: Function): FunctionAnalysis {
  const text = Function.prototype.toString.call(fn);
  const path = standardGlobalPath(fn);
  if (path !== undefined) {
    const root = path.split(".")[0] ?? path;
    return result({ recreatable: true, source: path, free: [root], isNative: NATIVE.test(text) });
  }
  if (NATIVE.test(text)) {
    const bound = typeof fn.name === "string" && fn.name.startsWith("bound ");
    return unshippable(bound ? "is a bound function" : "is a native function", { isNative: true });
  }
  const parsed = parseFunction(text, fn);
  if ("reason" in parsed) return unshippable(parsed.reason);
  const report = freeIdentifiers(parsed.node);
  const blockers: string[] = [];
  if (report.usesThis) blockers.push("uses `this`");
  if (report.usesSuper) blockers.push("uses `super`");
  if (report.usesArguments) blockers.push("uses `arguments` of an enclosing function");
  if (report.usesNewTarget) blockers.push("uses `new.target` of an enclosing function");
  if (report.usesImportMeta) blockers.push("uses `import.meta`");
  // A revived function has no module of its own to resolve a relative or package specifier against.
  if (report.dynamicImports.some((s) => s === null || !s.startsWith("node:"))) {
    blockers.push("uses import() of something other than a node: builtin");
  }
  const free = parsed.named ? [...report.free, NAME_HELPER] : report.free;
  return result({
    recreatable: blockers.length === 0,
    source: parsed.source,
    ...(parsed.textStart !== undefined ? { textStart: parsed.textStart, positionOffset: parsed.positionOffset } : {}),
    free,
    reason: blockers.length > 0 ? blockers.join(", ") : undefined,
    usesThis: report.usesThis,
    usesArguments: report.usesArguments,
    assigned: report.assigned,
  });
}

function result(r: {
  recreatable: boolean;
  source: string;
  free: string[];
  reason?: string | undefined;
  usesThis?: boolean;
  usesArguments?: boolean;
  isNative?: boolean;
  assigned?: string[];
  textStart?: number;
  positionOffset?: number;
}): FunctionAnalysis {
  const globals: string[] = [];
  const freeVariables: string[] = [];
  for (const name of new Set(r.free)) {
    if (name === NAME_HELPER || isStandardGlobal(name)) globals.push(name);
    else freeVariables.push(name);
  }
  const shippableBySource = r.recreatable && freeVariables.length === 0;
  const reason = r.reason ?? (shippableBySource ? undefined : `captures ${freeVariables.join(", ")}`);
  return {
    shippableBySource,
    recreatable: r.recreatable,
    source: r.source,
    freeVariables,
    globals,
    assignedFreeVariables: (r.assigned ?? []).filter((n) => freeVariables.includes(n)),
    ...(reason !== undefined ? { reason } : {}),
    ...(r.textStart !== undefined ? { textStart: r.textStart, positionOffset: r.positionOffset ?? 0 } : {}),
    usesThis: r.usesThis ?? false,
    usesArguments: r.usesArguments ?? false,
    isNative: r.isNative ?? false,
  };
}

function unshippable(reason: string, extra: { isNative?: boolean } = {}): FunctionAnalysis {
  return {
    shippableBySource: false,
    recreatable: false,
    source: "",
    freeVariables: [],
    globals: [],
    assignedFreeVariables: [],
    reason,
    usesThis: false,
    usesArguments: false,
    isNative: extra.isNative ?? false,
  };
}

type Parsed =
  | { node: FunctionNode; source: string; named: boolean; textStart?: number; positionOffset?: number }
  | { reason: string };

/**
 * Turns any function's toString into an expression source. Arrows and
 * function expressions/declarations parse as they are; method shorthand
 * (`f(x) {}`, `async *g() {}`, class methods, which print without `static`)
 * only parses inside an object literal or class body, so it is re-wrapped as
 * `({ "f"(x) {} })["f"]`, which keeps it a method: no prototype, not
 * constructible, and `f` in its body still names the outer binding.
 */
function parseFunction(text: string, fn: Function): Parsed {
  let firstError: unknown;
  try {
    // Inside a method, so that an arrow's `super` and `new.target` parse and are reported as such rather than as syntax errors.
    const prefix = "({m(){return(";
    const e = returnedExpression(acorn.parse(`${prefix}${text}\n)}})`, PARSE));
    // The function must be the whole text, or the text is not what we will evaluate on the other side.
    const whole = e !== undefined && e.start === prefix.length && e.end === prefix.length + text.length;
    if (whole && (e.type === "ArrowFunctionExpression" || e.type === "FunctionExpression")) {
      const natural = e.type === "FunctionExpression" && e.id ? e.id.name : "";
      // esbuild/tsx's `__name` preserves inferred names such as `h` in `const h = x => x`; do the same.
      const named = typeof fn.name === "string" && fn.name !== natural;
      const source = named ? `${NAME_HELPER}(${text}, ${JSON.stringify(fn.name)})` : text;
      const textStart = named ? NAME_HELPER.length + 1 : 0;
      return { node: e, source, named, textStart, positionOffset: e.type === "ArrowFunctionExpression" ? 0 : Math.max(0, text.indexOf("(")) };
    }
    if (whole && e.type === "ClassExpression") return { reason: "is a class constructor" };
  } catch (err) {
    firstError = err;
  }
  const method = parseMethod(text, fn);
  if (method !== undefined) return method;
  try {
    acorn.parse(`(${text}\n)`, { ...PARSE, strict: false });
    return { reason: "its source is not valid in strict mode" };
  } catch {
    // Report the first, most direct parse error below.
  }
  // Acorn's "(line:column)" suffix would point into the parse wrapper, not the user's code.
  const message = firstError instanceof Error ? firstError.message.replace(/ \(\d+:\d+\)$/, "") : "unknown form";
  return { reason: `its source could not be parsed (${message})` };
}

function parseMethod(text: string, fn: Function): Parsed | undefined {
  let value: acorn.FunctionExpression | undefined;
  let kind: string | undefined;
  let offset = 0;
  try {
    const e = expressionOf(acorn.parse(`({${text}\n})`, PARSE));
    const p = e?.type === "ObjectExpression" && e.properties.length === 1 ? e.properties[0] : undefined;
    if (p?.type === "Property" && p.value.type === "FunctionExpression" && (p.method || p.kind !== "init")) {
      value = p.value;
      kind = p.kind;
      offset = 2;
    }
  } catch {
    // Private methods (`#m() {}`) parse only in a class body; try that next.
  }
  if (value === undefined) {
    try {
      const e = expressionOf(acorn.parse(`(class {${text}\n})`, PARSE));
      const m = e?.type === "ClassExpression" && e.body.body.length === 1 ? e.body.body[0] : undefined;
      if (m?.type === "MethodDefinition") {
        value = m.value;
        kind = m.kind;
        offset = 8;
      }
    } catch {
      return undefined;
    }
  }
  if (value === undefined) return undefined;
  if (kind === "get" || kind === "set") return { reason: "is a getter or setter" };
  const key = JSON.stringify(typeof fn.name === "string" ? fn.name : "");
  const rest = text.slice(value.start - offset, value.end - offset);
  const source = `({${value.async ? "async " : ""}${value.generator ? "*" : ""}${key}${rest}})[${key}]`;
  try {
    acorn.parse(`(${source})`, PARSE);
  } catch {
    return { reason: "uses private class members" };
  }
  return { node: value, source, named: false };
}

function returnedExpression(program: acorn.Program): acorn.Expression | undefined {
  const o = expressionOf(program);
  const m = o?.type === "ObjectExpression" ? o.properties[0] : undefined;
  const ret = m?.type === "Property" && m.value.type === "FunctionExpression" ? m.value.body.body[0] : undefined;
  if (ret?.type !== "ReturnStatement" || !ret.argument) return undefined;
  let e = ret.argument;
  while (e.type === "ParenthesizedExpression") e = e.expression;
  return e;
}

function expressionOf(program: acorn.Program): acorn.Expression | undefined {
  const s = program.body.length === 1 ? program.body[0] : undefined;
  if (s?.type !== "ExpressionStatement") return undefined;
  let e: acorn.Expression | acorn.Literal = s.expression;
  while (e.type === "ParenthesizedExpression") e = e.expression;
  return e;
}
