import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { HashPartitioner } from "../../src/core/partitioner/HashPartitioner.js";
import { Partitioner } from "../../src/core/partitioner/Partitioner.js";
import { partitionerFromDescriptor } from "../../src/core/partitioner/partitionerFromDescriptor.js";
import {
  RangePartitioner,
  type PartitionSketch,
  type WeightedCandidate,
} from "../../src/core/partitioner/RangePartitioner.js";
import { compareKeys, reverseOrdering } from "../../src/core/util/compareKeys.js";
import { reservoirSampleAndCount } from "../../src/core/util/reservoirSample.js";
import { jvm } from "./jvmReference.js";

describe("HashPartitioner", () => {
  it("places keys where Spark's HashPartitioner does (strings, ints, longs, doubles, tuples)", () => {
    assert.ok(jvm.hashPartition.length >= 90);
    for (const [key, n, expected] of jvm.hashPartition) {
      assert.equal(new HashPartitioner(n).getPartition(key), expected, `${JSON.stringify(key)} mod ${n}`);
    }
  });

  it("sends null and undefined to partition 0", () => {
    const p = new HashPartitioner(5);
    assert.equal(p.getPartition(null), 0);
    assert.equal(p.getPartition(undefined), 0);
    // Without hashing: even zero partitions answer 0 for them, while other keys divide by zero.
    const none = new HashPartitioner(0);
    assert.equal(none.getPartition(null), 0);
    assert.equal(none.getPartition(undefined), 0);
    assert.throws(() => none.getPartition("x"), /\/ by zero/);
  });

  it("rejects negative partition counts with Spark's message", () => {
    assert.throws(() => new HashPartitioner(-1), {
      name: "IllegalArgumentException",
      message: "requirement failed: Number of partitions (-1) cannot be negative.",
    });
    assert.throws(() => new HashPartitioner(1.5), /must be an int/);
    assert.equal(new HashPartitioner(0).numPartitions, 0);
  });

  it("equals another HashPartitioner with the same count; hashCode is the count", () => {
    assert.ok(new HashPartitioner(4).equals(new HashPartitioner(4)));
    assert.ok(!new HashPartitioner(4).equals(new HashPartitioner(5)));
    assert.ok(!new HashPartitioner(2).equals(new RangePartitioner([1])));
    assert.equal(new HashPartitioner(9).hashCode(), 9);
  });

  it("survives a structured clone through its descriptor", () => {
    const p = new HashPartitioner(7);
    const revived = partitionerFromDescriptor(structuredClone(p.toDescriptor()));
    assert.ok(revived instanceof HashPartitioner);
    assert.ok(revived.equals(p));
    assert.equal(revived.getPartition(["a", 1]), p.getPartition(["a", 1]));
  });
});

describe("Partitioner base", () => {
  it("has no descriptor unless a subclass provides one", () => {
    class Mine extends Partitioner {
      get numPartitions(): number {
        return 2;
      }
      getPartition(key: unknown): number {
        return key === "x" ? 1 : 0;
      }
      equals(other: unknown): boolean {
        return other instanceof Mine;
      }
      hashCode(): number {
        return 2;
      }
    }
    assert.equal(new Mine().toDescriptor(), undefined);
  });
});

describe("RangePartitioner.determineBounds", () => {
  it("matches Spark's determineBounds on 12 weighted candidate sets (int and string keys)", () => {
    assert.equal(jvm.determineBounds.length, 12);
    for (const c of jvm.determineBounds) {
      const candidates = c.candidates.map(([k, w]) => [k, w] as const);
      assert.deepEqual(RangePartitioner.determineBounds(candidates, c.partitions), c.bounds);
    }
  });

  it("skips duplicate keys and honours a custom ordering", () => {
    const cands: Array<WeightedCandidate<number>> = [1, 1, 1, 1, 2, 3, 4, 5].map((k) => [k, 1]);
    assert.deepEqual(RangePartitioner.determineBounds(cands, 4), [1, 2, 3]);
    const desc = reverseOrdering<number>((a, b) => a - b);
    assert.deepEqual(RangePartitioner.determineBounds(cands, 4, desc), [4, 2, 1]);
  });
});

describe("RangePartitioner sampling plan", () => {
  it("computes Spark's sample sizes", () => {
    assert.deepEqual(RangePartitioner.sketchPlan(10, 4), { required: true, sampleSize: 200, sampleSizePerPartition: 150 });
    assert.deepEqual(RangePartitioner.sketchPlan(100000, 3), {
      required: true,
      sampleSize: 1e6,
      sampleSizePerPartition: 1e6,
    });
    assert.deepEqual(RangePartitioner.sketchPlan(7, 3, 5), { required: true, sampleSize: 35, sampleSizePerPartition: 35 });
    assert.equal(RangePartitioner.sketchPlan(1, 3).required, false);
    assert.equal(RangePartitioner.sketchPlan(5, 0).sampleSizePerPartition, 2147483647);
  });

  it("rejects bad arguments with Spark's messages", () => {
    assert.throws(() => RangePartitioner.sketchPlan(-1, 2), {
      message: "requirement failed: Number of partitions cannot be negative but found -1.",
    });
    assert.throws(() => RangePartitioner.sketchPlan(2, 2, 0), /Sample points per partition must be greater than 0 but found 0/);
    assert.throws(() => RangePartitioner.fromSketch(-2, []), /cannot be negative but found -2/);
  });

  it("derives seeds with byteswap32 like Spark", () => {
    const swapped = new Map(jvm.byteswap32);
    assert.equal(RangePartitioner.sketchSeed(0, 5), swapped.get(5));
    assert.equal(RangePartitioner.sketchSeed(0, 65536), swapped.get(65536));
    assert.equal(RangePartitioner.sketchSeed(1, 0), swapped.get(65536));
    assert.equal(RangePartitioner.resampleSeed(0), swapped.get(-1));
    assert.equal(RangePartitioner.resampleSeed(99), swapped.get(-100));
  });
});

function sketchOf(parts: number[][], sampleSizePerPartition: number, rddId = 3): Array<PartitionSketch<number>> {
  return parts.map((keys, index) => {
    const [sample, count] = reservoirSampleAndCount(keys, sampleSizePerPartition, RangePartitioner.sketchSeed(rddId, index));
    return { index, count, sample };
  });
}

describe("RangePartitioner.fromSketch", () => {
  it("splits uniformly distributed keys into balanced, ordered ranges", () => {
    const n = 20000;
    const keys = Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const parts = [0, 1, 2, 3].map((p) => keys.slice((p * n) / 4, ((p + 1) * n) / 4));
    const plan = RangePartitioner.sketchPlan(10, parts.length);
    const rp = RangePartitioner.fromSketch(10, sketchOf(parts, plan.sampleSizePerPartition));
    assert.equal(rp.numPartitions, 10);
    const sizes = new Array<number>(10).fill(0);
    let last = -1;
    for (let k = 0; k < n; k++) {
      const p = rp.getPartition(k);
      assert.ok(p >= last, "keys in order map to non-decreasing partitions");
      last = p;
      sizes[p]!++;
    }
    for (const s of sizes) assert.ok(s > n / 10 / 2 && s < (n / 10) * 2, `unbalanced: ${sizes.join(",")}`);
  });

  it("yields one partition for partitions <= 1, empty input, or a single distinct key", () => {
    assert.equal(RangePartitioner.fromSketch(1, sketchOf([[1, 2, 3]], 60)).numPartitions, 1);
    assert.equal(RangePartitioner.fromSketch(5, sketchOf([[], []], 60)).numPartitions, 1);
    const same = RangePartitioner.fromSketch(5, sketchOf([[7, 7, 7], [7]], 60));
    assert.deepEqual(same.bounds, [7]);
    assert.equal(same.numPartitions, 2);
  });

  it("re-weights imbalanced partitions: skipped by default, re-sampled when keys are supplied", () => {
    const small = Array.from({ length: 9 }, (_, p) => Array.from({ length: 10 }, (_, i) => p * 10 + i));
    const big = Array.from({ length: 10000 }, (_, i) => 1000 + i);
    const parts = [...small, big];
    const plan = RangePartitioner.sketchPlan(3, parts.length);
    assert.equal(plan.sampleSizePerPartition, 18);
    const sketch = sketchOf(parts, plan.sampleSizePerPartition);
    const resample = RangePartitioner.resamplePlan(3, sketch);
    assert.deepEqual(resample.imbalancedPartitions, [9]);
    assert.equal(resample.fraction, 60 / 10090);

    const weighted = (s: PartitionSketch<number>): Array<WeightedCandidate<number>> =>
      s.sample.map((k) => [k, Math.fround(s.count / s.sample.length)] as const);
    // Skipped: every partition, the big one included, contributes its reservoir sample.
    const skipped = RangePartitioner.fromSketch(3, sketch);
    const allCandidates = sketch.flatMap(weighted);
    assert.deepEqual(skipped.bounds, RangePartitioner.determineBounds(allCandidates, 3));

    // Re-sampled: the big partition's reservoir is replaced by the supplied keys at 1/fraction.
    const resampled = big.filter((_, i) => i % 168 === 0);
    const withResample = RangePartitioner.fromSketch(3, sketch, true, undefined, { resampled });
    const expected = [
      ...sketch.filter((s) => s.index !== 9).flatMap(weighted),
      ...resampled.map((k) => [k, Math.fround(1 / resample.fraction)] as const),
    ];
    assert.deepEqual(withResample.bounds, RangePartitioner.determineBounds(expected, 3));
    assert.notDeepEqual(withResample.bounds, skipped.bounds);
    assert.deepEqual(RangePartitioner.candidatesFromSketch(3, sketch, { resampled }), expected);
  });

  it("stores weights as Floats, like Spark's (K, Float) candidates", () => {
    const sketch: Array<PartitionSketch<number>> = [{ index: 0, count: 10, sample: [1, 2, 3] }];
    const candidates = RangePartitioner.candidatesFromSketch(2, sketch);
    assert.equal(candidates.length, 3);
    for (const [, w] of candidates) {
      assert.equal(w, Math.fround(10 / 3));
      assert.notEqual(w, 10 / 3);
    }
    assert.deepEqual(RangePartitioner.candidatesFromSketch(1, sketch), []);
  });

  it("supports tuple keys with the default ordering and custom orderings", () => {
    const keys: Array<[string, number]> = [];
    for (const w of ["a", "b", "c", "d"]) for (let i = 0; i < 50; i++) keys.push([w, i]);
    const rp = RangePartitioner.fromSketch(4, [{ index: 0, count: keys.length, sample: keys }]);
    assert.equal(rp.numPartitions, 4);
    assert.equal(rp.getPartition(["a", 0]), 0);
    assert.equal(rp.getPartition(["d", 49]), 3);

    const desc = reverseOrdering<number>(compareKeys);
    const nums = Array.from({ length: 100 }, (_, i) => i);
    const byDesc = RangePartitioner.fromSketch(2, [{ index: 0, count: 100, sample: nums }], true, desc);
    assert.equal(byDesc.getPartition(99), 0);
    assert.equal(byDesc.getPartition(0), 1);
  });
});

describe("RangePartitioner.getPartition", () => {
  // A key goes to the first partition whose upper bound is >= key.
  const expectedPartition = (bounds: number[], k: number): number => {
    const i = bounds.findIndex((b) => k <= b);
    return i < 0 ? bounds.length : i;
  };

  it("uses linear search up to 128 bounds and binary search beyond, with identical results", () => {
    for (const count of [1, 5, 128, 129, 300]) {
      const bounds = Array.from({ length: count }, (_, i) => i * 10);
      const rp = new RangePartitioner(bounds);
      assert.equal(rp.numPartitions, count + 1);
      for (let k = -5; k <= count * 10 + 5; k++) {
        assert.equal(rp.getPartition(k), expectedPartition(bounds, k), `bounds=${count} key=${k}`);
      }
    }
  });

  it("reverses partition ids when descending", () => {
    for (const count of [3, 200]) {
      const bounds = Array.from({ length: count }, (_, i) => i * 10);
      const asc = new RangePartitioner(bounds, true);
      const desc = new RangePartitioner(bounds, false);
      for (const k of [-1, 0, 5, 10, 15, count * 10]) {
        assert.equal(desc.getPartition(k), count - asc.getPartition(k));
      }
    }
  });
});

describe("RangePartitioner identity and shipping", () => {
  it("equals on same bounds, direction and ordering; hashCode follows Spark", () => {
    const a = new RangePartitioner([1, 2]);
    assert.ok(a.equals(new RangePartitioner([1, 2])));
    assert.ok(!a.equals(new RangePartitioner([1, 2], false)));
    assert.ok(!a.equals(new RangePartitioner([1, 3])));
    assert.ok(!a.equals(new RangePartitioner([1])));
    assert.ok(!a.equals(new RangePartitioner([1, 2], true, (x: number, y: number) => x - y)));
    assert.ok(new RangePartitioner([["a", 1]]).equals(new RangePartitioner([["a", 1]])));
    assert.ok(!a.equals(new HashPartitioner(3)));
    assert.equal(a.hashCode(), 32045);
    assert.equal(new RangePartitioner(["a"], false).hashCode(), 31 * 128 + 1237);
  });

  it("rebuilds from a structured-cloned descriptor", () => {
    const rp = new RangePartitioner<unknown>([["a", 1], ["m", 0]], false);
    const d = structuredClone(rp.toDescriptor());
    assert.deepEqual(d, { kind: "range", rangeBounds: [["a", 1], ["m", 0]], ascending: false, customOrdering: false });
    const revived = partitionerFromDescriptor(d);
    assert.ok(revived.equals(rp));
    for (const k of [["a", 0], ["b", 5], ["z", 1]]) assert.equal(revived.getPartition(k), rp.getPartition(k));
  });

  it("needs the ordering handed back when it was custom", () => {
    const ord = (a: unknown, b: unknown): number => compareKeys(b, a);
    const rp = new RangePartitioner<unknown>([5, 3], true, ord);
    const d = structuredClone(rp.toDescriptor());
    assert.equal(d.customOrdering, true);
    assert.throws(() => partitionerFromDescriptor(d), /custom ordering/);
    const revived = partitionerFromDescriptor(d, { ordering: ord });
    assert.ok(revived.equals(rp));
    assert.equal(revived.getPartition(4), rp.getPartition(4));
  });
});
