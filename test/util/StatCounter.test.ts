import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { formatJavaF, StatCounter } from "../../src/core/util/StatCounter.js";
import { javaDouble, jvm } from "./jvmReference.js";

const toNumber = (v: number | "NaN"): number => (v === "NaN" ? Number.NaN : v);

describe("StatCounter", () => {
  it("prints like Spark", () => {
    assert.equal(
      new StatCounter([1, 2, 3]).toString(),
      "(count: 3, mean: 2.000000, stdev: 0.816497, max: 3.000000, min: 1.000000)",
    );
  });

  it("has Spark's empty state: mean 0, NaN variances, max -Infinity, min Infinity", () => {
    const s = new StatCounter();
    assert.equal(s.count, 0);
    assert.equal(s.mean, 0);
    assert.equal(s.sum, 0);
    assert.ok(Number.isNaN(s.variance));
    assert.ok(Number.isNaN(s.sampleVariance));
    assert.equal(s.max, Number.NEGATIVE_INFINITY);
    assert.equal(s.min, Number.POSITIVE_INFINITY);
    assert.equal(s.toString(), "(count: 0, mean: 0.000000, stdev: NaN, max: -Infinity, min: Infinity)");
  });

  it("matches Spark's toString, sum and sampleStdev on reference sets (incl. NaN, -0)", () => {
    for (const ref of jvm.statCounter) {
      const s = new StatCounter(ref.values.map(toNumber));
      assert.equal(s.toString(), ref.toString, JSON.stringify(ref.values));
      assert.equal(s.sum, javaDouble(ref.sum));
      assert.ok(Object.is(s.sampleStdev, javaDouble(ref.sampleStdev)), `sampleStdev ${ref.sampleStdev}`);
    }
  });

  it("merges partial counters bit-for-bit like Spark (Chan's formula, skewed sizes)", () => {
    for (const ref of jvm.statCounterMerge) {
      const total = new StatCounter();
      for (const part of ref.parts) total.merge(new StatCounter(part));
      assert.equal(total.count, ref.count);
      assert.equal(total.mean, javaDouble(ref.mean));
      assert.ok(Object.is(total.variance, javaDouble(ref.variance)), `variance ${ref.variance}`);
      assert.equal(total.toString(), ref.toString);
    }
  });

  it("merges a single value, an iterable, and itself", () => {
    const s = new StatCounter().merge(1).merge([2, 3]);
    assert.equal(s.count, 3);
    s.merge(s);
    assert.equal(s.count, 6);
    assert.equal(s.mean, 2);
    assert.equal(s.popVariance, 2 / 3);
    assert.equal(s.sampleVariance, 4 / 5);
    assert.equal(s.popStdev, Math.sqrt(2 / 3));
    assert.equal(s.sampleStdev, Math.sqrt(4 / 5));
  });

  it("copies independently", () => {
    const a = StatCounter.of(1, 2);
    const b = a.copy();
    b.merge(100);
    assert.equal(a.count, 2);
    assert.equal(a.max, 2);
    assert.equal(b.max, 100);
  });

  it("round-trips through toJSON/fromJSON, also via JSON text with non-finite fields", () => {
    const values = [Number.NaN, 1, Number.POSITIVE_INFINITY];
    const a = new StatCounter(values);
    const viaClone = StatCounter.fromJSON(structuredClone(a.toJSON()));
    const viaText = StatCounter.fromJSON(JSON.parse(JSON.stringify(a)));
    for (const b of [viaClone, viaText]) {
      assert.equal(b.count, 3);
      assert.ok(Number.isNaN(b.mean));
      assert.ok(Number.isNaN(b.max));
      assert.equal(b.toString(), a.toString());
    }
    const empty = StatCounter.fromJSON(JSON.parse(JSON.stringify(new StatCounter())));
    assert.equal(empty.max, Number.NEGATIVE_INFINITY);
    assert.equal(empty.min, Number.POSITIVE_INFINITY);
  });
});

describe("formatJavaF", () => {
  it("matches Java's String.format(\"%f\") on 220 values incl. half-way cases", () => {
    assert.ok(jvm.formatF.length > 200);
    for (const [x, expected] of jvm.formatF) assert.equal(formatJavaF(x), expected, String(x));
  });

  it("rounds half up from the shortest decimal form, unlike toFixed", () => {
    assert.equal(formatJavaF(0.15, 1), "0.2");
    assert.equal((0.15).toFixed(1), "0.1");
    assert.equal(formatJavaF(9.9999995), "10.000000");
    assert.equal(formatJavaF(-0), "-0.000000");
  });
});
