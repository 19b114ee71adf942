import assert from "node:assert/strict";
import { it } from "node:test";
import { HashPartitioner, SparkException } from "../../src/index.js";
import { forEachMaster, sorted, withContext, MASTERS } from "../helpers/masters.js";

forEachMaster("element-wise transformations", (env) => {
  it("map, flatMap and filter keep order within and across partitions", async () => {
    const sc = env.sc;
    const rdd = sc.parallelize([1, 2, 3, 4, 5, 6, 7], 3);
    assert.deepEqual(await rdd.map((x) => x * 10).collect(), [10, 20, 30, 40, 50, 60, 70]);
    assert.deepEqual(await rdd.map((x) => [x, String(x)]).glom().collect(), [[[1, "1"], [2, "2"]], [[3, "3"], [4, "4"]], [[5, "5"], [6, "6"], [7, "7"]]]);
    assert.deepEqual(await rdd.filter((x) => x % 2 === 1).glom().collect(), [[1], [3], [5, 7]]);
    assert.deepEqual(await rdd.flatMap((x) => (x % 3 === 0 ? [] : [x, -x])).collect(), [1, -1, 2, -2, 4, -4, 5, -5, 7, -7]);
    assert.deepEqual(await sc.parallelize(["a b", "", "c"], 2).flatMap((l) => l.split(" ")).collect(), ["a", "b", "", "c"]);
    // Any iterable: Sets, generators, strings (characters, as Scala's flatMap over a String).
    assert.deepEqual(await rdd.flatMap((x) => new Set([x, x, 0])).collect(), [1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0]);
    assert.deepEqual(
      await sc.parallelize([2, 3], 2).flatMap(function* (n) {
        for (let i = 0; i < n; i++) yield `${n}.${i}`;
      }).collect(),
      ["2.0", "2.1", "3.0", "3.1", "3.2"],
    );
    assert.deepEqual(await sc.parallelize(["ab", "c"], 2).flatMap((s) => s).collect(), ["a", "b", "c"]);
    // Chains fuse but still compute each step once per element.
    assert.deepEqual(await rdd.map((x) => x + 1).filter((x) => x > 4).map((x) => x * x).flatMap((x) => [x]).collect(), [25, 36, 49, 64]);
  });

  it("flatMap fails the job when the function does not return an iterable", async () => {
    const sc = env.sc;
    // Only partition 0 fails, so the reported task is deterministic.
    const rdd = sc.parallelize([1, 2, 3], 2).flatMap((x) => (x === 1 ? (x as unknown as number[]) : [x]));
    await assert.rejects(rdd.collect(), (e: Error) => {
      assert.ok(e instanceof SparkException);
      assert.match(e.message, /^Job aborted due to stage failure: Task 0 in stage \d+\.0 failed 1 times, most recent failure: Lost task 0\.0 in stage \d+\.0 \(TID \d+\) \(localhost executor [\w-]+\): TypeError: flatMap: the function must return an iterable/);
      assert.match(e.message, /returned 1 for element 1/);
      assert.ok(e.cause instanceof Error && e.cause.name === "TypeError");
      return true;
    });
    await assert.rejects(sc.parallelize([[1, 2]] as Array<[number, number]>, 1).flatMapValues((v) => v as unknown as number[]).collect(), /flatMapValues: the function must return an iterable/);
    await assert.rejects(sc.parallelize([1, 2], 1).mapPartitions(() => 5 as unknown as number[]).collect(), /mapPartitions: the function must return an iterable/);
  });

  it("rejects a non-function argument when the transformation is defined", () => {
    const rdd = env.sc.parallelize([1]);
    assert.throws(() => rdd.map(5 as unknown as (x: number) => number), /map: expected a function, got number 5/);
    assert.throws(() => rdd.filter(undefined as unknown as (x: number) => boolean), TypeError);
    assert.throws(() => rdd.flatMap(null as unknown as (x: number) => number[]), TypeError);
  });

  it("transformations are lazy: nothing runs until an action", async () => {
    const sc = env.sc;
    const acc = sc.longAccumulator("calls");
    const mapped = sc.parallelize([1, 2, 3], 2).map((x) => {
      acc.add(1);
      return x;
    });
    const filtered = mapped.filter(() => {
      throw new Error("not yet");
    });
    assert.equal(acc.value, 0);
    assert.equal(await mapped.count(), 3);
    assert.equal(acc.value, 3);
    await assert.rejects(filtered.count(), /not yet/);
  });

  it("mapPartitions and mapPartitionsWithIndex see each partition once, as an iterator", async () => {
    const sc = env.sc;
    const rdd = sc.parallelize([1, 2, 3, 4, 5], 3);
    assert.deepEqual(await rdd.mapPartitions((it) => [[...it].reduce((a, b) => a + b, 0)]).collect(), [1, 5, 9]);
    assert.deepEqual(
      await rdd.mapPartitionsWithIndex((i, it) => [...it].map((x) => `${i}:${x}`)).collect(),
      ["0:1", "1:2", "1:3", "2:4", "2:5"],
    );
    assert.deepEqual(
      await rdd.mapPartitions(function* (it) {
        let n = 0;
        for (const x of it) n += x;
        yield n;
        yield -n;
      }).collect(),
      [1, -1, 5, -5, 9, -9],
    );
    // The argument is an iterator: next() works, and it can be consumed lazily.
    assert.deepEqual(await rdd.mapPartitions((it) => {
      const first = it.next();
      return first.done ? [] : [first.value];
    }).collect(), [1, 2, 4]);
    assert.deepEqual(await sc.parallelize([], 2).mapPartitionsWithIndex((i, it) => [i, [...it].length]).collect(), [0, 0, 1, 0]);
  });

  it("glom gives one array per partition, empty ones included; keyBy pairs f(x) with x", async () => {
    const sc = env.sc;
    assert.deepEqual(await sc.parallelize([1, 2], 4).glom().collect(), [[], [1], [], [2]]);
    assert.deepEqual(await sc.parallelize(["apple", "bob"], 2).keyBy((s) => s.length).collect(), [[5, "apple"], [3, "bob"]]);
    assert.equal(sc.parallelize([1], 1).keyBy((x) => x).partitioner, undefined);
  });
});

forEachMaster("set-like transformations", (env) => {
  it("distinct removes duplicates, structurally for tuples", async () => {
    const sc = env.sc;
    const rdd = sc.parallelize([3, 1, 2, 3, 1, 5, 3], 3);
    assert.deepEqual((await rdd.distinct().collect()).sort(), [1, 2, 3, 5]);
    const d4 = rdd.distinct(4);
    assert.equal(d4.getNumPartitions(), 4);
    assert.equal(rdd.distinct().getNumPartitions(), 3);
    assert.deepEqual((await d4.collect()).sort(), [1, 2, 3, 5]);
    env.agree("distinct order", await d4.glom().collect());
    const tuples = await sc.parallelize([["a", 1], ["a", 1], ["a", 2], ["b", 1], ["a", 1]], 2).distinct().collect();
    assert.deepEqual(sorted(tuples), [["a", 1], ["a", 2], ["b", 1]]);
    assert.deepEqual(sorted(await sc.parallelize(["x", "y", "x", "", ""], 2).distinct().collect()), ["", "x", "y"]);
    assert.throws(() => rdd.distinct(0), /numPartitions must be a positive integer/);
  });

  it("intersection keeps common elements once; subtract keeps this side's duplicates", async () => {
    const sc = env.sc;
    const a = sc.parallelize([1, 1, 2, 3, 4, 4, 5], 2);
    const b = sc.parallelize([4, 4, 5, 6, 1], 3);
    const inter = a.intersection(b);
    assert.equal(inter.getNumPartitions(), 3);
    assert.deepEqual((await inter.collect()).sort(), [1, 4, 5]);
    assert.equal(a.intersection(b, 5).getNumPartitions(), 5);
    assert.deepEqual((await a.intersection(b, 5).collect()).sort(), [1, 4, 5]);
    const sub = a.subtract(b);
    assert.equal(sub.getNumPartitions(), 2);
    assert.deepEqual((await sub.collect()).sort(), [2, 3]);
    assert.deepEqual((await sc.parallelize([1, 1, 2], 2).subtract(sc.parallelize([2], 1)).collect()), [1, 1]);
    assert.equal(a.subtract(b, 4).getNumPartitions(), 4);
    assert.deepEqual(sorted(await sc.parallelize([[1, "a"], [2, "b"]], 1).subtract(sc.parallelize([[1, "a"]], 1)).collect()), [[2, "b"]]);
    assert.deepEqual(sorted(await sc.parallelize([[1, "a"], [2, "b"], [1, "a"]], 2).intersection(sc.parallelize([[1, "a"], [3, "c"]], 1)).collect()), [[1, "a"]]);
    env.agree("intersection layout", await inter.glom().collect());
    env.agree("subtract layout", await sub.glom().collect());
  });

  it("groupBy groups by f(x), keeping every element", async () => {
    const sc = env.sc;
    const rdd = sc.parallelize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3);
    const g = rdd.groupBy((x) => x % 3);
    assert.equal(g.getNumPartitions(), 3);
    const m = new Map((await g.collect()).map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)]));
    assert.deepEqual(m, new Map([[0, [3, 6, 9]], [1, [1, 4, 7, 10]], [2, [2, 5, 8]]]));
    assert.equal(rdd.groupBy((x) => x % 2, 5).getNumPartitions(), 5);
    // Hash placement: key k goes to partition k mod 3 for small ints.
    assert.deepEqual((await g.glom().collect()).map((p) => p.map(([k]) => k)), [[0], [1], [2]]);
    const byTuple = await sc.parallelize(["ab", "ac", "b", "bd"], 2).groupBy((s) => [s[0], s.length]).collect();
    assert.deepEqual(sorted(byTuple.map(([k, vs]) => [k, [...vs].sort()])), [[["a", 2], ["ab", "ac"]], [["b", 1], ["b"]], [["b", 2], ["bd"]]]);
  });

  it("sortBy sorts globally, ascending or descending, into the requested partitions", async () => {
    const sc = env.sc;
    const data = [5, 3, 9, 1, 7, 2, 8, 6, 4, 0, 11, 10];
    const rdd = sc.parallelize(data, 3);
    assert.deepEqual(await rdd.sortBy((x) => x).collect(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual(await rdd.sortBy((x) => x, false).collect(), [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const two = rdd.sortBy((x) => -x, true, 2);
    assert.equal(two.getNumPartitions(), 2);
    const parts = await two.glom().collect();
    assert.deepEqual(parts.flat(), [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    assert.ok(parts.every((p) => p.length > 0), "a range partitioner spreads distinct keys over every partition");
    const words = sc.parallelize(["pear", "Apple", "fig", "banana", "apple"], 2);
    assert.deepEqual(await words.sortBy((w) => w).collect(), ["Apple", "apple", "banana", "fig", "pear"]);
    assert.deepEqual(await words.sortBy((w) => w.length).map((w) => w.length).collect(), [3, 4, 5, 5, 6]);
    assert.deepEqual(await sc.parallelize([[2, "b"], [1, "z"], [2, "a"]], 2).sortBy((t) => t).collect(), [[1, "z"], [2, "a"], [2, "b"]]);
    assert.deepEqual(await sc.emptyRDD<number>().sortBy((x) => x).collect(), []);
  });
});

for (const master of MASTERS) {
  it(`intersection and groupBy use spark.default.parallelism when it is set [${master}]`, async () => {
    await withContext(master, { "spark.default.parallelism": "3" }, async (sc) => {
      const a = sc.parallelize([1, 2, 3, 4], 2);
      const b = sc.parallelize([3, 4, 5], 4);
      assert.equal(a.intersection(b).getNumPartitions(), 3);
      assert.deepEqual((await a.intersection(b).collect()).sort(), [3, 4]);
      assert.equal(a.groupBy((x) => x % 2).getNumPartitions(), 3);
      // groupBy on a partitioned RDD reuses its partitioner (defaultPartitioner(this)).
      const partitioned = sc.parallelize([[1, 1], [2, 2]] as Array<[number, number]>, 2).partitionBy(new HashPartitioner(2));
      assert.equal(partitioned.groupBy(([k]) => k).getNumPartitions(), 2);
    });
  });
}
