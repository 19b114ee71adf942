import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { reservoirSampleAndCount } from "../../src/core/util/reservoirSample.js";
import { jvm } from "./jvmReference.js";

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

describe("reservoirSampleAndCount", () => {
  it("picks exactly the items Spark's SamplingUtils picks, for the same seed", () => {
    assert.equal(jvm.reservoir.length, 6);
    for (const c of jvm.reservoir) {
      const [sample, count] = reservoirSampleAndCount(range(c.n), c.k, c.seed);
      assert.deepEqual(sample, c.sample, `n=${c.n} k=${c.k} seed=${c.seed}`);
      assert.equal(count, c.count);
    }
  });

  it("returns the whole input when it is smaller than k", () => {
    assert.deepEqual(reservoirSampleAndCount(["a", "b"], 5, 1), [["a", "b"], 2]);
  });

  it("consumes the input once, counting items beyond the reservoir", () => {
    let pulled = 0;
    const input = (function* () {
      for (let i = 0; i < 500; i++) {
        pulled++;
        yield i;
      }
    })();
    const [sample, count] = reservoirSampleAndCount(input, 20, 3);
    assert.equal(pulled, 500);
    assert.equal(count, 500);
    assert.equal(sample.length, 20);
    assert.equal(new Set(sample).size, 20);
  });

  it("is deterministic per seed and varies across seeds", () => {
    const a = reservoirSampleAndCount(range(1000), 10, 11)[0];
    const b = reservoirSampleAndCount(range(1000), 10, 11)[0];
    const c = reservoirSampleAndCount(range(1000), 10, 12)[0];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it("with k = 0 samples nothing but still counts", () => {
    assert.deepEqual(reservoirSampleAndCount(range(7), 0, 1), [[], 7]);
  });
});
