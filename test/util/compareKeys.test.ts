import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { compareKeys, reverseOrdering } from "../../src/core/util/compareKeys.js";
import { keysEqual } from "../../src/core/util/keyEncoding.js";

const sign = (x: number): number => Math.sign(x) + 0;

describe("compareKeys", () => {
  it("orders numbers numerically, NaN last and equal to itself, -0 equal to 0", () => {
    assert.deepEqual([10, -1, 2.5, Number.NaN, -Infinity, 0, Infinity, 9].sort(compareKeys), [
      -Infinity, -1, 0, 2.5, 9, 10, Infinity, Number.NaN,
    ]);
    assert.equal(compareKeys(Number.NaN, Number.NaN), 0);
    assert.equal(compareKeys(-0, 0), 0);
  });

  it("orders strings by UTF-16 code units like String.compareTo, not by locale", () => {
    assert.deepEqual(["b", "B", "a", "é", "Z", "aa", "", "\u{1F600}", "\uFFFF"].sort(compareKeys), [
      "", "B", "Z", "a", "aa", "b", "é", "\u{1F600}", "\uFFFF",
    ]);
    // A surrogate pair (0xD83D…) sorts before U+FFFF by code units; by code points it would not.
    assert.ok(compareKeys("\u{1F600}", "\uFFFF") < 0);
    assert.ok("a".localeCompare("B") < 0 && compareKeys("a", "B") > 0);
  });

  it("orders booleans, bigints and Dates", () => {
    assert.ok(compareKeys(false, true) < 0);
    assert.ok(compareKeys(10n, 9n) > 0);
    assert.ok(compareKeys(-(2n ** 70n), 0n) < 0);
    assert.ok(compareKeys(new Date(5), new Date(7)) < 0);
    assert.equal(compareKeys(new Date(5), new Date(5)), 0);
    assert.ok(compareKeys(new Date(Number.NaN), new Date(0)) > 0);
  });

  it("orders tuples element-wise, then by length", () => {
    const tuples = [["b", 1], ["a", 2], ["a", 1], ["a"], ["a", 1, 0], [["z"], 0]];
    assert.deepEqual(tuples.sort(compareKeys), [["a"], ["a", 1], ["a", 1, 0], ["a", 2], ["b", 1], [["z"], 0]]);
    assert.ok(compareKeys([1, "x"], [1, "y"]) < 0);
    assert.ok(compareKeys([2, "a"], [10, "a"]) < 0);
  });

  it("puts undefined and null first and ranks mixed kinds in a fixed order", () => {
    const mixed: unknown[] = ["s", 1, null, [0], true, undefined, 2n, new Date(0), { a: 1 }];
    // Boxed, because Array.prototype.sort moves bare undefined elements to the end without
    // consulting the comparator.
    const sorted = mixed.map((v) => ({ v })).sort((x, y) => compareKeys(x.v, y.v)).map((x) => x.v);
    assert.deepEqual(sorted, [undefined, null, true, 1, 2n, "s", new Date(0), [0], { a: 1 }]);
  });

  it("orders bytes unsigned-lexicographically and objects by sorted entries", () => {
    assert.ok(compareKeys(new Uint8Array([1, 200]), new Uint8Array([1, 3])) > 0);
    assert.ok(compareKeys(new Uint8Array([1]), new Uint8Array([1, 0])) < 0);
    assert.ok(compareKeys({ age: 3 }, { age: 10 }) < 0);
    assert.ok(compareKeys({ a: 1 }, { b: 0 }) < 0);
    assert.equal(compareKeys({ a: 1, b: 2 }, { b: 2, a: 1 }), 0);
    assert.equal(compareKeys(new Set([2, 1]), new Set([1, 2])), 0);
    assert.ok(compareKeys(new Set([1, 2]), new Set([1, 3])) < 0);
    assert.equal(compareKeys(new Map([["b", 1], ["a", 2]]), new Map([["a", 2], ["b", 1]])), 0);
    assert.ok(compareKeys(new Map([["a", 1]]), new Map([["a", 2]])) < 0);
  });

  it("is a consistent total order: antisymmetric, transitive, and 0 exactly on equal keys", () => {
    const sym = Symbol("s");
    const f = (): void => {};
    const values: unknown[] = [
      undefined, null, false, true, -1, 0, -0, 0.5, Number.NaN, 3, 1n, 3n, "", "a", "b", new Date(1),
      new Date(Number.NaN), [], [1], [1, "a"], ["a", 1], [["a", 1], 2], new Uint8Array([1]), new Int8Array([1]),
      new Map([[1, 2]]), new Set([1]), { a: 1 }, { a: [1, 2] }, sym, f, ["a", 1], { a: 1 },
    ];
    for (const a of values) {
      for (const b of values) {
        const ab = sign(compareKeys(a, b));
        assert.ok(ab === -sign(compareKeys(b, a)), `antisymmetry ${String(a)} / ${String(b)}`);
        assert.equal(ab === 0, keysEqual(a, b), `zero iff equal: ${String(a)} / ${String(b)}`);
        for (const c of values) {
          if (ab <= 0 && sign(compareKeys(b, c)) <= 0) {
            assert.ok(compareKeys(a, c) <= 0, "transitivity");
          }
        }
      }
    }
  });

  it("reverseOrdering flips the order", () => {
    assert.deepEqual([1, 3, 2].sort(reverseOrdering(compareKeys)), [3, 2, 1]);
  });
});
