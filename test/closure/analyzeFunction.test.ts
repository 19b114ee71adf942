import { test } from "node:test";
import assert from "node:assert/strict";
import { analyzeFunction } from "../../src/core/closure/index.js";

/**
 * A function whose toString is exactly `source` (tsx does not touch code run
 * through indirect eval), defined in global scope.
 */
const fromSource = (source: string): Function => (0, eval)(`(${source})`) as Function;

function free(source: string): readonly string[] {
  return analyzeFunction(fromSource(source)).freeVariables;
}

test("a function with no free identifiers ships by source", () => {
  const a = analyzeFunction(fromSource(`l => l.split(" ")`));
  assert.equal(a.shippableBySource, true);
  assert.equal(a.recreatable, true);
  assert.equal(a.source, `l => l.split(" ")`);
  assert.deepEqual(a.freeVariables, []);
  assert.deepEqual(a.globals, []);
  assert.equal(a.reason, undefined);
  assert.deepEqual(a.assignedFreeVariables, []);
  assert.equal(a.usesThis, false);
  assert.equal(a.isNative, false);
});

test("JS and Node globals are allowed and listed separately", () => {
  const a = analyzeFunction(
    fromSource(
      "s => JSON.parse(s) + Math.max(1) + Number(s) + parseInt(s) + NaN + undefined + Infinity + Buffer.byteLength(s) + process.pid + console.log.name + globalThis.x",
    ),
  );
  assert.deepEqual(a.freeVariables, []);
  assert.deepEqual(a.globals, ["JSON", "Math", "Number", "parseInt", "NaN", "undefined", "Infinity", "Buffer", "process", "console", "globalThis"]);
  assert.equal(a.shippableBySource, true);
});

test("free variables are reported in order of first use, once", () => {
  const a = analyzeFunction(fromSource("x => factor * x + offset + factor"));
  assert.deepEqual(a.freeVariables, ["factor", "offset"]);
  assert.equal(a.shippableBySource, false);
  assert.equal(a.recreatable, true);
  assert.equal(a.reason, "captures factor, offset");
});

test("parameters bind, including destructuring, defaults and rest; defaults can be free", () => {
  assert.deepEqual(
    free("function f(a, { b, c: [d, ...e] = q1 }, [g = q2] = [], ...rest) { return a + b + d + e + g + rest + zz + f }"),
    ["q1", "q2", "zz"],
  );
  assert.deepEqual(free("({ a: { b } }, ...[c]) => a + b + c"), ["a"]);
  assert.deepEqual(free("(a = b, b = 1) => a + b"), []);
});

test("parameter defaults do not see body vars", () => {
  assert.deepEqual(free("(a = x) => { var x = 2; return a + x }"), ["x"]);
});

test("var is function-scoped and hoisted; let/const/class are block-scoped", () => {
  assert.deepEqual(free("x => { if (x) { var hoisted = 1 } return hoisted }"), []);
  assert.deepEqual(free("() => { use(v); var v = 1 }"), ["use"]);
  assert.deepEqual(free("() => { { let i = 1; const j = 2; class K {} } return i + j + K }"), ["i", "j", "K"]);
  assert.deepEqual(free("() => { for (var k = 0; k < n; k++) {} return k }"), ["n"]);
  assert.deepEqual(free("() => { for (let i = 0; i < n; i++) { const j = i } return i + j }"), ["n", "i", "j"]);
  assert.deepEqual(free("() => { for (const key in obj) use(key); for (const v of list) use(v); return key }"), ["obj", "use", "list", "key"]);
  assert.deepEqual(free("() => { switch (v) { case 1: let w = 1; break; default: w = 2 } return w }"), ["v", "w"]);
});

test("function declarations are hoisted; in blocks they stay block-scoped (strict)", () => {
  assert.deepEqual(free("() => { return g(); function g() { return h } }"), ["h"]);
  assert.deepEqual(free("() => { { function inner() {} } return inner }"), ["inner"]);
});

test("shadowing hides outer names", () => {
  assert.deepEqual(free("x => { const y = 1; return (y => y + x)(z) }"), ["z"]);
  assert.deepEqual(free("() => { let Math = 1; return Math }"), []);
  assert.deepEqual(analyzeFunction(fromSource("() => { let Math = 1; return Math }")).globals, []);
});

test("catch parameters bind; labels are not identifiers", () => {
  assert.deepEqual(free("() => { try { risky() } catch ({ message }) { return message + err } finally { done() } }"), ["risky", "err", "done"]);
  assert.deepEqual(free("() => { try {} catch { return e } }"), ["e"]);
  assert.deepEqual(free("() => { L: for (const k of ks) { if (k) continue L; break L } }"), ["ks"]);
});

test("member names and non-computed keys are not references; shorthand and computed keys are", () => {
  assert.deepEqual(free("x => x.a.b[c]?.d"), ["c"]);
  assert.deepEqual(free(`x => ({ a, b: c, [d]: e, "s": 1, 3: 4, f() { return g }, ...h })`), ["a", "c", "d", "e", "g", "h"]);
});

test("free variables the function assigns to are listed", () => {
  const a = analyzeFunction(fromSource("x => { count++; total += x; [p, q] = [q, p]; ({ r } = x); let local; local = 1; return seen.has(x) }"));
  assert.deepEqual(a.freeVariables, ["count", "total", "p", "q", "r", "seen"]);
  assert.deepEqual(a.assignedFreeVariables, ["count", "total", "p", "q", "r"]);
  assert.deepEqual(analyzeFunction(fromSource("x => x + 1")).assignedFreeVariables, []);
});

test("destructuring assignment targets, templates, and tagged templates", () => {
  assert.deepEqual(free("() => { let { a = b, ...r } = o; [p, q] = [q, p]; ({ s } = t); return a + r }"), ["b", "o", "p", "q", "s", "t"]);
  assert.deepEqual(free("() => `${tpl} ${x}` + tag`a${y}`"), ["tpl", "x", "tag", "y"]);
});

test("classes inside the function: names, heritage, computed keys, fields", () => {
  const a = analyzeFunction(
    fromSource("() => { class K extends Base { static s = this.t; f = K; [key]() { return this } m() { return K + super.m() } static { use(this) } } return K }"),
  );
  assert.deepEqual(a.freeVariables, ["Base", "key", "use"]);
  assert.equal(a.usesThis, false);
  assert.equal(a.shippableBySource, false);
  assert.equal(a.recreatable, true);
});

test("`this` of the function or an enclosing scope makes it unshippable; nested functions own theirs", () => {
  for (const s of ["() => this.x", "function () { return this }", "function () { return () => this }"]) {
    const a = analyzeFunction(fromSource(s));
    assert.equal(a.usesThis, true, s);
    assert.equal(a.recreatable, false, s);
    assert.equal(a.reason, "uses `this`", s);
  }
  for (const s of ["() => function () { return this }", "() => ({ m() { return this } })", "() => class { f = this }"]) {
    const a = analyzeFunction(fromSource(s));
    assert.equal(a.usesThis, false, s);
    assert.equal(a.shippableBySource, true, s);
  }
});

test("`arguments` is free in a top-level arrow and owned by regular functions", () => {
  const arrow = analyzeFunction(fromSource("() => arguments[0]"));
  assert.equal(arrow.usesArguments, true);
  assert.deepEqual(arrow.freeVariables, ["arguments"]);
  assert.equal(arrow.recreatable, false);
  assert.match(arrow.reason ?? "", /arguments/);
  for (const s of ["function () { return arguments.length }", "function () { return () => arguments[0] }", "() => function () { return arguments }"]) {
    const a = analyzeFunction(fromSource(s));
    assert.equal(a.usesArguments, false, s);
    assert.equal(a.shippableBySource, true, s);
  }
});

test("`new.target` and `super` of an enclosing function are reported", () => {
  const nt = analyzeFunction(fromSource("(function () { return () => new.target })()"));
  assert.equal(nt.recreatable, false);
  assert.match(nt.reason ?? "", /new\.target/);
  assert.equal(analyzeFunction(fromSource("function () { return new.target }")).shippableBySource, true);
  const sup = analyzeFunction(fromSource("({ m() { return () => super.x } }).m()"));
  assert.equal(sup.recreatable, false);
  assert.match(sup.reason ?? "", /super/);
  assert.equal(analyzeFunction(fromSource("() => ({ m() { return super.x } })")).shippableBySource, true);
});

const usesImportMeta = () => import.meta.url;

test("`import.meta` and non-builtin dynamic imports make it unshippable", () => {
  const meta = analyzeFunction(usesImportMeta);
  assert.equal(meta.recreatable, false);
  assert.match(meta.reason ?? "", /import\.meta/);
  assert.equal(analyzeFunction(fromSource("async () => (await import('node:fs')).readFileSync")).shippableBySource, true);
  assert.equal(analyzeFunction(fromSource("async () => import('./x.js')")).recreatable, false);
  assert.equal(analyzeFunction(fromSource("async (m) => import(m)")).recreatable, false);
});

test("a named function expression binds its own name", () => {
  assert.deepEqual(free("function fact(n) { return n ? n * fact(n - 1) : 1 }"), []);
});

test("async, generator and async generator functions", () => {
  assert.deepEqual(free("async (x) => (await x) + y"), ["y"]);
  assert.deepEqual(free("function* g() { yield* other }"), ["other"]);
  assert.deepEqual(free("async function af(xs) { for await (const x of xs) use(x) }"), ["use"]);
  assert.deepEqual(free("async function* ag() { yield await src }"), ["src"]);
  const a = analyzeFunction(fromSource("async function* ag() { yield 1 }"));
  assert.equal(a.source, "async function* ag() { yield 1 }");
});

test("method shorthand is re-wrapped into an expression that evaluates to a method", () => {
  const k = 10;
  const o = {
    f(x: number) {
      return x + k;
    },
    async af() {
      return 1;
    },
    *g() {
      yield 1;
    },
    async *ag() {
      yield 2;
    },
    "a b"() {
      return 3;
    },
    [Symbol.iterator]() {
      return [][Symbol.iterator]();
    },
  };
  const f = analyzeFunction(o.f);
  assert.equal(f.source.startsWith(`({"f"(`), true, f.source);
  assert.deepEqual(f.freeVariables, ["k"]);
  for (const m of [o.af, o.g, o.ag, o["a b"], o[Symbol.iterator]]) {
    const a = analyzeFunction(m);
    assert.equal(a.shippableBySource, true, a.source);
    const revived = (0, eval)(`(${a.source})`) as Function;
    assert.equal(revived.name, m.name);
    assert.equal(revived.prototype === undefined, m.prototype === undefined, m.name);
    assert.equal(Object.getPrototypeOf(revived), Object.getPrototypeOf(m), m.name);
  }
});

test("class methods (static, private) are methods; getters/setters and constructors are not shippable", () => {
  class C {
    static twice(x: number) {
      return x * 2;
    }
    #hidden() {
      return 1;
    }
    exposeHidden() {
      return this.#hidden;
    }
    uses() {
      return this;
    }
    get value() {
      return 1;
    }
    set value(_v: number) {}
  }
  const s = analyzeFunction(C.twice);
  assert.equal(s.shippableBySource, true);
  assert.equal(((0, eval)(`(${s.source})`) as (x: number) => number)(21), 42);
  const p = analyzeFunction(new C().exposeHidden());
  assert.equal(p.shippableBySource, true);
  assert.equal(((0, eval)(`(${p.source})`) as Function).name, "#hidden");
  assert.equal(analyzeFunction(C.prototype.uses).reason, "uses `this`");
  const d = Object.getOwnPropertyDescriptor(C.prototype, "value")!;
  assert.equal(analyzeFunction(d.get!).reason, "is a getter or setter");
  assert.equal(analyzeFunction(d.set!).reason, "is a getter or setter");
  assert.equal(analyzeFunction(C).reason, "is a class constructor");
  assert.equal(analyzeFunction(C).recreatable, false);
  assert.equal(analyzeFunction(class {}).reason, "is a class constructor");
});

test("a method named `class` is not mistaken for a class", () => {
  const o = { class(x: number) { return x + 1; } };
  const a = analyzeFunction(o.class);
  assert.equal(a.shippableBySource, true);
  assert.equal(((0, eval)(`(${a.source})`) as (x: number) => number)(1), 2);
});

test("standard global functions ship as their path; other natives and bound functions do not", () => {
  for (const [fn, path] of [
    [Math.max, "Math.max"],
    [parseInt, "parseInt"],
    [JSON.parse, "JSON.parse"],
    [Number, "Number"],
    [Boolean, "Boolean"],
    [console.log, "console.log"],
    [Buffer.from, "Buffer.from"],
  ] as const) {
    const a = analyzeFunction(fn);
    assert.equal(a.shippableBySource, true, path);
    assert.equal(a.source, path);
    assert.equal((0, eval)(`(${a.source})`), fn, path);
  }
  assert.equal(analyzeFunction(Math.max).isNative, true);
  const m = analyzeFunction(Array.prototype.map);
  assert.equal(m.isNative, true);
  assert.equal(m.shippableBySource, false);
  assert.equal(m.reason, "is a native function");
  const b = analyzeFunction(fromSource("x => x").bind(null));
  assert.equal(b.isNative, true);
  assert.equal(b.reason, "is a bound function");
});

test("source that is only valid in sloppy mode is reported, since revived code is strict", () => {
  const a = analyzeFunction(fromSource("function (a, a) { return a }"));
  assert.equal(a.recreatable, false);
  assert.match(a.reason ?? "", /strict mode/);
});

test("names added to globalThis at run time, and Object.prototype names, are not treated as globals", () => {
  (globalThis as Record<string, unknown>)["dstreamAnalyzeRuntimeGlobal"] = 1;
  try {
    const a = analyzeFunction(fromSource("() => dstreamAnalyzeRuntimeGlobal + constructor + toString"));
    assert.deepEqual(a.freeVariables, ["dstreamAnalyzeRuntimeGlobal", "constructor", "toString"]);
    assert.deepEqual(a.globals, []);
  } finally {
    delete (globalThis as Record<string, unknown>)["dstreamAnalyzeRuntimeGlobal"];
  }
});

const OFFSET = 5;
const typedInc = (x: number): number => x + OFFSET;
const tsxNested = (x: number): number => {
  const twice = (y: number): number => y * 2;
  return twice(x);
};
enum Color {
  Red,
  Green,
}
const isGreen = (c: Color): boolean => c === Color.Green;

test("tsx-rewritten functions: types erased, `__name` allowed, inferred names preserved", () => {
  const inc = analyzeFunction(typedInc);
  assert.doesNotMatch(inc.source, /: number/);
  assert.deepEqual(inc.freeVariables, ["OFFSET"]);
  // `const typedInc = ...` gives the arrow an inferred name that a bare arrow source would lose.
  assert.match(inc.source, /^__name\(/);
  assert.ok(inc.globals.includes("__name"));

  // tsx injects `__name(...)` calls into bodies that define named inner functions.
  assert.match(Function.prototype.toString.call(tsxNested), /__name\(/);
  const nested = analyzeFunction(tsxNested);
  assert.deepEqual(nested.freeVariables, []);
  assert.ok(nested.globals.includes("__name"));
  assert.equal(nested.shippableBySource, true);

  // Whether tsx inlines the enum member or not, the analysis must agree with the source it saw.
  const g = analyzeFunction(isGreen);
  const refersToEnum = /Color/.test(Function.prototype.toString.call(isGreen));
  assert.deepEqual(g.freeVariables, refersToEnum ? ["Color"] : []);
});

test("results are cached per function object", () => {
  const f = fromSource("x => x + 1");
  assert.equal(analyzeFunction(f), analyzeFunction(f));
  assert.notEqual(analyzeFunction(f), analyzeFunction(fromSource("x => x + 1")));
});
