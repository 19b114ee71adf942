import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { javaHashCode } from "../../src/core/util/javaHash.js";
import { encodeKey, encodeToken, keysEqual } from "../../src/core/util/keyEncoding.js";
import { KeyMap } from "../../src/core/util/KeyMap.js";
import { KeySet } from "../../src/core/util/KeySet.js";

describe("KeyMap", () => {
  it("treats structurally equal tuples as one key and keeps the first key object", () => {
    const m = new KeyMap<unknown, number>();
    const first = ["a", 1];
    m.set(first, 1);
    m.set(["a", 1], 2);
    assert.equal(m.size, 1);
    assert.equal(m.get(["a", 1]), 2);
    assert.equal([...m.keys()][0], first);
  });

  it("keeps values of different types apart: 1, '1', 1n, [1], ['1'], true", () => {
    const keys: unknown[] = [1, "1", 1n, [1], ["1"], true, [[1]], { 0: 1 }, null, undefined, [null], [undefined], []];
    const m = new KeyMap<unknown, number>();
    keys.forEach((k, i) => m.set(k, i));
    assert.equal(m.size, keys.length);
    keys.forEach((k, i) => assert.equal(m.get(k), i, String(k)));
  });

  it("uses SameValueZero for numbers, also inside composites", () => {
    const m = new KeyMap<unknown, string>();
    m.set(0, "zero").set(Number.NaN, "nan").set([-0, Number.NaN], "pair");
    assert.equal(m.get(-0), "zero");
    assert.equal(m.get(Number.NaN), "nan");
    assert.equal(m.get([0, Number.NaN]), "pair");
    assert.equal(m.size, 3);
  });

  it("gives objects, Dates, bytes, Maps and Sets value equality", () => {
    const m = new KeyMap<unknown, number>();
    m.set({ a: 1, b: [2, 3] }, 1);
    m.set(new Date(1000), 2);
    m.set(new Uint8Array([1, 2]), 3);
    m.set(new Map([["x", 1], ["y", 2]]), 4);
    m.set(new Set([1, 2]), 5);
    assert.equal(m.get({ b: [2, 3], a: 1 }), 1);
    assert.equal(m.get(new Date(1000)), 2);
    assert.equal(m.get(Buffer.from([1, 2])), 3);
    assert.equal(m.get(new Map([["y", 2], ["x", 1]])), 4);
    assert.equal(m.get(new Set([2, 1])), 5);
    assert.equal(m.get({ a: 1, b: [2, 4] }), undefined);
    assert.equal(m.get(new Date(1001)), undefined);
    assert.equal(m.get(new Int8Array([1, 2])), undefined);
  });

  it("does not confuse strings that look like encodings with composites", () => {
    const m = new KeyMap<unknown, string>();
    const tuple = ["a", 1];
    m.set(tuple, "tuple");
    m.set(encodeKey(tuple), "string");
    assert.equal(m.size, 2);
    assert.equal(m.get(tuple), "tuple");
    assert.equal(m.get(encodeKey(tuple)), "string");
    // Element boundaries survive any string content, including the NUL terminator itself.
    m.set(["ab", "c"], "x");
    assert.equal(m.get(["a", "bc"]), undefined);
    const tricky: unknown[][] = [["a\u0000", "b"], ["a", "\u0000b"], ["a\u0000b"], ["a", "b"], ["S2:a", ""]];
    for (const k of tricky) m.set(k, JSON.stringify(k));
    for (const k of tricky) assert.equal(m.get(k), JSON.stringify(k));
    assert.equal(m.size, 3 + tricky.length);
  });

  it("compares functions and symbols by identity", () => {
    const f = (): number => 1;
    const g = (): number => 1;
    const s = Symbol("s");
    const m = new KeyMap<unknown, number>([[f, 1], [[s], 2]]);
    assert.equal(m.get(f), 1);
    assert.equal(m.get(g), undefined);
    assert.equal(m.get([s]), 2);
    assert.equal(m.get([Symbol("s")]), undefined);
  });

  it("iterates in insertion order across primitive and composite keys", () => {
    const m = new KeyMap<unknown, number>();
    m.set("b", 1).set(["x"], 2).set(3, 3).set({ k: 1 }, 4);
    m.set("b", 5);
    assert.deepEqual([...m.entries()], [["b", 5], [["x"], 2], [3, 3], [{ k: 1 }, 4]]);
    assert.deepEqual([...m.keys()], ["b", ["x"], 3, { k: 1 }]);
    assert.deepEqual([...m.values()], [5, 2, 3, 4]);
    assert.deepEqual([...m], [...m.entries()]);
    const seen: unknown[] = [];
    m.forEach((v, k) => seen.push([k, v]));
    assert.deepEqual(seen, [...m.entries()]);
  });

  it("deletes and clears both kinds of key", () => {
    const m = new KeyMap<unknown, number>([["a", 1], [["t", 1], 2]]);
    assert.equal(m.delete(["t", 1]), true);
    assert.equal(m.delete(["t", 1]), false);
    assert.equal(m.has(["t", 1]), false);
    assert.equal(m.size, 1);
    m.set(["t", 1], 3);
    assert.deepEqual([...m.keys()], ["a", ["t", 1]]);
    assert.equal(m.delete("a"), true);
    assert.equal(m.delete("zz"), false);
    m.clear();
    assert.equal(m.size, 0);
    assert.equal(m.get(["t", 1]), undefined);
  });

  it("files pairs of primitives apart from other keys yet with the encoding's equality (a random run of every operation against it)", () => {
    // Pairs of primitives take their own two-level map: every answer must be the one the string
    // encoding gives, for pairs, near-pairs (a nested or 3-element array) and primitives alike.
    const pool: unknown[] = [
      ["a", 1], ["a", "1"], ["1", 1], [1, 1], [-0, 1], [0, 1], [Number.NaN, 2], [undefined, 1], [null, 1], [1n, 1],
      ["a", [1]], [["a"], 1], ["a", 1, 2], ["a"], [true, false], "a", 1, -0, null, [[1, 2]], { a: 1 },
    ];
    let r = 7;
    const next = (n: number): number => ((r = (Math.imul(r, 1103515245) + 12345) >>> 0) % n);
    const m = new KeyMap<unknown, number>();
    const ref = new Map<string, { key: unknown; value: number }>();
    for (let step = 0; step < 4000; step++) {
      // A fresh copy of a composite key, so equality is structural, never by identity.
      const k = structuredClone(pool[next(pool.length)]);
      const e = encodeToken(k);
      const op = next(6);
      if (op === 0) {
        m.set(k, step);
        const had = ref.get(e);
        if (had) had.value = step;
        else ref.set(e, { key: k, value: step });
      } else if (op === 1) {
        const got = m.update(k, () => step, (c) => c + 1);
        const had = ref.get(e);
        if (had) had.value += 1;
        else ref.set(e, { key: k, value: step });
        assert.equal(got, ref.get(e)!.value);
      } else if (op === 2) assert.equal(m.delete(k), ref.delete(e));
      else if (op === 3) {
        const want = ref.get(e);
        ref.delete(e);
        assert.deepEqual(m.remove(k), want && [want.key, want.value]);
      } else if (op === 4) assert.equal(m.has(k), ref.has(e));
      else assert.equal(m.get(k), ref.get(e)?.value);
      assert.equal(m.size, ref.size);
    }
    // Insertion order and first-seen keys (-0 stays -0), across every kind of key.
    const got = [...m.entries()];
    const want = [...ref.values()].map((x) => [x.key, x.value]);
    assert.equal(got.length, want.length);
    got.forEach(([k, v], i) => {
      assert.ok(encodeToken(k) === encodeToken(want[i]![0]) && v === want[i]![1], `entry ${i}`);
      if (Array.isArray(k) && Object.is(k[0], -0)) assert.ok(Object.is((want[i]![0] as unknown[])[0], -0));
    });
  });

  it("update: ifAbsent on first sight, merge afterwards, returning the new value", () => {
    const m = new KeyMap<unknown, number>();
    const words = ["a", "b", "a", "c", "a", "b"];
    for (const w of words) m.update(w, () => 1, (c) => c + 1);
    assert.deepEqual([...m.entries()], [["a", 3], ["b", 2], ["c", 1]]);
    const pairs = new KeyMap<unknown, string[]>();
    pairs.update(["k", 1], () => ["x"], (g) => g);
    const g = pairs.update(["k", 1], () => [], (g) => g);
    g.push("y");
    assert.deepEqual(pairs.get(["k", 1]), ["x", "y"]);
    let created = 0;
    m.update("a", () => (created++, 0), (c) => c * 10);
    assert.equal(created, 0);
    assert.equal(m.get("a"), 30);
  });

  it("stores undefined values as present", () => {
    const m = new KeyMap<string, undefined>();
    m.set("k", undefined);
    assert.equal(m.has("k"), true);
    assert.equal(m.size, 1);
  });

  it("agrees with javaHashCode: equal keys hash equally", () => {
    const pairs: Array<[unknown, unknown]> = [
      [[0, "a"], [-0, "a"]],
      [{ a: 1, b: 2 }, { b: 2, a: 1 }],
      [new Uint8Array([5]), Buffer.from([5])],
      [new Set(["x", "y"]), new Set(["y", "x"])],
    ];
    for (const [a, b] of pairs) {
      assert.ok(keysEqual(a, b));
      assert.equal(javaHashCode(a), javaHashCode(b));
    }
  });

  it("keeps the primitive path close to a native Map (word count, 2M updates)", () => {
    const words = Array.from({ length: 2_000_000 }, (_, i) => `w${(i * 7919) % 5000}`);
    const time = (f: () => void): number => {
      let best = Number.POSITIVE_INFINITY;
      for (let r = 0; r < 3; r++) {
        const t = performance.now();
        f();
        best = Math.min(best, performance.now() - t);
      }
      return best;
    };
    const native = time(() => {
      const m = new Map<string, number>();
      for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
    });
    const keyMap = time(() => {
      const m = new KeyMap<string, number>();
      for (const w of words) m.update(w, () => 1, (c) => c + 1);
    });
    // Generous bound so a loaded CI machine does not flake; a per-call allocation or
    // encoding of primitive keys would blow far past it.
    assert.ok(keyMap < native * 2.5, `KeyMap ${keyMap.toFixed(0)}ms vs Map ${native.toFixed(0)}ms`);
  });
});

describe("KeySet", () => {
  it("deduplicates structurally, keeping first objects in insertion order", () => {
    const first = ["a", 1];
    const s = new KeySet<unknown>([first, "x", ["a", 1], 1, "x", [1], { k: [1] }, { k: [1] }]);
    assert.equal(s.size, 5);
    const values = [...s];
    assert.equal(values[0], first);
    assert.deepEqual(values, [["a", 1], "x", 1, [1], { k: [1] }]);
  });

  it("addIfAbsent reports novelty; has/delete/clear work for both kinds", () => {
    const s = new KeySet<unknown>();
    assert.equal(s.addIfAbsent(["t"]), true);
    assert.equal(s.addIfAbsent(["t"]), false);
    assert.equal(s.addIfAbsent(Number.NaN), true);
    assert.equal(s.addIfAbsent(Number.NaN), false);
    assert.equal(s.has(["t"]), true);
    assert.equal(s.delete(["t"]), true);
    assert.equal(s.delete(["t"]), false);
    assert.equal(s.has(["t"]), false);
    assert.equal(s.size, 1);
    s.add(-0);
    assert.equal(s.has(0), true);
    s.clear();
    assert.equal(s.size, 0);
    assert.equal(s.has(Number.NaN), false);
  });

  it("supports distinct / intersection / subtract style use", () => {
    const left = [["a", 1], ["b", 2], ["c", 3], ["a", 1]];
    const right = new KeySet<unknown>([["b", 2], ["c", 3], ["d", 4]]);
    const distinct = [...new KeySet<unknown>(left)];
    assert.deepEqual(distinct, [["a", 1], ["b", 2], ["c", 3]]);
    assert.deepEqual(distinct.filter((x) => right.has(x)), [["b", 2], ["c", 3]]);
    assert.deepEqual(distinct.filter((x) => !right.has(x)), [["a", 1]]);
    const seen: unknown[] = [];
    right.forEach((v) => seen.push(v));
    assert.equal(seen.length, 3);
    assert.deepEqual([...right.keys()], [...right.values()]);
  });
});
