import assert from "node:assert/strict";
import { it } from "node:test";
import { HashPartitioner, IllegalArgumentException, UnsupportedOperationException } from "../../src/index.js";
import { forEachMaster } from "../helpers/masters.js";
import { localFiles } from "../helpers/fileBase.js";
import { textFileSuites } from "../helpers/textFileCases.js";

/** Catches a validation error whether it is thrown when the RDD is defined or when the action runs. */
async function failsWith(make: () => Promise<unknown>, check: (e: Error) => boolean): Promise<void> {
  await assert.rejects(async () => make(), check);
}


forEachMaster("parallelize", (env) => {
  it("slices by position, exactly as Spark does", async () => {
    const sc = env.sc;
    assert.deepEqual(await sc.parallelize([1, 2, 3, 4, 5], 3).glom().collect(), [[1], [2, 3], [4, 5]]);
    const ten = await sc.parallelize([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4).glom().collect();
    assert.deepEqual(ten.map((p) => p.length), [2, 3, 2, 3]);
    assert.deepEqual(ten.flat(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(await sc.parallelize(["a", "b", "c"], 5).glom().collect(), [[], ["a"], [], ["b"], ["c"]]);
    assert.deepEqual(await sc.parallelize([], 3).glom().collect(), [[], [], []]);
    assert.deepEqual(await sc.parallelize([7], 1).glom().collect(), [[7]]);
  });

  it("defaults to defaultParallelism slices and keeps element values and order", async () => {
    const sc = env.sc;
    const data = [{ a: 1, b: [1, 2] }, ["t", 2], "s", null, 3.5, true, [1, [2, [3]]]];
    const rdd = sc.parallelize(data);
    assert.equal(rdd.getNumPartitions(), sc.defaultParallelism);
    assert.deepEqual(await rdd.collect(), data);
    assert.deepEqual(await sc.makeRDD([3, 2, 1], 2).glom().collect(), [[3], [2, 1]]);
    // Any iterable is accepted.
    assert.deepEqual(await sc.parallelize(new Set([1, 2, 3]), 2).collect(), [1, 2, 3]);
    assert.equal(rdd.partitioner, undefined);
  });

  it("rejects numSlices < 1 with Spark's message", async () => {
    const sc = env.sc;
    for (const n of [0, -1]) {
      await failsWith(
        () => sc.parallelize([1, 2, 3], n).collect(),
        (e) => e instanceof IllegalArgumentException && e.message === "Positive number of partitions required",
      );
    }
    await failsWith(() => sc.parallelize([1, 2, 3], 1.5).collect(), (e) => /numSlices|partitions/.test(e.message));
    assert.throws(() => sc.parallelize(5 as unknown as number[]), TypeError);
  });
});

forEachMaster("range and emptyRDD", (env) => {
  it("range slices positions like parallelize and supports steps in both directions", async () => {
    const sc = env.sc;
    assert.deepEqual(await sc.range(0, 10, 1, 3).glom().collect(), [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]);
    assert.deepEqual(await sc.range(5).collect(), [0, 1, 2, 3, 4]);
    assert.equal(sc.range(5).getNumPartitions(), sc.defaultParallelism);
    assert.deepEqual(await sc.range(1, 11, 3, 2).glom().collect(), [[1, 4], [7, 10]]);
    assert.deepEqual(await sc.range(10, 0, -3, 2).collect(), [10, 7, 4, 1]);
    assert.deepEqual(await sc.range(5, 5, 1, 2).glom().collect(), [[], []]);
    assert.deepEqual(await sc.range(5, 0, 1, 2).collect(), []);
    assert.equal(await sc.range(0, 1_000_000, 1, 4).count(), 1_000_000);
    assert.equal(await sc.range(0, 1_000, 1, 4).sum(), 499_500);
    await failsWith(
      () => sc.range(0, 10, 0).collect(),
      (e) => e instanceof IllegalArgumentException && e.message === "requirement failed: step cannot be 0",
    );
    await failsWith(() => sc.range(0, 10, 1, 0).collect(), (e) => e.message === "Positive number of partitions required");
  });

  it("emptyRDD has no partitions and behaves as an empty collection in actions", async () => {
    const sc = env.sc;
    const e = sc.emptyRDD<number>();
    assert.equal(e.getNumPartitions(), 0);
    assert.deepEqual(await e.collect(), []);
    assert.equal(await e.count(), 0);
    assert.equal(await e.isEmpty(), true);
    assert.deepEqual(await e.take(3), []);
    assert.equal(await e.fold(7, (a, b) => a + b), 7);
    assert.deepEqual(await e.aggregate([0, 0], (acc, x) => [acc[0]! + x, acc[1]! + 1], (a, b) => [a[0]! + b[0]!, a[1]! + b[1]!]), [0, 0]);
    assert.equal(await e.sum(), 0);
    const emptyCollection = (err: Error) => err instanceof UnsupportedOperationException && err.message === "empty collection";
    await assert.rejects(e.reduce((a, b) => a + b), emptyCollection);
    await assert.rejects(e.first(), emptyCollection);
    await assert.rejects(e.max(), emptyCollection);
    assert.deepEqual(await e.map((x) => x * 2).collect(), []);
    assert.deepEqual(await e.union(sc.parallelize([1, 2], 2)).collect(), [1, 2]);
  });
});

forEachMaster("union", (env) => {
  it("sc.union and rdd.union lay the parents' partitions end to end, keeping duplicates", async () => {
    const sc = env.sc;
    const a = sc.parallelize([1, 2, 3], 2);
    const b = sc.parallelize([3, 4], 1);
    const c = sc.parallelize([5, 6, 7, 8], 3);
    const u = sc.union([a, b, c]);
    assert.equal(u.getNumPartitions(), 6);
    assert.deepEqual(await u.glom().collect(), [[1], [2, 3], [3, 4], [5], [6], [7, 8]]);
    assert.deepEqual(await a.union(b).collect(), [1, 2, 3, 3, 4]);
    assert.deepEqual(await a.union(a).collect(), [1, 2, 3, 1, 2, 3]);
    assert.equal(u.partitioner, undefined);
    assert.equal(await u.count(), 9);
    assert.throws(() => sc.union([]), TypeError);
  });

  it("keeps a common partitioner and unions partition by partition", async () => {
    const sc = env.sc;
    const p = new HashPartitioner(3);
    const a = sc.parallelize([[1, "a"], [2, "b"], [3, "c"]] as Array<[number, string]>, 2).partitionBy(p);
    const b = sc.parallelize([[4, "d"], [5, "e"], [6, "f"]] as Array<[number, string]>, 2).partitionBy(p);
    const u = a.union(b);
    assert.equal(u.getNumPartitions(), 3);
    assert.ok(u.partitioner?.equals(p));
    const parts = await u.glom().collect();
    assert.deepEqual(parts, [
      [[3, "c"], [6, "f"]],
      [[1, "a"], [4, "d"]],
      [[2, "b"], [5, "e"]],
    ]);
    // A different partitioner on one side: concatenated, no partitioner.
    const c = sc.parallelize([[7, "g"]] as Array<[number, string]>, 1).partitionBy(new HashPartitioner(2));
    const mixed = sc.union([a, c]);
    assert.equal(mixed.getNumPartitions(), 5);
    assert.equal(mixed.partitioner, undefined);
  });
});

textFileSuites(localFiles());
