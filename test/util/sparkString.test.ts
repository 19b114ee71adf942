import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { sparkString } from "../../src/core/util/sparkString.js";

describe("sparkString", () => {
  it("prints pairs and nested pairs like Scala's Tuple2", () => {
    assert.equal(sparkString(["a", 1]), "(a,1)");
    assert.equal(sparkString([["a", 1], 2]), "((a,1),2)");
    assert.equal(sparkString(["k", ["x", ["y", 2]]]), "(k,(x,(y,2)))");
    assert.equal(sparkString([0, [5, 6]]), "(0,(5,6))");
  });

  it("prints every array of another length as a list", () => {
    assert.equal(sparkString([1, 6, 7]), "[1, 6, 7]");
    assert.equal(sparkString(["a", 1, true]), "[a, 1, true]");
    assert.equal(sparkString(Array.from({ length: 23 }, () => 0)), `[${Array(23).fill(0).join(", ")}]`);
    assert.equal(sparkString([]), "[]");
    assert.equal(sparkString([5]), "[5]");
  });

  it("applies the same rule at every nesting level", () => {
    const cases: Array<[unknown, string]> = [
      [[1, 2], "(1,2)"],
      [[1, 2, 3], "[1, 2, 3]"],
      [[[1, 2], [3, 4]], "((1,2),(3,4))"],
      [[[1, 2], [3, 4], [5, 6]], "[(1,2), (3,4), (5,6)]"],
      [[[1, 2, 3], "v"], "([1, 2, 3],v)"],
      [[[[1, 2]]], "[[(1,2)]]"],
      [[undefined, null], "(None,null)"],
      [[[undefined], [null, undefined, 1]], "([None],[null, None, 1])"],
    ];
    for (const [value, printed] of cases) {
      assert.equal(sparkString(value), printed);
      // Inside a pair, a list, a Map and a Set, the array prints as it does on its own.
      assert.equal(sparkString(["k", value]), `(k,${printed})`);
      assert.equal(sparkString([value, value, value]), `[${printed}, ${printed}, ${printed}]`);
      assert.equal(sparkString(new Map([[value, value]])), `Map(${printed} -> ${printed})`);
      assert.equal(sparkString(new Set([value])), `Set(${printed})`);
    }
    assert.equal(sparkString(["k", [[1, 2], [3, 4]]]), "(k,((1,2),(3,4)))");
    assert.equal(sparkString(["k", []]), "(k,[])");
  });

  it("prints scalars like Scala, undefined as None", () => {
    assert.equal(sparkString("plain text"), "plain text");
    assert.equal(sparkString(42), "42");
    assert.equal(sparkString(2.5), "2.5");
    assert.equal(sparkString(1e21), "1e+21");
    assert.equal(sparkString(Number.NaN), "NaN");
    assert.equal(sparkString(-Infinity), "-Infinity");
    assert.equal(sparkString(12345678901234567890n), "12345678901234567890");
    assert.equal(sparkString(false), "false");
    assert.equal(sparkString(null), "null");
    assert.equal(sparkString(undefined), "None");
    assert.equal(sparkString(["a", undefined]), "(a,None)");
    assert.equal(sparkString(["a", null]), "(a,null)");
  });

  it("prints Dates, Maps, Sets, bytes and objects", () => {
    assert.equal(sparkString(new Date(0)), "1970-01-01T00:00:00.000Z");
    assert.equal(sparkString(new Date(Number.NaN)), "Invalid Date");
    assert.equal(sparkString(new Map<string, unknown>([["a", 1], ["b", ["x", 2]]])), "Map(a -> 1, b -> (x,2))");
    assert.equal(sparkString(new Set([1, 2])), "Set(1, 2)");
    assert.equal(sparkString(Buffer.from([1, 255])), "[1, 255]");
    assert.equal(sparkString({ a: 1, b: [1, 2], c: 3n }), '{"a":1,"b":[1,2],"c":"3"}');
    assert.equal(sparkString(["k", { v: "x" }]), '(k,{"v":"x"})');
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      toString(): string {
        return `Point(${this.x},${this.y})`;
      }
    }
    assert.equal(sparkString(["p", new Point(1, 2)]), "(p,Point(1,2))");
    assert.equal(sparkString(Object.create(null) as object), "{}");
  });
});
