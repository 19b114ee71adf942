import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  registerUserFunction,
  resetFunctionRegistry,
  reviveFunction,
  sourceHash,
  userFunctionId,
  type FnRef,
} from "../../src/core/closure/index.js";

const none = new Map<string, (data: unknown) => unknown>();

test("a source ref without env is compiled once and cached by source", () => {
  const ref: FnRef = { kind: "source", source: "(a, b) => a + b" };
  const f = reviveFunction(ref, none) as (a: number, b: number) => number;
  assert.equal(f(2, 3), 5);
  assert.equal(reviveFunction(structuredClone(ref), none), f);
  assert.notEqual(reviveFunction({ kind: "source", source: "(a, b) => a * b" }, none), f);
});

test("a source ref with env gets fresh captured values per revival", () => {
  const source = "x => x * factor + offset.v";
  const mk = (factor: number): FnRef => ({
    kind: "source",
    source,
    env: { names: ["factor", "offset"], values: [{ t: "raw", v: factor }, { t: "raw", v: { v: 1 } }] },
  });
  const two = reviveFunction(mk(2), none) as (x: number) => number;
  const ten = reviveFunction(mk(10), none) as (x: number) => number;
  assert.notEqual(two, ten);
  assert.equal(two(3), 7);
  assert.equal(ten(3), 31);
});

test("`__name` is provided, so tsx-style and name-preserving sources revive with their names", () => {
  const f = reviveFunction({ kind: "source", source: `__name(x => x + 1, "inc")` }, none) as (x: number) => number;
  assert.equal(f.name, "inc");
  assert.equal(f(1), 2);
  const g = reviveFunction({ kind: "source", source: `x => { const h = __name(y => y * 2, "h"); return h.name + h(x) }` }, none) as (x: number) => string;
  assert.equal(g(2), "h4");
});

test("revived functions are strict", () => {
  const f = reviveFunction({ kind: "source", source: "function () { return this }" }, none) as () => unknown;
  assert.equal(f(), undefined);
});

test("tagged env values decode to the right types", () => {
  const f = reviveFunction(
    structuredClone<FnRef>({
      kind: "source",
      source: "() => ({ o, a, m, s, b, n })",
      env: {
        names: ["a", "b", "m", "n", "o", "s"],
        values: [
          { t: "array", items: [{ t: "raw", v: 1 }, { t: "fn", ref: { kind: "source", source: "x => -x" } }] },
          { t: "buffer", bytes: new Uint8Array([104, 105]) },
          { t: "map", keys: [{ t: "raw", v: "k" }], values: [{ t: "raw", v: 2 }] },
          { t: "raw", v: null },
          { t: "object", nullProto: true, keys: ["x"], values: [{ t: "raw", v: 3 }] },
          { t: "set", items: [{ t: "raw", v: "e" }] },
        ],
      },
    }),
    none,
  ) as () => { o: { x: number }; a: [number, (x: number) => number]; m: Map<string, number>; s: Set<string>; b: Buffer; n: null };
  const v = f();
  assert.equal(Object.getPrototypeOf(v.o), null);
  assert.equal(v.o.x, 3);
  assert.equal(v.a[0], 1);
  assert.equal(v.a[1](4), -4);
  assert.equal(v.m.get("k"), 2);
  assert.ok(v.s.has("e"));
  assert.ok(Buffer.isBuffer(v.b));
  assert.equal(v.b.toString(), "hi");
  assert.equal(v.n, null);
});

test("module refs resolve through the registry and check the source hash", () => {
  resetFunctionRegistry();
  const f = (x: number) => x + 1;
  const g = (x: number) => x + 2;
  registerUserFunction(f);
  registerUserFunction(g);
  const id = userFunctionId(g)!;
  assert.equal(reviveFunction({ kind: "module", id, sourceHash: sourceHash(g) }, none), g);
  assert.throws(
    () => reviveFunction({ kind: "module", id: 99, sourceHash: sourceHash(g) }, none),
    /cannot revive user function #99: this executor registered no such function/,
  );
  assert.throws(
    () => reviveFunction({ kind: "module", id, sourceHash: sourceHash(f) }, none),
    /cannot revive user function #1: its source differs between driver .* and executor/,
  );
  resetFunctionRegistry();
});

test("a malformed source fails with the source in the message", () => {
  assert.throws(() => reviveFunction({ kind: "source", source: "x => {" }, none), /cannot revive shipped function: .*\nsource: x => \{/s);
});

test("the reviver's import graph contains neither the inspector nor the parser", () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "../../src/core/closure");
  const seen = new Set<string>();
  const imports: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(dir, file), "utf8");
    // Type-only imports are erased and load nothing.
    for (const m of text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gms)) {
      const spec = m[1]!;
      imports.push(spec);
      if (spec.startsWith("./")) visit(spec.slice(2).replace(/\.js$/, ".ts"));
    }
  };
  visit("reviveFunction.ts");
  assert.ok(seen.has("envCodec.ts") && seen.has("functionRegistry.ts"), [...seen].join(","));
  for (const banned of ["node:inspector", "acorn", "./captureScope.js", "./analyzeFunction.js", "./shipFunction.js"]) {
    assert.ok(!imports.includes(banned), `reviveFunction.ts transitively imports ${banned}`);
  }
});
