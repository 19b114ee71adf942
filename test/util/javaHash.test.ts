import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  bigintHashCode,
  doubleHashCode,
  javaHashCode,
  nonNegativeMod,
  numberScalaHash,
  scalaHash,
} from "../../src/core/util/javaHash.js";
import { jvm } from "./jvmReference.js";

describe("javaHashCode: strings", () => {
  it("matches well-known String.hashCode values", () => {
    assert.equal(javaHashCode("hello"), 99162322);
    assert.equal(javaHashCode("a"), 97);
    assert.equal(javaHashCode(""), 0);
  });

  it("matches the JVM on ASCII, BMP, surrogate pairs and lone surrogates", () => {
    assert.ok(jvm.stringHash.length > 40);
    for (const [s, h] of jvm.stringHash) assert.equal(javaHashCode(s), h, JSON.stringify(s));
  });
});

describe("javaHashCode: numbers", () => {
  it("hashes int32 values as Integer.hashCode (the value)", () => {
    assert.equal(javaHashCode(0), 0);
    assert.equal(javaHashCode(-1), -1);
    assert.equal(javaHashCode(2147483647), 2147483647);
    assert.equal(javaHashCode(-2147483648), -2147483648);
  });

  it("hashes -0 like the integer 0", () => {
    assert.ok(Object.is(javaHashCode(-0), 0));
  });

  it("hashes integers beyond int32 as Long.hashCode", () => {
    assert.equal(javaHashCode(2 ** 32), 1);
    let checked = 0;
    for (const [value, expected] of jvm.longHash) {
      const n = Number(value);
      if (!Number.isSafeInteger(n)) continue;
      assert.equal(javaHashCode(n), expected, value);
      checked++;
    }
    assert.ok(checked >= 15);
  });

  it("hashes non-integral numbers as Double.hashCode", () => {
    assert.equal(javaHashCode(1.5), 1073217536);
    for (const [d, expected] of jvm.doubleHash) {
      if (Number.isSafeInteger(d)) continue;
      assert.equal(javaHashCode(d), expected, String(d));
      assert.equal(doubleHashCode(d), expected, String(d));
    }
  });

  it("uses the canonical NaN and the infinities' bits", () => {
    const s = jvm.specialDoubleHash;
    assert.equal(javaHashCode(Number.NaN), s.NaN[0]);
    assert.equal(javaHashCode(Number.POSITIVE_INFINITY), s.Infinity[0]);
    assert.equal(javaHashCode(Number.NEGATIVE_INFINITY), s["-Infinity"][0]);
    // A NaN with a different payload still hashes as the canonical NaN.
    const buf = new DataView(new ArrayBuffer(8));
    buf.setUint32(0, 0x7ff00000);
    buf.setUint32(4, 1);
    const oddNaN = buf.getFloat64(0);
    assert.ok(Number.isNaN(oddNaN));
    assert.equal(javaHashCode(oddNaN), s.NaN[0]);
  });
});

describe("javaHashCode: bigint, boolean, null, Date, bytes, Map, Set", () => {
  it("hashes bigint as Long.hashCode of its 64-bit two's complement", () => {
    for (const [value, , longHash] of jvm.longHash) {
      assert.equal(javaHashCode(BigInt(value)), longHash, value);
    }
    // 2^64 + 1 wraps to 1.
    assert.equal(bigintHashCode(2n ** 64n + 1n), 1);
  });

  it("hashes booleans as 1231/1237 and null/undefined as 0", () => {
    assert.equal(javaHashCode(true), 1231);
    assert.equal(javaHashCode(false), 1237);
    assert.equal(javaHashCode(null), 0);
    assert.equal(javaHashCode(undefined), 0);
  });

  it("hashes Dates like java.util.Date", () => {
    for (const [millis, h] of jvm.dateHash) assert.equal(javaHashCode(new Date(millis)), h, String(millis));
  });

  it("hashes Uint8Array and Buffer like Arrays.hashCode(byte[])", () => {
    for (const [bytes, h] of jvm.byteArrayHash) {
      assert.equal(javaHashCode(new Uint8Array(bytes)), h);
      assert.equal(javaHashCode(Buffer.from(bytes)), h);
    }
  });

  it("hashes Map and Set like java.util collections", () => {
    assert.equal(javaHashCode(new Map<string, unknown>([["a", 1], ["b", 2], ["c", "x"]])), jvm.mapHash);
    assert.equal(javaHashCode(new Map<string, unknown>([["c", "x"], ["b", 2], ["a", 1]])), jvm.mapHash);
    assert.equal(javaHashCode(new Set<unknown>(["a", "b", 3])), jvm.setHash);
  });
});

describe("javaHashCode: tuples", () => {
  it("hashes [k, v] as Scala 2.13 Tuple2.hashCode", () => {
    assert.equal(javaHashCode(["a", 1]), -1734940110);
  });

  it("matches 300 random nested tuples of arity 1..22 (strings, ints, longs, doubles, booleans, null)", () => {
    assert.ok(jvm.tupleHash.length > 300);
    for (const [tuple, h] of jvm.tupleHash) assert.equal(javaHashCode(tuple), h, JSON.stringify(tuple));
  });

  it("hashes numbers inside tuples with ## (integral doubles like ints, float-exact like Float)", () => {
    for (const [d, , hash] of jvm.doubleHash) assert.equal(numberScalaHash(d), hash, String(d));
    const s = jvm.specialDoubleHash;
    assert.equal(scalaHash(Number.NaN), s.NaN[1]);
    assert.equal(scalaHash(Number.POSITIVE_INFINITY), s.Infinity[1]);
    assert.equal(scalaHash(-0), s["-0"][1]);
    for (const [value, , , hash] of jvm.longHash) assert.equal(scalaHash(BigInt(value)), hash, value);
  });

  it("keeps hashes consistent with structural equality", () => {
    assert.equal(javaHashCode(["a", [1, 2]]), javaHashCode(["a", [1, 2]]));
    assert.equal(javaHashCode([0, "x"]), javaHashCode([-0, "x"]));
    assert.equal(javaHashCode({ a: 1, b: [2] }), javaHashCode({ b: [2], a: 1 }));
    assert.notEqual(javaHashCode({ a: 1, b: 2 }), javaHashCode({ a: 2, b: 1 }));
    class P {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    assert.equal(javaHashCode(new P(1, 2)), javaHashCode({ x: 1, y: 2 }));
  });

  it("hashes arrays that cannot be tuples like java.util.List", () => {
    assert.equal(javaHashCode([]), 1);
    const long = Array.from({ length: 23 }, (_, i) => i);
    let h = 1;
    for (const x of long) h = (Math.imul(31, h) + x) | 0;
    assert.equal(javaHashCode(long), h);
  });
});

describe("nonNegativeMod", () => {
  it("is Spark's Utils.nonNegativeMod", () => {
    assert.equal(nonNegativeMod(7, 3), 1);
    assert.equal(nonNegativeMod(-7, 3), 2);
    assert.equal(nonNegativeMod(-6, 3), 0);
    assert.ok(Object.is(nonNegativeMod(-6, 3), 0));
    assert.equal(nonNegativeMod(-2147483648, 10), 2);
    assert.equal(nonNegativeMod(99162322, 4), 2);
  });

  it("throws on a zero modulus like integer division", () => {
    assert.throws(() => nonNegativeMod(5, 0), /\/ by zero/);
  });
});
