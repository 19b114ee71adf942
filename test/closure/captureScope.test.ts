import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { analyzeFunction, captureFreeVariables, functionLocation } from "../../src/core/closure/index.js";

const NUM = 42;
let counter = 1;
const obj = { a: 1, nested: { b: [1, 2] } };
const table = new Map([["x", 1]]);
const big = 10n;
const nan = NaN;
const negZero = -0;
const undef = undefined;
const negInf = -Infinity;
const str = "s";
const nul = null;
const shadowed = "module";

const usesAll = () => [NUM, counter, obj, table, big, nan, negZero, undef, negInf, str, nul];

test("captures module-level consts and lets as real values, not copies", () => {
  const names = ["NUM", "counter", "obj", "table", "big", "nan", "negZero", "undef", "negInf", "str", "nul"];
  const { values, missing } = captureFreeVariables(usesAll, names);
  assert.deepEqual(missing, []);
  assert.deepEqual([...values.keys()].sort(), [...names].sort());
  assert.equal(values.get("NUM"), 42);
  assert.equal(values.get("counter"), 1);
  assert.equal(values.get("obj"), obj);
  assert.equal(values.get("table"), table);
  assert.equal(values.get("big"), 10n);
  assert.ok(Number.isNaN(values.get("nan")));
  assert.ok(Object.is(values.get("negZero"), -0));
  assert.ok(values.has("undef"));
  assert.equal(values.get("undef"), undefined);
  assert.equal(values.get("negInf"), -Infinity);
  assert.equal(values.get("str"), "s");
  assert.equal(values.get("nul"), null);
});

test("reads the current value of a let at every call", () => {
  counter = 1;
  assert.equal(captureFreeVariables(usesAll, ["counter"]).values.get("counter"), 1);
  counter = 7;
  assert.equal(captureFreeVariables(usesAll, ["counter"]).values.get("counter"), 7);
  counter = 1;
});

function makeAdder(n: number) {
  const local = n * 2;
  {
    const inBlock = 3;
    return (x: number) => x + n + local + inBlock + NUM;
  }
}

test("captures parameters, function locals and block variables of enclosing functions", () => {
  const add = makeAdder(5);
  const { values, missing } = captureFreeVariables(add, ["n", "local", "inBlock", "NUM"]);
  assert.deepEqual(missing, []);
  assert.deepEqual(Object.fromEntries(values), { n: 5, local: 10, inBlock: 3, NUM: 42 });
});

function inner() {
  const shadowed = "inner";
  return () => shadowed;
}

test("the innermost scope wins", () => {
  assert.equal(shadowed, "module");
  const fn = inner();
  // esbuild renames the inner binding (`shadowed2`); ask the analysis which name the running code uses.
  const [name] = analyzeFunction(fn).freeVariables;
  assert.ok(name !== undefined && name.startsWith("shadowed"));
  assert.equal(captureFreeVariables(fn, [name]).values.get(name), "inner");
  const evaluated = (0, eval)(`(() => { const NUM = "inner"; return () => NUM })()`) as Function;
  assert.equal(captureFreeVariables(evaluated, ["NUM"]).values.get("NUM"), "inner");
});

test("globals and unknown names are missing", () => {
  const f = () => Math.max(NUM);
  const { values, missing } = captureFreeVariables(f, ["Math", "doesNotExistAnywhere", "NUM"]);
  assert.deepEqual(missing, ["Math", "doesNotExistAnywhere"]);
  assert.deepEqual([...values.keys()], ["NUM"]);
  const evaluated = (0, eval)("(() => NUM)") as Function;
  assert.deepEqual(captureFreeVariables(evaluated, ["NUM"]).missing, ["NUM"]);
});

test("captures functions and class instances as the same objects", () => {
  class Thing {}
  const thing = new Thing();
  const helper = (x: number) => x;
  const f = () => [thing, helper];
  const { values } = captureFreeVariables(f, ["thing", "helper"]);
  assert.equal(values.get("thing"), thing);
  assert.equal(values.get("helper"), helper);
});

test("leaves no temporaries on globalThis", () => {
  captureFreeVariables(usesAll, ["obj"]);
  const g = globalThis as Record<symbol, unknown>;
  assert.equal(g[Symbol.for("dstream.closure.in")], undefined);
  assert.equal(g[Symbol.for("dstream.closure.out")], undefined);
  assert.equal(Object.getOwnPropertySymbols(globalThis).some((s) => s.description?.startsWith("dstream.closure")), false);
});

test("an empty name list needs no inspector round trip and returns nothing", () => {
  assert.deepEqual(captureFreeVariables(usesAll, []), { values: new Map(), missing: [] });
});

const located = (x: number) => x + NUM; // LOCATION-MARKER

test("functionLocation maps to the original .ts file and line", () => {
  const file = fileURLToPath(import.meta.url);
  const line = readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes("// LOCATION-" + "MARKER")) + 1;
  assert.ok(line > 0);
  assert.equal(functionLocation(located), `${file}:${line}`);
  assert.equal(functionLocation(Math.max), undefined);
});
