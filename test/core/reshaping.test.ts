import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  HashPartitioner,
  IllegalArgumentException,
  SparkContext,
  SparkException,
  StorageLevel,
  type RDD,
} from "../../src/index.js";

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
const sortNum = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

/*
 * Expected samples marked "JVM" were produced by Spark 3.5.1's own samplers (BernoulliSampler,
 * PoissonSampler, BernoulliCellSampler, SamplingUtils from spark-core_2.13-3.5.1 with
 * commons-math3 3.6.1) over the same positional slices, seeded exactly as PartitionwiseSampledRDD,
 * randomSplit and takeSample seed them, and repartition placements by Spark's distributePartition
 * (java.util.Random(byteswap32(i)).nextInt(n), HashPartitioner). Within a repartitioned partition
 * dstream's order is map-partition order; Spark leaves that order unspecified.
 */

for (const master of ["local[1]", "local[2]"]) {
  describe(`reshaping operations in ${master}`, () => {
    let sc: SparkContext;
    const executors = new Set<string>();
    const jobs: string[] = [];
    const stageTasks: number[] = [];

    before(() => {
      sc = new SparkContext({ master, appName: "reshaping-test" });
      sc.addSparkListener({
        onTaskEnd: (e) => void executors.add(e.taskInfo.executorId),
        onJobStart: (e) => void jobs.push(e.callSite),
        onStageSubmitted: (e) => void stageTasks.push(e.stageInfo.numTasks),
      });
    });
    after(async () => {
      await sc.stop();
    });

    /** Runs a body and, in local[2], checks that every task ran in a worker thread (the classes shipped). */
    async function onWorkers<T>(body: () => Promise<T>): Promise<T> {
      executors.clear();
      const out = await body();
      if (master !== "local[1]") assert.ok(!executors.has("driver"), `some task fell back to the driver: ${[...executors].join(",")}`);
      else assert.deepEqual([...executors], ["driver"]);
      return out;
    }

    const glom = <T>(rdd: RDD<T>): Promise<T[][]> => rdd.glom().collect();

    // ---------------------------------------------------------------- zip
    describe("zip", () => {
      it("pairs the i-th elements of matching partitions, in order, with no partitioner", async () => {
        const a = sc.parallelize([1, 2, 3, 4, 5], 2);
        const b = sc.parallelize(["a", "b", "c", "d", "e"], 2);
        const z = a.zip(b);
        assert.equal(z.getNumPartitions(), 2);
        assert.equal(z.partitioner, undefined);
        assert.deepEqual(await onWorkers(() => glom(z)), [
          [[1, "a"], [2, "b"]],
          [[3, "c"], [4, "d"], [5, "e"]],
        ]);
      });

      it("zips an RDD with itself and with mapped parents (push path)", async () => {
        const a = sc.parallelize(range(0, 6), 3);
        assert.deepEqual(await onWorkers(() => a.zip(a).collect()), range(0, 6).map((x) => [x, x]));
        const z = a.map((x) => x * 10).zip(a.filter(() => true)).map(([x, y]) => x + y);
        assert.deepEqual(await onWorkers(() => z.collect()), [0, 11, 22, 33, 44, 55]);
      });

      it("rejects unequal partition counts when zip is called, with Spark's message", () => {
        const a = sc.parallelize([1, 2, 3], 2);
        const b = sc.parallelize([1, 2, 3], 3);
        assert.throws(() => a.zip(b), (e: unknown) => {
          assert.ok(e instanceof IllegalArgumentException);
          assert.equal(e.message, "Can't zip RDDs with unequal numbers of partitions: List(2, 3)");
          return true;
        });
      });

      it("fails the job when a partition's element counts differ, whichever side is longer", async () => {
        const three = sc.parallelize([1, 2, 3], 2); // [1] [2,3]
        const two = sc.parallelize([1, 2], 2); // [1] [2]
        for (const z of [three.zip(two), two.zip(three)]) {
          await assert.rejects(z.collect(), (e: unknown) => {
            assert.ok(e instanceof SparkException);
            assert.match(
              e.message,
              /^Job aborted due to stage failure: Task 1 in stage \d+\.0 failed 1 times, most recent failure: Lost task 1\.0 in stage \d+\.0 \(TID \d+\) \(localhost executor \w+\): SparkException: Can only zip RDDs with same number of elements in each partition/,
            );
            assert.equal((e.cause as Error).message, "Can only zip RDDs with same number of elements in each partition");
            return true;
          });
        }
        // Pulled through an iterator (foreachPartition) the check is the same.
        await assert.rejects(three.zip(two).foreachPartition((it) => void [...it]), /Can only zip RDDs with same number of elements/);
      });

      it("stops early for take without reading the rest of either side", async () => {
        const z = sc.parallelize([1, 2, 3], 1).zip(sc.parallelize([1, 2], 1)); // unequal, but take(1) never reaches the end
        assert.deepEqual(await onWorkers(() => z.take(1)), [[1, 1]]);
      });
    });

    // ---------------------------------------------------------------- cartesian
    describe("cartesian", () => {
      it("numbers partitions i * n2 + j and crosses elements first-major", async () => {
        const a = sc.parallelize([1, 2, 3], 2); // [1] [2,3]
        const b = sc.parallelize(["x", "y", "z"], 2); // [x] [y,z]
        const c = a.cartesian(b);
        assert.equal(c.getNumPartitions(), 4);
        assert.equal(c.partitioner, undefined);
        assert.deepEqual(await onWorkers(() => glom(c)), [
          [[1, "x"]],
          [[1, "y"], [1, "z"]],
          [[2, "x"], [3, "x"]],
          [[2, "y"], [2, "z"], [3, "y"], [3, "z"]],
        ]);
        assert.equal(await c.count(), 9);
      });

      it("crosses an RDD with itself and with a shuffled parent", async () => {
        const a = sc.parallelize([1, 2], 2);
        assert.deepEqual(await onWorkers(() => a.cartesian(a).collect()), [[1, 1], [1, 2], [2, 1], [2, 2]]);
        const counts = sc.parallelize(["a", "b", "a"], 2).map((w) => [w, 1] as [string, number]).reduceByKey((x, y) => x + y, 2);
        const crossed = await onWorkers(() => sc.parallelize([0], 1).cartesian(counts).collect());
        assert.deepEqual(crossed.map(([, kv]) => kv).sort(), [["a", 2], ["b", 1]]);
      });

      it("reads the second partition again for every element of the first, unless it is cached", async () => {
        const acc = sc.longAccumulator();
        const a = sc.parallelize([1, 2, 3], 1);
        const b = sc.parallelize([10, 20], 1).map((x) => {
          acc.add(1);
          return x;
        });
        assert.equal(await a.cartesian(b).count(), 6);
        assert.equal(acc.value, 6);
        const cached = sc.parallelize([10, 20], 1).map((x) => {
          acc.add(1);
          return x;
        }).cache();
        acc.reset();
        assert.equal(await a.cartesian(cached).count(), 6);
        assert.equal(acc.value, 2);
      });
    });

    // ---------------------------------------------------------------- coalesce / repartition
    describe("coalesce and repartition", () => {
      it("coalesce without shuffle groups consecutive parent partitions, in order", async () => {
        const rdd = sc.parallelize(range(1, 11), 5); // [1,2] [3,4] [5,6] [7,8] [9,10]
        const c = rdd.coalesce(2);
        assert.equal(c.getNumPartitions(), 2);
        assert.deepEqual(await onWorkers(() => glom(c)), [[1, 2, 3, 4], [5, 6, 7, 8, 9, 10]]);
        assert.deepEqual(await onWorkers(() => glom(sc.parallelize(range(1, 8), 7).coalesce(3))), [[1, 2], [3, 4], [5, 6, 7]]);
        assert.deepEqual(await glom(sc.parallelize([1, 2, 3, 4, 5], 3).coalesce(1)), [[1, 2, 3, 4, 5]]);
      });

      it("coalesce to more partitions than exist keeps one per parent partition, and drops the partitioner", async () => {
        const parted = sc.parallelize([[1, "a"], [2, "b"], [3, "c"]] as Array<[number, string]>, 3).partitionBy(new HashPartitioner(3));
        const c = parted.coalesce(10);
        assert.equal(c.getNumPartitions(), 3);
        assert.equal(c.partitioner, undefined);
        assert.deepEqual(await onWorkers(() => glom(c)), await glom(parted));
      });

      it("coalesce without shuffle runs a single stage; with shuffle, two", async () => {
        const rdd = sc.parallelize(range(0, 8), 4);
        stageTasks.length = 0;
        await rdd.coalesce(2).count();
        assert.deepEqual(stageTasks, [2]);
        stageTasks.length = 0;
        await rdd.coalesce(3, true).count();
        assert.deepEqual(stageTasks, [4, 3]);
      });

      it("repartition deals each partition round-robin from Spark's start position (JVM)", async () => {
        const r = sc.parallelize(range(1, 21), 3).repartition(4);
        assert.equal(r.getNumPartitions(), 4);
        assert.equal(r.partitioner, undefined);
        assert.deepEqual(await onWorkers(() => glom(r)), [
          [2, 6, 10, 14, 18],
          [3, 7, 11, 15, 19],
          [4, 8, 12, 16, 20],
          [1, 5, 9, 13, 17],
        ]);
        assert.deepEqual(await glom(sc.parallelize(range(0, 10), 5).repartition(3)), [[3, 7, 9], [0, 4], [1, 2, 5, 6, 8]]);
        assert.deepEqual(await glom(sc.parallelize(range(1, 21), 3).coalesce(2, true)), [
          [1, 3, 5, 8, 10, 12, 14, 16, 18, 20],
          [2, 4, 6, 7, 9, 11, 13, 15, 17, 19],
        ]);
      });

      it("repartition can grow the partition count, keeps every element, and creates four RDDs", async () => {
        const src = sc.parallelize(range(0, 100), 2);
        const r = src.repartition(7);
        assert.equal(r.id - src.id, 4);
        const parts = await onWorkers(() => glom(r));
        assert.equal(parts.length, 7);
        assert.deepEqual(sortNum(parts.flat()), range(0, 100));
        assert.ok(parts.every((p) => p.length >= 14 && p.length <= 15), `round-robin keeps partitions even: ${parts.map((p) => p.length).join(",")}`);
        assert.deepEqual(await glom(sc.parallelize([] as number[], 2).repartition(3)), [[], [], []]);
      });

      it("validates the partition count with Spark's message, when called", () => {
        const rdd = sc.parallelize([1, 2, 3], 2);
        for (const [f, n] of [[() => rdd.coalesce(0), 0], [() => rdd.repartition(-1), -1], [() => rdd.coalesce(0, true), 0]] as const) {
          assert.throws(f, (e: unknown) => {
            assert.ok(e instanceof IllegalArgumentException);
            assert.equal(e.message, `requirement failed: Number of partitions (${n}) must be positive.`);
            return true;
          });
        }
        assert.throws(() => rdd.coalesce(1.5), TypeError);
        assert.throws(() => rdd.coalesce(2, "yes" as unknown as boolean), TypeError);
      });
    });

    // ---------------------------------------------------------------- sample
    describe("sample", () => {
      it("without replacement picks the elements Spark picks for the seed (JVM)", async () => {
        // fraction <= 0.4: gap sampling
        assert.deepEqual(await onWorkers(() => glom(sc.parallelize(range(0, 100), 4).sample(false, 0.1, 81))), [[11], [34, 49], [56], [79, 82, 84]]);
        assert.deepEqual(await glom(sc.parallelize(range(1, 41), 4).sample(false, 0.3, -5)), [[4, 5, 8], [11], [21, 22, 24, 30], [35, 37, 39]]);
        // fraction > 0.4: one draw per element
        assert.deepEqual(await glom(sc.parallelize(range(1, 21), 2).sample(false, 0.5, 42)), [[1, 2, 3, 9], [12, 13, 15, 16, 20]]);
      });

      it("with replacement repeats the elements Spark repeats for the seed (JVM)", async () => {
        // fraction <= 0.4: gap sampling with Poisson counts
        assert.deepEqual(await onWorkers(() => glom(sc.parallelize(range(1, 31), 3).sample(true, 0.2, 7))), [[], [13], []]);
        // fraction > 0.4: commons-math PoissonDistribution on Well19937c
        assert.deepEqual(await glom(sc.parallelize(range(1, 11), 2).sample(true, 1.5, 11)), [
          [3, 3, 3, 5],
          [6, 8, 8, 8, 9, 9, 9, 9, 10, 10],
        ]);
      });

      it("accepts a bigint seed as a JVM long", async () => {
        assert.deepEqual(await sc.parallelize(range(0, 100), 4).sample(false, 0.1, 81n).collect(), [11, 34, 49, 56, 79, 82, 84]);
      });

      it("is deterministic for a seed, differs across seeds, and is unseeded otherwise", async () => {
        const rdd = sc.parallelize(range(0, 1000), 4);
        const a = await onWorkers(() => rdd.sample(false, 0.3, 1).collect());
        assert.deepEqual(await rdd.sample(false, 0.3, 1).collect(), a);
        assert.notDeepEqual(await rdd.sample(false, 0.3, 2).collect(), a);
        const c = await rdd.sample(false, 0.3).count();
        assert.ok(c > 200 && c < 400, `unseeded sample of 30% of 1000 gave ${c}`);
      });

      it("with a Poisson mean of 40 or more is deterministic and about the right size", async () => {
        const rdd = sc.parallelize([1, 2, 3, 4], 2);
        const a = await onWorkers(() => rdd.sample(true, 45, 3).collect());
        assert.deepEqual(await rdd.sample(true, 45, 3).collect(), a);
        assert.ok(a.length > 100 && a.length < 260, `4 elements x Poisson(45) gave ${a.length}`);
        assert.deepEqual([...new Set(a)].sort(), [1, 2, 3, 4]);
      });

      it("fraction 0 keeps nothing, fraction 1 without replacement keeps everything in order", async () => {
        const rdd = sc.parallelize(range(0, 50), 3);
        assert.deepEqual(await rdd.sample(false, 0, 5).collect(), []);
        assert.deepEqual(await rdd.sample(true, 0, 5).collect(), []);
        assert.deepEqual(await rdd.sample(false, 1, 5).collect(), range(0, 50));
      });

      it("keeps the partitioner and the partition count", async () => {
        const parted = sc.parallelize(range(0, 20).map((i) => [i, i] as [number, number]), 2).partitionBy(new HashPartitioner(3));
        const s = parted.sample(false, 0.5, 9);
        assert.equal(s.getNumPartitions(), 3);
        assert.ok(s.partitioner?.equals(new HashPartitioner(3)));
        const parts = await onWorkers(() => glom(s));
        parts.forEach((p, i) => p.forEach(([k]) => assert.equal(k % 3, i)));
      });

      it("validates the fraction with Spark's messages, when called", () => {
        const rdd = sc.parallelize([1, 2, 3], 2);
        const cases: Array<[() => unknown, string]> = [
          [() => rdd.sample(false, -0.5), "requirement failed: Fraction must be nonnegative, but got -0.5"],
          [() => rdd.sample(true, -1), "requirement failed: Fraction must be nonnegative, but got -1.0"],
          [() => rdd.sample(false, Number.NaN), "requirement failed: Fraction must be nonnegative, but got NaN"],
          [() => rdd.sample(false, 1.5), "requirement failed: Sampling fraction (1.5) must be on interval [0, 1]"],
          [() => rdd.sample(false, 2), "requirement failed: Sampling fraction (2.0) must be on interval [0, 1]"],
        ];
        for (const [f, message] of cases) {
          assert.throws(f, (e: unknown) => {
            assert.ok(e instanceof IllegalArgumentException);
            assert.equal(e.message, message);
            return true;
          });
        }
        assert.doesNotThrow(() => rdd.sample(true, 3));
        assert.doesNotThrow(() => rdd.sample(false, 1.0000001));
        assert.throws(() => rdd.sample(0.5 as unknown as boolean, 0.5), TypeError);
        assert.throws(() => rdd.sample(false, 0.5, 1.5), TypeError);
      });
    });

    // ---------------------------------------------------------------- randomSplit
    describe("randomSplit", () => {
      it("splits as Spark does for the seed (JVM), disjoint and covering", async () => {
        const rdd = sc.parallelize(range(1, 21), 2);
        const splits = rdd.randomSplit([0.3, 0.7], 5);
        const got = await onWorkers(() => Promise.all(splits.map((s) => s.collect())));
        assert.deepEqual(got, [
          [1, 2, 6, 7, 9, 10, 11, 17],
          [3, 4, 5, 8, 12, 13, 14, 15, 16, 18, 19, 20],
        ]);
        const four = await Promise.all(sc.parallelize(range(1, 31), 3).randomSplit([1, 2, 0, 1], 17).map((s) => s.collect()));
        assert.deepEqual(four, [
          [2, 3, 9, 13, 15, 24, 26, 28, 30],
          [4, 5, 6, 8, 10, 11, 14, 16, 17, 18, 19, 20, 21, 22, 23, 27, 29],
          [],
          [1, 7, 12, 25],
        ]);
        assert.deepEqual(sortNum(four.flat()), range(1, 31));
      });

      it("keeps the partitioner and the partition count of each split", () => {
        const parted = sc.parallelize([[1, 1], [2, 2]] as Array<[number, number]>, 2).partitionBy(new HashPartitioner(4));
        for (const s of parted.randomSplit([1, 1], 3)) {
          assert.equal(s.getNumPartitions(), 4);
          assert.ok(s.partitioner?.equals(new HashPartitioner(4)));
        }
      });

      it("validates the weights with Spark's messages", () => {
        const rdd = sc.parallelize([1, 2, 3], 2);
        const cases: Array<[number[], string]> = [
          [[1, -1], "requirement failed: Weights must be nonnegative, but got [1.0,-1.0]"],
          [[0.5, -0.25, 2], "requirement failed: Weights must be nonnegative, but got [0.5,-0.25,2.0]"],
          [[0, 0], "requirement failed: Sum of weights must be positive, but got [0.0,0.0]"],
          [[], "requirement failed: Sum of weights must be positive, but got []"],
        ];
        for (const [w, message] of cases) {
          assert.throws(() => rdd.randomSplit(w, 1), (e: unknown) => {
            assert.ok(e instanceof IllegalArgumentException);
            assert.equal(e.message, message);
            return true;
          });
        }
        assert.throws(() => rdd.randomSplit("0.5" as unknown as number[]), TypeError);
      });
    });

    // ---------------------------------------------------------------- takeSample
    describe("takeSample", () => {
      it("returns what Spark returns for the seed (JVM)", async () => {
        assert.deepEqual(await onWorkers(() => sc.parallelize(range(1, 51), 3).takeSample(false, 5, 3)), [20, 45, 29, 35, 38]);
        assert.deepEqual(await sc.parallelize(range(1, 11), 2).takeSample(true, 8, 3), [3, 5, 5, 9, 7, 1, 6, 4]);
        assert.deepEqual(await sc.parallelize(range(1, 101), 4).takeSample(true, 3, 21), [37, 84, 31]);
      });

      it("shuffles the whole RDD when asked for at least its size without replacement (JVM)", async () => {
        const got = await sc.parallelize(range(1, 11), 2).takeSample(false, 100, 9);
        assert.deepEqual(got, [4, 9, 8, 5, 3, 6, 1, 7, 2, 10]);
      });

      it("returns nothing for num 0 (without a job) or an empty RDD, and rejects a negative num", async () => {
        const rdd = sc.parallelize(range(0, 10), 2);
        jobs.length = 0;
        assert.deepEqual(await rdd.takeSample(false, 0, 1), []);
        assert.deepEqual(jobs, []);
        assert.deepEqual(await sc.parallelize([] as number[], 2).takeSample(true, 5, 1), []);
        await assert.rejects(rdd.takeSample(false, -1, 1), (e: unknown) => {
          assert.ok(e instanceof IllegalArgumentException);
          assert.equal(e.message, "requirement failed: Negative number of elements requested");
          return true;
        });
        // Int.MaxValue - (10 * sqrt(Int.MaxValue)).toInt = 2147020238
        assert.deepEqual(sortNum(await rdd.takeSample(false, 2147020238, 1)), range(0, 10));
        await assert.rejects(rdd.takeSample(false, 2147020239, 1), /requirement failed: Cannot support a sample size > Int.MaxValue - 10.0 \* math.sqrt\(Int.MaxValue\)/);
      });

      it("gives distinct elements without replacement, for any seed", async () => {
        const rdd = sc.parallelize(range(0, 200), 4);
        for (const seed of [1, 2, 3]) {
          const s = await rdd.takeSample(false, 20, seed);
          assert.equal(s.length, 20);
          assert.equal(new Set(s).size, 20);
          assert.ok(s.every((x) => x >= 0 && x < 200));
        }
      });
    });

    // ---------------------------------------------------------------- zipWithIndex / zipWithUniqueId
    describe("zipWithIndex and zipWithUniqueId", () => {
      it("numbers elements in partition order (Spark's doctest), also across empty partitions", async () => {
        assert.deepEqual(await onWorkers(() => sc.parallelize(["a", "b", "c", "d"], 3).zipWithIndex().collect()), [
          ["a", 0],
          ["b", 1],
          ["c", 2],
          ["d", 3],
        ]);
        const sparse = sc.parallelize([1, 2], 5).zipWithIndex(); // [] [] [1] [] [2]
        assert.deepEqual(await glom(sparse), [[], [], [[1, 0]], [], [[2, 1]]]);
      });

      it("runs one count job over all partitions but the last, before the first job that needs it", async () => {
        const rdd = sc.parallelize(range(0, 10), 4);
        const z = rdd.zipWithIndex();
        jobs.length = 0;
        stageTasks.length = 0;
        assert.deepEqual(await z.map(([, i]) => i).collect(), range(0, 10));
        assert.equal(jobs.length, 2);
        assert.match(jobs[0]!, /^zipWithIndex at reshaping\.test\.ts:\d+$/);
        assert.match(jobs[1]!, /^collect at /);
        assert.deepEqual(stageTasks, [3, 4]);
        jobs.length = 0;
        await z.count();
        assert.equal(jobs.length, 1, "the offsets are computed once");
        jobs.length = 0;
        assert.deepEqual(await sc.parallelize(["x", "y"], 1).zipWithIndex().collect(), [["x", 0], ["y", 1]]);
        assert.equal(jobs.length, 1, "one partition needs no count job");
      });

      it("works after a shuffle and inside a shuffle's map stage", async () => {
        const sorted = sc.parallelize([5, 3, 9, 1, 7, 2], 3).sortBy((x) => x, true, 2).zipWithIndex();
        assert.deepEqual(await onWorkers(() => sorted.collect()), [[1, 0], [2, 1], [3, 2], [5, 3], [7, 4], [9, 5]]);
        const grouped = sc
          .parallelize(["a", "b", "c", "d", "e"], 3)
          .zipWithIndex()
          .map(([x, i]) => [i % 2, x] as [number, string])
          .groupByKey(2);
        const got = (await onWorkers(() => grouped.collect())).map(([k, vs]) => [k, [...vs].sort()]).sort();
        assert.deepEqual(got, [[0, ["a", "c", "e"]], [1, ["b", "d"]]]);
      });

      it("fails the action when the count job fails, and can retry later", async () => {
        let fail = true;
        const flaky = sc.parallelize([1, 2, 3], 3).map((x) => {
          if (fail) throw new Error("flaky parent");
          return x;
        });
        const z = flaky.zipWithIndex();
        await assert.rejects(z.collect(), /flaky parent/);
        fail = false;
        assert.deepEqual(await z.collect(), [[1, 0], [2, 1], [3, 2]]);
      });

      it("zipWithUniqueId gives element i of partition k the id i * n + k, with no job", async () => {
        const rdd = sc.parallelize(["a", "b", "c", "d", "e"], 3);
        jobs.length = 0;
        assert.deepEqual(await onWorkers(() => rdd.zipWithUniqueId().collect()), [
          ["a", 0],
          ["b", 1],
          ["c", 4],
          ["d", 2],
          ["e", 5],
        ]);
        assert.equal(jobs.length, 1);
      });
    });

    // ---------------------------------------------------------------- pipe
    describe("pipe", () => {
      it("pipes each element as a line and returns the output lines (Spark's doctest)", async () => {
        assert.deepEqual(await onWorkers(() => sc.parallelize(["1", "2", "", "3"], 2).pipe("cat").collect()), ["1", "2", "", "3"]);
      });

      it("runs the command once per partition, empty ones included", async () => {
        const out = await onWorkers(() => glom(sc.parallelize([7], 3).pipe("wc -l")));
        assert.deepEqual(out.map((p) => p.map((l) => l.trim())), [["0"], ["0"], ["1"]]);
      });

      it("splits a command string on whitespace only; an array is passed as argv", async () => {
        const rdd = sc.parallelize(["ab", "cd"], 1);
        assert.deepEqual(await rdd.pipe("  tr\ta-z \n A-Z ").collect(), ["AB", "CD"]);
        assert.deepEqual(await rdd.pipe(["sh", "-c", "tr a-z A-Z | rev"]).collect(), ["BA", "DC"]);
      });

      it("adds env entries to the child's environment", async () => {
        const out = await onWorkers(() => sc.parallelize([1, 2], 2).pipe(["sh", "-c", 'cat >/dev/null; echo "$GREETING"'], { GREETING: "hi there" }).collect());
        assert.deepEqual(out, ["hi there", "hi there"]);
      });

      it("prints elements as Spark does and reads \\n, \\r\\n and \\r line ends", async () => {
        const rdd = sc.parallelize([["a", 1], 2.5, null], 1);
        assert.deepEqual(await rdd.pipe("cat").collect(), ["(a,1)", "2.5", "null"]);
        assert.deepEqual(await sc.parallelize([0], 1).pipe(["printf", "x\\r\\ny\\rz\\n\\nw"]).collect(), ["x", "y", "z", "", "w"]);
      });

      it("fails the job on a non-zero exit status with Spark's message", async () => {
        await assert.rejects(sc.parallelize([1], 1).pipe(["sh", "-c", "exit 3"]).collect(), (e: unknown) => {
          assert.ok(e instanceof SparkException);
          assert.match(e.message, /IllegalStateException: Subprocess exited with status 3\. Command ran: sh -c exit 3$/);
          return true;
        });
        await assert.rejects(sc.parallelize([1], 1).pipe(["sh", "-c", "kill -9 $$"]).collect(), /Subprocess exited with status 137\./);
      });

      it("fails the job when the program cannot be started", async () => {
        await assert.rejects(sc.parallelize([1], 1).pipe("no-such-program-dstream").collect(), /IOException: Cannot run program "no-such-program-dstream": error=2, No such file or directory/);
      });

      it("sets map_input_file for text-file partitions", async () => {
        const dir = mkdtempSync(join(tmpdir(), "dstream-pipe-"));
        try {
          const file = join(dir, "in.txt");
          writeFileSync(file, "one\ntwo\n");
          const out = await sc.textFile(file, 1).map((l) => l).pipe(["sh", "-c", 'cat >/dev/null; echo "$map_input_file $mapreduce_map_input_file"']).collect();
          assert.deepEqual(out, [`file:${file} file:${file}`]);
          const plain = await sc.parallelize([1], 1).pipe(["sh", "-c", 'cat >/dev/null; echo "[${map_input_file:-}]"']).collect();
          assert.deepEqual(plain, ["[]"]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it("rejects a missing or empty command when called", () => {
        const rdd = sc.parallelize([1], 1);
        assert.throws(() => rdd.pipe("   "), /pipe: the command is empty/);
        assert.throws(() => rdd.pipe(42 as unknown as string), TypeError);
        assert.throws(() => rdd.pipe("cat", { A: 1 } as unknown as Record<string, string>), TypeError);
      });
    });

    it("cached parents serve zip, coalesce and sample from their blocks", async () => {
      const cached = sc.parallelize(range(0, 12), 3).map((x) => x * 2).persist(StorageLevel.MEMORY_ONLY);
      await cached.count();
      assert.deepEqual(await onWorkers(() => cached.zip(cached.map((x) => x + 1)).map(([a, b]) => b - a).distinct().collect()), [1]);
      assert.deepEqual(await glom(cached.coalesce(1)), [range(0, 12).map((x) => x * 2)]);
      assert.deepEqual(await cached.sample(false, 1, 1).count(), 12);
    });
  });
}
