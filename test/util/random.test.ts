import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { JavaRandom } from "../../src/core/util/JavaRandom.js";
import { hashSeed, XORShiftRandom } from "../../src/core/util/XORShiftRandom.js";
import { bytesHash, byteswap32 } from "../../src/core/util/scalaHashing.js";
import { jvm, type RandomReference } from "./jvmReference.js";

function make(ref: RandomReference): JavaRandom {
  const seed = BigInt(ref.seed);
  return ref.kind === "java" ? new JavaRandom(seed) : new XORShiftRandom(seed);
}

// Draws in the generator's order, so each sequence also checks that the state advanced right.
function replay(ref: RandomReference): void {
  const r = make(ref);
  const label = `${ref.kind}(${ref.seed})`;
  assert.deepEqual(ref.nextInt.map(() => r.nextInt()), ref.nextInt, `${label} nextInt`);
  for (const [bound, expected] of ref.nextIntBounded) {
    assert.equal(r.nextInt(bound), expected, `${label} nextInt(${bound})`);
  }
  assert.deepEqual(ref.nextDouble.map(() => r.nextDouble()), ref.nextDouble, `${label} nextDouble`);
  assert.deepEqual(ref.nextLong.map(() => r.nextLong()), ref.nextLong.map(BigInt), `${label} nextLong`);
  assert.deepEqual(ref.nextFloat.map(() => r.nextFloat()), ref.nextFloat, `${label} nextFloat`);
  assert.deepEqual(ref.nextBoolean.map(() => r.nextBoolean()), ref.nextBoolean, `${label} nextBoolean`);
  assert.deepEqual(ref.nextGaussian.map(() => r.nextGaussian()), ref.nextGaussian, `${label} nextGaussian`);
}

describe("JavaRandom", () => {
  it("matches well-known java.util.Random draws", () => {
    assert.equal(new JavaRandom(42).nextInt(10), 0);
    assert.equal(new JavaRandom(0).nextInt(100), 60);
  });

  it("replays java.util.Random sequences for 9 seeds (all draw kinds, incl. extreme seeds)", () => {
    const refs = jvm.random.filter((r) => r.kind === "java");
    assert.equal(refs.length, 9);
    for (const ref of refs) replay(ref);
  });

  it("accepts number and bigint seeds alike", () => {
    assert.equal(new JavaRandom(-7).nextInt(), new JavaRandom(-7n).nextInt());
    // Seeds are JVM longs: bigints wrap to 64 bits.
    assert.equal(new JavaRandom(2n ** 64n + 5n).nextDouble(), new JavaRandom(5).nextDouble());
  });

  it("restarts the sequence on setSeed and forgets a cached Gaussian", () => {
    const r = new JavaRandom(1);
    const first = r.nextGaussian();
    r.setSeed(1);
    assert.equal(r.nextGaussian(), first);
  });

  it("rejects bad bounds and seeds like the JVM", () => {
    const r = new JavaRandom(1);
    assert.throws(() => r.nextInt(0), /bound must be positive/);
    assert.throws(() => r.nextInt(-3), /bound must be positive/);
    assert.throws(() => new JavaRandom(1.5), /seed/);
  });

  it("gives Spark's repartition start positions: new Random(byteswap32(index)).nextInt(n)", () => {
    for (const [index, n, start] of jvm.repartitionStart) {
      assert.equal(new JavaRandom(byteswap32(index)).nextInt(n), start, `index ${index}`);
    }
  });
});

describe("XORShiftRandom", () => {
  it("hashes seeds like Spark's XORShiftRandom.hashSeed", () => {
    for (const [seed, hashed] of jvm.xorshiftHashSeed) {
      const { hi, lo } = hashSeed(BigInt(seed));
      const combined = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
      assert.equal(combined, BigInt(hashed), `seed ${seed}`);
    }
  });

  it("replays Spark's XORShiftRandom sequences for 9 seeds", () => {
    const refs = jvm.random.filter((r) => r.kind === "xorshift");
    assert.equal(refs.length, 9);
    for (const ref of refs) replay(ref);
  });

  it("differs from java.util.Random for the same seed", () => {
    assert.notEqual(new XORShiftRandom(42).nextDouble(), new JavaRandom(42).nextDouble());
  });
});

describe("scala.util.hashing", () => {
  it("byteswap32 matches Scala", () => {
    for (const [v, h] of jvm.byteswap32) assert.equal(byteswap32(v), h, String(v));
  });

  it("MurmurHash3.bytesHash matches Scala (0..5 byte tails)", () => {
    for (const [bytes, , h] of jvm.byteArrayHash) assert.equal(bytesHash(new Uint8Array(bytes)), h);
  });
});
