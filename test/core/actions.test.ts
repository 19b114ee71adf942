import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { HashPartitioner, SparkException, StatCounter, UnsupportedOperationException } from "../../src/index.js";
import { forEachMaster, recordTasks, sorted, tempDir } from "../helpers/masters.js";

class Bag {
  total = 0;
  items: number[] = [];
  add(x: number): this {
    this.total += x;
    this.items.push(x);
    return this;
  }
  merge(other: Bag): this {
    this.total += other.total;
    this.items.push(...other.items);
    return this;
  }
}

const emptyCollection = (e: Error): boolean => e instanceof UnsupportedOperationException && e.message === "empty collection";

forEachMaster("basic actions", (env) => {
  it("collect, count and first follow partition order", async () => {
    const sc = env.sc;
    const rdd = sc.parallelize([5, 4, 3, 2, 1], 3);
    assert.deepEqual(await rdd.collect(), [5, 4, 3, 2, 1]);
    assert.equal(await rdd.count(), 5);
    assert.equal(await rdd.first(), 5);
    // The first partition is empty: first() still finds the first element in partition order.
    assert.equal(await sc.parallelize([9, 8], 5).first(), 9);
    await assert.rejects(sc.parallelize([], 3).first(), emptyCollection);
    await assert.rejects(rdd.filter(() => false).first(), emptyCollection);
  });

  it("take returns a prefix of collect()", async () => {
    const sc = env.sc;
    const rdd = sc.parallelize(Array.from({ length: 30 }, (_, i) => i), 7);
    for (const n of [0, 1, 3, 5, 13, 29, 30, 31, 100]) assert.deepEqual(await rdd.take(n), Array.from({ length: Math.min(n, 30) }, (_, i) => i), `take(${n})`);
    assert.deepEqual(await rdd.take(-1), []);
    assert.deepEqual(await sc.parallelize([1, 2, 3], 10).take(2), [1, 2]);
    assert.deepEqual(await sc.parallelize([1, 2, 3], 3).filter((x) => x === 3).take(5), [3]);
  });

  it("take scans partitions incrementally: one task when the first partition has enough", async () => {
    const sc = env.sc;
    const ten = sc.parallelize(Array.from({ length: 100 }, (_, i) => i), 10);
    const one = await recordTasks(sc, () => ten.take(1));
    assert.deepEqual(one.result, [0]);
    assert.equal(one.jobs, 1);
    assert.equal(one.tasks.length, 1);
    assert.equal(one.tasks[0]!.index, 0);
    const firstElement = await recordTasks(sc, () => ten.first());
    assert.equal(firstElement.tasks.length, 1);
    // 20 partitions of one element, take(10): rounds of 1, 4 and 8 partitions (Spark's interpolation).
    const twenty = sc.parallelize(Array.from({ length: 20 }, (_, i) => i), 20);
    const ten10 = await recordTasks(sc, () => twenty.take(10));
    assert.deepEqual(ten10.result, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(ten10.jobs, 3);
    assert.equal(ten10.tasks.length, 13);
    // Nothing before partition 5: rounds of 1, 4 and then the remaining 5 partitions.
    const late = sc.parallelize([], 10).mapPartitionsWithIndex((i) => (i === 5 ? ["x"] : []));
    const lateTake = await recordTasks(sc, () => late.take(1));
    assert.deepEqual(lateTake.result, ["x"]);
    assert.equal(lateTake.jobs, 3);
    assert.equal(lateTake.tasks.length, 10);
    const zero = await recordTasks(sc, () => ten.take(0));
    assert.equal(zero.jobs, 0);
  });

  it("take stops computing a partition once it has enough elements", async () => {
    const sc = env.sc;
    const acc = sc.longAccumulator("computed");
    const rdd = sc.parallelize(Array.from({ length: 1000 }, (_, i) => i), 1).map((x) => {
      acc.add(1);
      return x * 2;
    });
    assert.deepEqual(await rdd.take(3), [0, 2, 4]);
    assert.equal(acc.value, 3);
    assert.equal(await rdd.isEmpty(), false);
    assert.equal(acc.value, 4);
  });

  it("isEmpty", async () => {
    const sc = env.sc;
    assert.equal(await sc.parallelize([1], 4).isEmpty(), false);
    assert.equal(await sc.parallelize([], 4).isEmpty(), true);
    assert.equal(await sc.parallelize([1, 2], 2).filter((x) => x > 5).isEmpty(), true);
    assert.equal(await sc.emptyRDD().isEmpty(), true);
  });

  it("takeOrdered and top use the natural order or a given ordering", async () => {
    const sc = env.sc;
    assert.deepEqual(await sc.parallelize([10, 1, 2, 9, 3, 4, 5, 6, 7], 3).takeOrdered(6), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(await sc.parallelize([10, 4, 2, 12, 3], 2).top(1), [12]);
    assert.deepEqual(await sc.parallelize([2, 3, 4, 5, 6], 2).top(2), [6, 5]);
    assert.deepEqual(await sc.parallelize([2, 3, 4, 5, 6], 2).takeOrdered(2, (a, b) => b - a), [6, 5]);
    assert.deepEqual(await sc.parallelize([2, 3, 4, 5, 6], 2).top(2, (a, b) => b - a), [2, 3]);
    assert.deepEqual(await sc.parallelize(["b", "a", "c", "B"], 2).takeOrdered(10), ["B", "a", "b", "c"]);
    assert.deepEqual(await sc.parallelize([["a", 2], ["a", 1], ["0", 9]], 2).top(2), [["a", 2], ["a", 1]]);
    assert.deepEqual(await sc.parallelize([3, 1, 2], 2).takeOrdered(0), []);
    assert.deepEqual(await sc.parallelize([], 2).top(3), []);
    assert.deepEqual(await sc.emptyRDD<number>().takeOrdered(3), []);
    assert.deepEqual(await sc.parallelize([5, 5, 1, 5], 3).top(3), [5, 5, 5]);
  });

  it("reduce, fold and aggregate, with Spark's zero-value rules", async () => {
    const sc = env.sc;
    const rdd = sc.parallelize([1, 2, 3, 4, 5], 3);
    assert.equal(await rdd.reduce((a, b) => a + b), 15);
    assert.equal(await rdd.reduce((a, b) => Math.max(a, b)), 5);
    assert.equal(await sc.parallelize([7], 4).reduce((a, b) => a + b), 7);
    await assert.rejects(sc.parallelize([] as number[], 3).reduce((a, b) => a + b), emptyCollection);
    assert.equal(await sc.parallelize([1, 2, 3, 4, 5], 1).fold(0, (a, b) => a + b), 15);
    // The zero is applied once per partition and once more on the driver.
    assert.equal(await sc.parallelize([1, 2, 3], 3).fold(10, (a, b) => a + b), 46);
    assert.equal(await sc.parallelize([] as number[], 2).fold(1, (a, b) => a * b), 1);
    const seq = (acc: [number, number], x: number): [number, number] => [acc[0] + x, acc[1] + 1];
    const comb = (a: [number, number], b: [number, number]): [number, number] => [a[0] + b[0], a[1] + b[1]];
    assert.deepEqual(await sc.parallelize([1, 2, 3, 4], 2).aggregate([0, 0] as [number, number], seq, comb), [10, 4]);
    assert.deepEqual(await sc.parallelize([] as number[], 2).aggregate([0, 0] as [number, number], seq, comb), [0, 0]);
    // A mutable zero: every partition (and the driver) starts from its own copy.
    const zero: number[] = [];
    const all = await rdd.aggregate(
      zero,
      (acc, x) => {
        acc.push(x);
        return acc;
      },
      (a, b) => {
        a.push(...b);
        return a;
      },
    );
    assert.deepEqual(all.sort(), [1, 2, 3, 4, 5]);
    assert.deepEqual(zero, []);
    // A zero value of a class (Spark copies it by serialization, keeping the class).
    const stats = await rdd.aggregate(new StatCounter(), (s, x) => s.merge(x), (a, b) => a.merge(b));
    assert.ok(stats instanceof StatCounter);
    assert.equal(stats.toString(), "(count: 5, mean: 3.000000, stdev: 1.414214, max: 5.000000, min: 1.000000)");
    const bag = await rdd.map((x) => new Bag().add(x)).fold(new Bag(), (a, b) => a.merge(b));
    assert.ok(bag instanceof Bag);
    assert.deepEqual([bag.total, bag.items.sort()], [15, [1, 2, 3, 4, 5]]);
    const folded = await rdd.map((x) => [x]).fold([] as number[], (a, b) => {
      a.push(...b);
      return a;
    });
    assert.deepEqual(folded.sort(), [1, 2, 3, 4, 5]);
  });

  it("countByValue counts equal elements together, tuples structurally", async () => {
    const sc = env.sc;
    const m = await sc.parallelize(["a", "b", "a", "c", "a", "b"], 3).countByValue();
    assert.deepEqual(new Map([...m].sort()), new Map([["a", 3], ["b", 2], ["c", 1]]));
    const t = await sc.parallelize([[1, 2], [1, 2], [2, 1], [1, 2]], 2).countByValue();
    assert.deepEqual(sorted([...t]), [[[1, 2], 3], [[2, 1], 1]]);
    assert.equal((await sc.parallelize([], 2).countByValue()).size, 0);
  });

  it("collectAsMap keeps the last value of a key; lookup reads one partition when partitioned", async () => {
    const sc = env.sc;
    const pairs = sc.parallelize([[1, "a"], [2, "b"], [1, "c"], [3, "d"]] as Array<[number, string]>, 2);
    assert.deepEqual(await pairs.collectAsMap(), new Map([[1, "c"], [2, "b"], [3, "d"]]));
    const tupleKeys = await sc.parallelize([[["k", 1], 1], [["k", 1], 2], [["k", 2], 3]] as Array<[[string, number], number]>, 2).collectAsMap();
    assert.deepEqual(sorted([...tupleKeys]), [[["k", 1], 2], [["k", 2], 3]]);
    assert.deepEqual(await pairs.lookup(1), ["a", "c"]);
    assert.deepEqual(await pairs.lookup(9), []);
    const partitioned = pairs.partitionBy(new HashPartitioner(4));
    const looked = await recordTasks(sc, () => partitioned.lookup(1));
    assert.deepEqual(looked.result, ["a", "c"]);
    assert.equal(looked.tasks.filter((t) => t.index === 0 && t.stageId === Math.max(...looked.tasks.map((x) => x.stageId))).length, 1);
    assert.equal(new Set(looked.tasks.map((t) => t.stageId)).size <= 2, true);
    const resultStage = Math.max(...looked.tasks.map((t) => t.stageId));
    assert.equal(looked.tasks.filter((t) => t.stageId === resultStage).length, 1, "one result task: only the key's partition");
    assert.deepEqual(await sc.parallelize([[["a", 1], 5]] as Array<[[string, number], number]>, 2).lookup(["a", 1]), [5]);
  });
});

forEachMaster("numeric actions", (env) => {
  it("sum, mean, max, min, variance, stdev and stats", async () => {
    const sc = env.sc;
    const rdd = sc.parallelize([1, 2, 3, 4, 5], 2);
    assert.equal(await rdd.sum(), 15);
    assert.equal(await rdd.mean(), 3);
    assert.equal(await rdd.max(), 5);
    assert.equal(await rdd.min(), 1);
    assert.equal(await rdd.variance(), 2);
    assert.equal(await rdd.stdev(), Math.sqrt(2));
    assert.equal(await rdd.sampleVariance(), 2.5);
    assert.equal(await rdd.sampleStdev(), Math.sqrt(2.5));
    const s = await rdd.stats();
    assert.ok(s instanceof StatCounter);
    assert.equal(s.count, 5);
    assert.equal(s.toString(), "(count: 5, mean: 3.000000, stdev: 1.414214, max: 5.000000, min: 1.000000)");
    assert.equal((await sc.parallelize([1.5, 2.25], 2).stats()).toString(), "(count: 2, mean: 1.875000, stdev: 0.375000, max: 2.250000, min: 1.500000)");
    assert.equal(await sc.parallelize(["pear", "apple", "fig"], 2).max(), "pear");
    assert.equal(await sc.parallelize(["pear", "apple", "fig"], 2).min(), "apple");
    assert.equal(await sc.parallelize(["pear", "apple", "fig"], 2).max((a, b) => a.length - b.length), "apple");
    assert.equal(await sc.parallelize([10, 2, 33], 2).max((a, b) => String(a).localeCompare(String(b))), 33);
    // Empty partitions: count 0, mean 0, NaN spread; no partitions at all: "empty collection".
    const empty = await sc.parallelize([] as number[], 2).stats();
    assert.equal(empty.count, 0);
    assert.equal(empty.mean, 0);
    assert.ok(Number.isNaN(empty.variance));
    assert.equal(await sc.parallelize([] as number[], 2).sum(), 0);
    assert.equal(await sc.emptyRDD<number>().sum(), 0);
    await assert.rejects(sc.emptyRDD<number>().stats(), emptyCollection);
    await assert.rejects(sc.emptyRDD<number>().mean(), emptyCollection);
    await assert.rejects(sc.parallelize([] as number[], 2).max(), emptyCollection);
    await assert.rejects(sc.parallelize([] as number[], 2).min(), emptyCollection);
  });
});

forEachMaster("foreach and foreachPartition", (env) => {
  it("run the function on every element or partition, awaiting async functions", async () => {
    const sc = env.sc;
    const rdd = sc.parallelize([1, 2, 3, 4, 5, 6], 3);
    const sum = sc.longAccumulator("sum");
    await rdd.foreach((x) => sum.add(x));
    assert.equal(sum.value, 21);
    const asyncSum = sc.longAccumulator("asyncSum");
    await rdd.foreach(async (x) => {
      await new Promise((resolve) => setImmediate(resolve));
      asyncSum.add(x);
    });
    assert.equal(asyncSum.value, 21, "every async call settled before foreach resolved");
    const sizes = sc.collectionAccumulator<number>("sizes");
    await rdd.foreachPartition(async (it) => {
      let n = 0;
      for (const _ of it) n++;
      await new Promise((resolve) => setImmediate(resolve));
      sizes.add(n);
    });
    assert.deepEqual(sizes.value.sort(), [2, 2, 2]);
    await assert.rejects(
      rdd.foreachPartition(async () => {
        await Promise.resolve();
        throw new Error("async failure");
      }),
      (e: Error) => e instanceof SparkException && /async failure/.test(e.message),
    );
    await assert.rejects(
      rdd.foreach(async (x) => {
        if (x === 4) throw new RangeError("four");
      }),
      (e: Error) => e instanceof SparkException && /RangeError: four/.test(e.message),
    );
  });
});

forEachMaster("saveAsTextFile", (env) => {
  const dir = tempDir();
  // "[" and "]" would make the path a glob.
  const tag = env.master.replace(/\W/g, "_");

  it("writes part-NNNNN files with Spark's element strings and a _SUCCESS marker", async () => {
    const sc = env.sc;
    const out = join(dir, `out-${tag}`);
    await sc.parallelize([["a", 1], ["b", 2], ["c", 3]], 4).saveAsTextFile(out);
    assert.deepEqual(readdirSync(out).sort(), ["_SUCCESS", "part-00000", "part-00001", "part-00002", "part-00003"]);
    assert.equal(readFileSync(join(out, "_SUCCESS"), "utf8"), "");
    assert.equal(readFileSync(join(out, "part-00000"), "utf8"), "");
    assert.equal(readFileSync(join(out, "part-00001"), "utf8"), "(a,1)\n");
    assert.equal(readFileSync(join(out, "part-00002"), "utf8"), "(b,2)\n");
    assert.equal(readFileSync(join(out, "part-00003"), "utf8"), "(c,3)\n");
    // textFile reads it back (the marker is hidden).
    assert.deepEqual(await sc.textFile(out).collect(), ["(a,1)", "(b,2)", "(c,3)"]);

    const values = join(dir, `values-${tag}`);
    await sc.parallelize(["plain", 42, 1.5, null, [1, [2, 3]], ["k", [1, 2, 3]], true], 1).saveAsTextFile(`file:${values}`);
    assert.equal(readFileSync(join(values, "part-00000"), "utf8"), "plain\n42\n1.5\nnull\n(1,(2,3))\n(k,[1, 2, 3])\ntrue\n");

    const none = join(dir, `none-${tag}`);
    await sc.emptyRDD().saveAsTextFile(none);
    assert.deepEqual(readdirSync(none), ["_SUCCESS"]);

    const counts = join(dir, `wc-${tag}`);
    await sc.parallelize(["x y", "y"], 2).flatMap((l) => l.split(" ")).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b, 1).saveAsTextFile(counts);
    assert.deepEqual(readFileSync(join(counts, "part-00000"), "utf8").trim().split("\n").sort(), ["(x,1)", "(y,2)"]);
  });

  it("refuses an existing output directory before running a job", async () => {
    const sc = env.sc;
    const existing = join(dir, `existing-${tag}`);
    mkdirSync(existing);
    writeFileSync(join(existing, "keep"), "me");
    const { result, jobs } = await recordTasks(sc, () =>
      sc.parallelize([1]).saveAsTextFile(existing).then(
        () => undefined,
        (e: Error) => e,
      ),
    );
    assert.ok(result instanceof Error);
    assert.equal(result.message.startsWith(`Output directory file:${existing} already exists`), true, result.message);
    assert.equal(jobs, 0);
    assert.deepEqual(readdirSync(existing), ["keep"]);
    assert.equal(existsSync(join(existing, "_SUCCESS")), false);
  });

  it("writes into an existing output directory when spark.hadoop.validateOutputSpecs is false", async () => {
    const sc = env.sc;
    sc.conf.set("spark.hadoop.validateOutputSpecs", "false");
    try {
      const existing = join(dir, `unvalidated-${tag}`);
      mkdirSync(existing);
      writeFileSync(join(existing, "part-00000"), "old\n");
      await sc.parallelize(["new"], 1).saveAsTextFile(existing);
      assert.equal(readFileSync(join(existing, "part-00000"), "utf8"), "new\n");
      assert.ok(existsSync(join(existing, "_SUCCESS")));
    } finally {
      sc.conf.remove("spark.hadoop.validateOutputSpecs");
    }
  });

});
