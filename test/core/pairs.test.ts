import assert from "node:assert/strict";
import { it } from "node:test";
import { HashPartitioner, RangePartitioner, type RDD, type SparkContext } from "../../src/index.js";
import type { CoGroupedRDD } from "../../src/core/rdd/CoGroupedRDD.js";
import { forEachMaster, MASTERS, recordTasks, sorted, withContext } from "../helpers/masters.js";

type P<K, V> = RDD<[K, V]>;
const add = (a: number, b: number): number => a + b;

/** Collects and sorts by key (then value) so unordered shuffle output can be compared exactly. */
async function sortedPairs<K, V>(rdd: P<K, V>): Promise<Array<[K, V]>> {
  return sorted(await rdd.collect());
}

/** Runs an action and returns how many distinct stages ran tasks: 1 means no shuffle was needed. */
async function stagesRun(sc: SparkContext, action: () => Promise<unknown>): Promise<number> {
  const { tasks } = await recordTasks(sc, action);
  return new Set(tasks.map((t) => t.stageId)).size;
}

forEachMaster("pair transformations", (env) => {
  const pairs = (): P<string, number> => env.sc.parallelize([["a", 1], ["b", 2], ["a", 3], ["c", 4], ["b", 5], ["a", 6]] as Array<[string, number]>, 3);

  it("mapValues, flatMapValues, keys and values", async () => {
    const rdd = pairs();
    assert.deepEqual(await rdd.mapValues((v) => v * 10).collect(), [["a", 10], ["b", 20], ["a", 30], ["c", 40], ["b", 50], ["a", 60]]);
    assert.deepEqual(await rdd.flatMapValues((v) => (v % 2 ? [v, -v] : [])).collect(), [["a", 1], ["a", -1], ["a", 3], ["a", -3], ["b", 5], ["b", -5]]);
    assert.deepEqual(await rdd.keys().collect(), ["a", "b", "a", "c", "b", "a"]);
    assert.deepEqual(await rdd.values().collect(), [1, 2, 3, 4, 5, 6]);
  });

  it("reduceByKey merges values per key, map side and reduce side", async () => {
    const rdd = pairs();
    assert.deepEqual(await sortedPairs(rdd.reduceByKey(add)), [["a", 10], ["b", 7], ["c", 4]]);
    assert.equal(rdd.reduceByKey(add).getNumPartitions(), 3);
    const five = rdd.reduceByKey(add, 5);
    assert.equal(five.getNumPartitions(), 5);
    assert.ok(five.partitioner?.equals(new HashPartitioner(5)));
    assert.deepEqual(await sortedPairs(five), [["a", 10], ["b", 7], ["c", 4]]);
    assert.deepEqual(await sortedPairs(rdd.reduceByKey(add, new HashPartitioner(2))), [["a", 10], ["b", 7], ["c", 4]]);
    // Non-commutative but associative: string concatenation within a key follows partition order.
    const concat = env.sc.parallelize([["k", "a"], ["k", "b"], ["k", "c"], ["k", "d"]] as Array<[string, string]>, 2);
    assert.deepEqual(await concat.reduceByKey((x, y) => x + y, 1).collect(), [["k", "abcd"]]);
    env.agree("reduceByKey layout", await rdd.reduceByKey(add, 4).glom().collect());
    assert.throws(() => rdd.reduceByKey(add, 0), /numPartitions must be a positive integer/);
  });

  it("groupByKey collects every value per key", async () => {
    const g = await pairs().groupByKey().collect();
    assert.deepEqual(sorted(g.map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)])), [["a", [1, 3, 6]], ["b", [2, 5]], ["c", [4]]]);
    // Values arrive in map-partition order.
    assert.deepEqual(sorted(await pairs().groupByKey(1).collect()), [["a", [1, 3, 6]], ["b", [2, 5]], ["c", [4]]]);
    assert.equal(pairs().groupByKey(4).getNumPartitions(), 4);
  });

  it("combineByKey, with and without map-side combining", async () => {
    const rdd = pairs();
    for (const mapSide of [true, false]) {
      const avg = rdd.combineByKey(
        (v: number) => [v, 1] as [number, number],
        (c: [number, number], v: number) => [c[0] + v, c[1] + 1] as [number, number],
        (x: [number, number], y: [number, number]) => [x[0] + y[0], x[1] + y[1]] as [number, number],
        2,
        mapSide,
      );
      assert.equal(avg.getNumPartitions(), 2);
      assert.deepEqual(await sortedPairs(avg), [["a", [10, 3]], ["b", [7, 2]], ["c", [4, 1]]], `mapSideCombine ${mapSide}`);
    }
    const lists = rdd.combineByKey((v: number) => [v], (c: number[], v: number) => [...c, v], (x: number[], y: number[]) => [...x, ...y]);
    assert.deepEqual(await sortedPairs(lists), [["a", [1, 3, 6]], ["b", [2, 5]], ["c", [4]]]);
  });

  it("aggregateByKey and foldByKey start every key in every map partition from its own zero", async () => {
    const sc = env.sc;
    // Spark's example: the zero enters once per (key, map partition), never on the reduce side.
    const three = sc.parallelize([["a", 1], ["a", 2], ["a", 3]] as Array<[string, number]>, 2);
    assert.deepEqual(await three.foldByKey(10, add).collect(), [["a", 26]]);
    assert.deepEqual(await three.aggregateByKey(10, add, add).collect(), [["a", 26]]);
    // A mutable zero: a shared array would leak values across keys and partitions.
    const rdd = pairs();
    const lists = rdd.aggregateByKey(
      [] as number[],
      (acc, v) => {
        acc.push(v);
        return acc;
      },
      (x, y) => {
        x.push(...y);
        return x;
      },
    );
    assert.deepEqual(await sortedPairs(lists), [["a", [1, 3, 6]], ["b", [2, 5]], ["c", [4]]]);
    const zero = { n: 0, seen: [] as number[] };
    const objs = rdd.aggregateByKey(
      zero,
      (acc, v) => {
        acc.n += v;
        acc.seen.push(v);
        return acc;
      },
      (x, y) => ({ n: x.n + y.n, seen: [...x.seen, ...y.seen] }),
      1,
    );
    assert.deepEqual(await sortedPairs(objs), [["a", { n: 10, seen: [1, 3, 6] }], ["b", { n: 7, seen: [2, 5] }], ["c", { n: 4, seen: [4] }]]);
    assert.deepEqual(zero, { n: 0, seen: [] }, "the caller's zero value is never mutated");
    // Running it again gives the same answer: nothing of the first run's zero survives.
    assert.deepEqual(await sortedPairs(lists), [["a", [1, 3, 6]], ["b", [2, 5]], ["c", [4]]]);
    const folded = rdd.mapValues((v) => [v]).foldByKey([] as number[], (x, y) => {
      x.push(...y);
      return x;
    });
    assert.deepEqual(await sortedPairs(folded), [["a", [1, 3, 6]], ["b", [2, 5]], ["c", [4]]]);
    assert.deepEqual(await sortedPairs(folded), [["a", [1, 3, 6]], ["b", [2, 5]], ["c", [4]]]);
  });

  it("countByKey and subtractByKey", async () => {
    const sc = env.sc;
    const counts = await pairs().countByKey();
    assert.ok(counts instanceof Map);
    assert.deepEqual(new Map([...counts].sort()), new Map([["a", 3], ["b", 2], ["c", 1]]));
    const other = sc.parallelize([["a", "x"], ["d", "y"]] as Array<[string, string]>, 2);
    const sub = pairs().subtractByKey(other);
    assert.equal(sub.getNumPartitions(), 3);
    assert.deepEqual(await sortedPairs(sub), [["b", 2], ["b", 5], ["c", 4]]);
    assert.equal(pairs().subtractByKey(other, 7).getNumPartitions(), 7);
  });

  it("composite (tuple) keys group structurally, across partitions and threads", async () => {
    const sc = env.sc;
    const data: Array<[[string, number], number]> = [];
    for (let i = 0; i < 60; i++) data.push([[`k${i % 4}`, i % 3], 1]);
    const rdd = sc.parallelize(data, 4);
    const reduced = await sortedPairs(rdd.reduceByKey(add, 3));
    assert.equal(reduced.length, 12);
    assert.ok(reduced.every(([, n]) => n === 5));
    const grouped = await rdd.groupByKey(2).mapValues((vs) => vs.length).collect();
    assert.equal(grouped.length, 12);
    const nested = sc.parallelize([[["a", [1, 2]], 1], [["a", [1, 2]], 2], [["a", [2, 1]], 4], [[1, "1"], 8], [["1", 1], 16]] as Array<[unknown, number]>, 3);
    assert.deepEqual(await sortedPairs(nested.reduceByKey(add)), sorted([[["a", [1, 2]], 3], [["a", [2, 1]], 4], [[1, "1"], 8], [["1", 1], 16]]));
    // 1 and "1" are different keys; so are true and 1.
    assert.deepEqual(await sortedPairs(sc.parallelize([[1, 1], ["1", 1], [true, 1], [1, 1]] as Array<[unknown, number]>, 2).reduceByKey(add)), sorted([[1, 2], ["1", 1], [true, 1]]));
    // Joins match composite keys structurally too.
    const left = sc.parallelize([[["x", 1], "L"]] as Array<[[string, number], string]>, 1);
    const right = sc.parallelize([[["x", 1], "R"], [["x", 2], "S"]] as Array<[[string, number], string]>, 2);
    assert.deepEqual(await left.join(right).collect(), [[["x", 1], ["L", "R"]]]);
  });
});

forEachMaster("partitioning", (env) => {
  it("HashPartitioner places strings and ints exactly where Spark does", async () => {
    const sc = env.sc;
    // Java String.hashCode: "a" = 97, "b" = 98, "hello" = 99162322, "Aa" = "BB" = 2112,
    // "polygenelubricants" = Integer.MIN_VALUE; ints hash to themselves; partition = nonNegativeMod(hash, n).
    const cases: Array<[string | number, number]> = [
      ["a", 97],
      ["b", 98],
      ["hello", 99162322],
      ["Aa", 2112],
      ["BB", 2112],
      ["polygenelubricants", -2147483648],
      [0, 0],
      [7, 7],
      [-7, -7],
      [123456, 123456],
    ];
    for (const n of [1, 2, 3, 5, 7]) {
      const rdd = sc.parallelize(cases.map(([k]) => [k, 0] as [string | number, number]), 2).partitionBy(new HashPartitioner(n));
      const parts = await rdd.glom().collect();
      const placed = new Map<string | number, number>();
      parts.forEach((p, i) => p.forEach(([k]) => placed.set(k, i)));
      for (const [k, h] of cases) assert.equal(placed.get(k), ((h % n) + n) % n, `${JSON.stringify(k)} with ${n} partitions`);
    }
    const p = new HashPartitioner(4);
    assert.equal(p.getPartition("a"), 1);
    assert.equal(p.getPartition(null), 0);
  });

  it("partitionBy is a no-op with the same partitioner; mapValues and filter keep it, map loses it", async () => {
    const sc = env.sc;
    const p = new HashPartitioner(3);
    const rdd = sc.parallelize([[1, "a"], [2, "b"], [3, "c"], [4, "d"]] as Array<[number, string]>, 2).partitionBy(p);
    assert.ok(rdd.partitioner?.equals(p));
    assert.equal(rdd.getNumPartitions(), 3);
    assert.equal(rdd.partitionBy(new HashPartitioner(3)), rdd, "same partitioner: the same RDD");
    assert.notEqual(rdd.partitionBy(new HashPartitioner(2)), rdd);
    assert.deepEqual(await rdd.glom().collect(), [[[3, "c"]], [[1, "a"], [4, "d"]], [[2, "b"]]]);
    assert.ok(rdd.mapValues((v) => v + "!").partitioner?.equals(p));
    assert.ok(rdd.flatMapValues((v) => [v]).partitioner?.equals(p));
    assert.ok(rdd.filter(([k]) => k > 1).partitioner?.equals(p));
    assert.equal(rdd.map((kv) => kv).partitioner, undefined);
    assert.equal(rdd.keys().partitioner, undefined);
    assert.equal(rdd.mapPartitions((it) => it).partitioner, undefined);
    assert.ok(rdd.mapPartitions((it) => it, true).partitioner?.equals(p));
    assert.ok(rdd.reduceByKey((a, b) => a + b).partitioner?.equals(p));
    // Within a reduce partition, records arrive in map-partition order.
    assert.deepEqual(await rdd.partitionBy(2).glom().collect(), [[[4, "d"], [2, "b"]], [[3, "c"], [1, "a"]]]);
  });

  it("a key-value operation on data already partitioned the same way does not shuffle", async () => {
    const sc = env.sc;
    const p = new HashPartitioner(3);
    const partitioned = sc.parallelize([[1, 1], [2, 2], [1, 3], [5, 4]] as Array<[number, number]>, 2).partitionBy(p).cache();
    assert.equal(await partitioned.count(), 4);
    // Reading the cache and combining in place: one stage.
    assert.equal(await stagesRun(sc, () => partitioned.reduceByKey(add).collect()), 1);
    assert.deepEqual(await sortedPairs(partitioned.reduceByKey(add)), [[1, 4], [2, 2], [5, 4]]);
    assert.equal(await stagesRun(sc, () => partitioned.mapValues((v) => v * 2).groupByKey().collect()), 1);
    // A different partition count does shuffle.
    assert.equal(await stagesRun(sc, () => partitioned.reduceByKey(add, 2).collect()), 2);
    // A join with a co-partitioned side only shuffles the other side.
    const other = sc.parallelize([[1, "x"], [5, "y"]] as Array<[number, string]>, 2);
    const joined = partitioned.join(other);
    assert.ok(joined.partitioner?.equals(p));
    assert.deepEqual(await sortedPairs(joined), [[1, [1, "x"]], [1, [3, "x"]], [5, [4, "y"]]]);
    partitioned.unpersist();
  });

  it("later jobs reuse a shuffle's output; concurrent jobs share it", async () => {
    const sc = env.sc;
    const base = sc.parallelize(Array.from({ length: 1000 }, (_, i) => i), 4).map((x) => [x % 10, x] as [number, number]);
    const reduced = base.reduceByKey(add);
    assert.equal(await stagesRun(sc, () => reduced.collect()), 2);
    // The map stage is skipped: its output is still registered.
    assert.equal(await stagesRun(sc, () => reduced.collect()), 1);
    assert.equal(await stagesRun(sc, () => reduced.mapValues((v) => v + 1).count()), 1);
    // Co-partitioned inputs join without any shuffle of their own.
    const p = new HashPartitioner(3);
    const a = base.partitionBy(p);
    const b = base.mapValues((v) => -v).partitionBy(p);
    assert.equal(await a.count(), 1000);
    assert.equal(await b.count(), 1000);
    assert.equal(await stagesRun(sc, () => a.join(b).count()), 1);
    assert.equal(await a.join(b).count(), 100_000);
    // Several actions at once over shared lineage, as from concurrent callers.
    const fresh = base.mapValues((v) => v * 2).reduceByKey(add, 5);
    const [collected, counted, joined, sortedKeys, grouped] = await Promise.all([
      fresh.collect(),
      fresh.count(),
      fresh.join(fresh).count(),
      fresh.sortByKey(false).keys().collect(),
      base.groupByKey(3).mapValues((vs) => vs.length).collect(),
    ]);
    assert.deepEqual(new Map(collected).get(3), 2 * (3 + 993) * 50);
    assert.equal(counted, 10);
    assert.equal(joined, 10);
    assert.deepEqual(sortedKeys, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    assert.ok(grouped.every(([, n]) => n === 100));
  });

  it("follows Spark's defaultPartitioner rules for joins and cogroups", async () => {
    const sc = env.sc;
    const plain = (n: number): P<number, number> => sc.parallelize([[1, 1], [2, 2]] as Array<[number, number]>, n);
    // No partitioners: as many partitions as the largest input.
    const j1 = plain(8).join(plain(4));
    assert.equal(j1.getNumPartitions(), 8);
    assert.ok(j1.partitioner?.equals(new HashPartitioner(8)));
    // An existing partitioner within 10x of the largest input is reused.
    const h4 = plain(2).partitionBy(new HashPartitioner(4));
    assert.ok(h4.join(plain(8)).partitioner?.equals(new HashPartitioner(4)));
    assert.ok(plain(8).join(h4).partitioner?.equals(new HashPartitioner(4)));
    assert.ok(plain(39).cogroup(h4).partitioner?.equals(new HashPartitioner(4)));
    // ...but not when the largest input has 10x its partitions or more.
    const h2 = plain(2).partitionBy(new HashPartitioner(2));
    const wide = h2.join(plain(100));
    assert.equal(wide.getNumPartitions(), 100);
    assert.ok(wide.partitioner?.equals(new HashPartitioner(100)));
    assert.deepEqual(await sortedPairs(wide), [[1, [1, 1]], [2, [2, 2]]]);
    // The larger of two partitioners wins.
    const h3 = plain(2).partitionBy(new HashPartitioner(3));
    assert.ok(h3.join(h4).partitioner?.equals(new HashPartitioner(4)));
    // All inputs empty of partitions: zero partitions.
    const none = sc.emptyRDD<[number, number]>();
    assert.equal(none.join(sc.emptyRDD<[number, number]>()).getNumPartitions(), 0);
    assert.deepEqual(await none.join(sc.emptyRDD<[number, number]>()).collect(), []);
    // Single-input operations default to the input's partition count.
    assert.equal(plain(6).reduceByKey(add).getNumPartitions(), 6);
    assert.equal(plain(6).groupByKey().getNumPartitions(), 6);
  });

  it("sortByKey sorts keys ascending or descending, into numPartitions range partitions", async () => {
    const sc = env.sc;
    const tmp = [["a", 1], ["b", 2], ["1", 3], ["d", 4], ["2", 5]] as Array<[string, number]>;
    const rdd = sc.parallelize(tmp, 2);
    assert.deepEqual(await rdd.sortByKey(true, 1).collect(), [["1", 3], ["2", 5], ["a", 1], ["b", 2], ["d", 4]]);
    assert.deepEqual(await rdd.sortByKey().collect(), [["1", 3], ["2", 5], ["a", 1], ["b", 2], ["d", 4]]);
    assert.deepEqual(await rdd.sortByKey(false).collect(), [["d", 4], ["b", 2], ["a", 1], ["2", 5], ["1", 3]]);
    const three = rdd.sortByKey(true, 3);
    assert.equal(three.getNumPartitions(), 3);
    const parts = await three.glom().collect();
    assert.deepEqual(parts.flat(), [["1", 3], ["2", 5], ["a", 1], ["b", 2], ["d", 4]]);
    env.agree("sortByKey partitions", parts);
    // PySpark's keyfunc example. The key function's ordering travels with the range partitioner,
    // so in local[N] every stage, the map side included, runs on worker threads.
    const words = "Mary had a little lamb whose fleece was white".split(" ").map((w, i) => [w, i + 1] as [string, number]);
    const byLowerCase = await recordTasks(sc, () => sc.parallelize(words, 3).sortByKey(true, 3, (k) => k.toLowerCase()).collect());
    assert.deepEqual(byLowerCase.result, [
      ["a", 3], ["fleece", 7], ["had", 2], ["lamb", 5], ["little", 4], ["Mary", 1], ["was", 8], ["white", 9], ["whose", 6],
    ]);
    if (env.parallel) assert.ok(byLowerCase.tasks.every((t) => t.executorId !== "driver"), "a sortByKey stage ran on the driver");
    // Many numeric keys over several partitions: globally sorted, and each partition a contiguous range.
    const nums = Array.from({ length: 500 }, (_, i) => [(i * 7919) % 500, i] as [number, number]);
    const sortedNums = sc.parallelize(nums, 4).sortByKey(true, 4);
    const np = await sortedNums.glom().collect();
    assert.deepEqual(np.flat().map(([k]) => k), Array.from({ length: 500 }, (_, i) => i));
    assert.ok(np.filter((p) => p.length > 0).length >= 3, "keys spread over the range partitions");
    assert.deepEqual((await sc.parallelize(nums, 3).sortByKey(false, 2).keys().collect()).slice(0, 3), [499, 498, 497]);
  });

  it("sortByKey with fewer keys than partitions, or none, makes Spark's fewer range partitions", async () => {
    const sc = env.sc;
    // Spark's RangePartitioner has rangeBounds.length + 1 partitions: one for an empty or
    // single-key sample, so getNumPartitions() after the sampling job is Spark's.
    const empty = sc.parallelize<[number, string]>([], 3).sortByKey();
    assert.deepEqual(await empty.collect(), []);
    assert.equal(empty.getNumPartitions(), 1);
    assert.deepEqual(await sc.parallelize<[number, string]>([], 3).sortByKey().glom().collect(), [[]]);
    assert.deepEqual(await sc.parallelize<[number, string]>([[1, "a"]], 3).sortByKey().glom().collect(), [[[1, "a"]]]);
    const two = sc.parallelize<[number, string]>([[2, "b"], [1, "a"]], 3).sortByKey();
    assert.deepEqual(await two.glom().collect(), [[[1, "a"]], [[2, "b"]]]);
    assert.equal(two.getNumPartitions(), 2);
    assert.deepEqual(await sc.parallelize<[number, string]>([[2, "b"], [1, "a"]], 3).sortByKey(false, 4).glom().collect(), [[[2, "b"]], [[1, "a"]]]);
    // One distinct key, many records: one bound, two partitions, the second empty (as Spark).
    const same = sc.parallelize<[number, string]>([[1, "a"], [1, "b"], [1, "c"]], 3).sortByKey();
    assert.deepEqual(await same.values().glom().collect(), [["a", "b", "c"], []]);
    assert.deepEqual(await sc.parallelize<[number, string]>([[1, "a"]], 3).sortByKey().count(), 1);
    assert.deepEqual(await sc.parallelize<[number, string]>([[1, "a"]], 3).sortByKey().take(5), [[1, "a"]]);
    // A count read before the sampling job ran stays the requested one, with the extra partitions
    // empty, so RDDs already built on that count (a union here) stay consistent.
    const early = sc.parallelize<[number, string]>([[2, "b"], [1, "a"]], 3).sortByKey();
    assert.equal(early.getNumPartitions(), 3);
    const union = early.union(sc.parallelize<[number, string]>([[0, "z"]], 1));
    assert.deepEqual(await union.glom().collect(), [[[1, "a"]], [[2, "b"]], [], [[0, "z"]]]);
    assert.equal(early.getNumPartitions(), 3);
  });

  it("every shuffle reads empty and missing reduce partitions as empty", async () => {
    const sc = env.sc;
    const none = (): P<number, number> => sc.parallelize<[number, number]>([], 4);
    const one = (): P<number, number> => sc.parallelize<[number, number]>([[7, 1]], 4);
    for (const [label, src] of [["empty", none], ["one key", one]] as const) {
      const expectOne = label === "one key";
      assert.deepEqual(await src().reduceByKey(add, 5).collect(), expectOne ? [[7, 1]] : [], `reduceByKey ${label}`);
      assert.deepEqual(await src().groupByKey(5).mapValues((vs) => [...vs]).collect(), expectOne ? [[7, [1]]] : [], `groupByKey ${label}`);
      assert.deepEqual(await src().partitionBy(6).collect(), expectOne ? [[7, 1]] : [], `partitionBy ${label}`);
      assert.deepEqual(await src().join(one(), 5).collect(), expectOne ? [[7, [1, 1]]] : [], `join ${label}`);
      assert.deepEqual(await src().leftOuterJoin(none(), 5).collect(), expectOne ? [[7, [1, undefined]]] : [], `leftOuterJoin ${label}`);
      assert.deepEqual(await none().rightOuterJoin(src(), 5).collect(), expectOne ? [[7, [undefined, 1]]] : [], `rightOuterJoin ${label}`);
      assert.deepEqual(await src().fullOuterJoin(none(), 5).count(), expectOne ? 1 : 0, `fullOuterJoin ${label}`);
      assert.deepEqual(await src().cogroup(none(), 5).count(), expectOne ? 1 : 0, `cogroup ${label}`);
      assert.deepEqual(await src().subtractByKey(none(), 5).collect(), expectOne ? [[7, 1]] : [], `subtractByKey ${label}`);
      assert.deepEqual(await src().subtract(none(), 5).collect(), expectOne ? [[7, 1]] : [], `subtract ${label}`);
      assert.deepEqual(await src().distinct(5).collect(), expectOne ? [[7, 1]] : [], `distinct ${label}`);
      assert.deepEqual(await src().repartition(6).collect(), expectOne ? [[7, 1]] : [], `repartition ${label}`);
      assert.deepEqual(await src().coalesce(3, true).collect(), expectOne ? [[7, 1]] : [], `coalesce with shuffle ${label}`);
      assert.deepEqual(await src().aggregateByKey(0, add, add, 5).collect(), expectOne ? [[7, 1]] : [], `aggregateByKey ${label}`);
      assert.deepEqual(await src().countByKey(), expectOne ? new Map([[7, 1]]) : new Map(), `countByKey ${label}`);
      // A range partitioner with fewer partitions than requested, reused by the shuffles after it.
      const ranged = src().sortByKey(true, 4);
      assert.deepEqual(await ranged.join(one()).collect(), expectOne ? [[7, [1, 1]]] : [], `join on a sorted RDD ${label}`);
      assert.deepEqual(await one().cogroup(ranged).mapValues(([a, b]) => [a.length, b.length]).collect(), [[7, expectOne ? [1, 1] : [1, 0]]], `cogroup with a sorted RDD ${label}`);
      assert.deepEqual(await one().subtractByKey(src().sortByKey(true, 4)).collect(), expectOne ? [] : [[7, 1]], `subtractByKey of a sorted RDD ${label}`);
      assert.deepEqual(await src().sortByKey(true, 4).reduceByKey(add).collect(), expectOne ? [[7, 1]] : [], `reduceByKey on a sorted RDD ${label}`);
      assert.deepEqual(await src().sortByKey(true, 4).sortByKey(false, 3).collect(), expectOne ? [[7, 1]] : [], `sortByKey twice ${label}`);
    }
  });

  it("repartitionAndSortWithinPartitions places by the partitioner and sorts each partition", async () => {
    const sc = env.sc;
    const data = [[5, "e"], [1, "a"], [4, "d"], [2, "b"], [3, "c"], [6, "f"], [0, "z"]] as Array<[number, string]>;
    const rdd = sc.parallelize(data, 3).repartitionAndSortWithinPartitions(new HashPartitioner(2));
    assert.ok(rdd.partitioner?.equals(new HashPartitioner(2)));
    assert.deepEqual(await rdd.glom().collect(), [
      [[0, "z"], [2, "b"], [4, "d"], [6, "f"]],
      [[1, "a"], [3, "c"], [5, "e"]],
    ]);
    const desc = sc.parallelize(data, 3).repartitionAndSortWithinPartitions(2, false);
    assert.deepEqual(await desc.glom().collect(), [
      [[6, "f"], [4, "d"], [2, "b"], [0, "z"]],
      [[5, "e"], [3, "c"], [1, "a"]],
    ]);
    const range = new RangePartitioner([2, 4]);
    assert.deepEqual(await sc.parallelize(data, 2).repartitionAndSortWithinPartitions(range).keys().glom().collect(), [[0, 1, 2], [3, 4], [5, 6]]);
  });
});

forEachMaster("joins and cogroup", (env) => {
  const left = (): P<number, string> => env.sc.parallelize([[1, "a"], [2, "b"], [3, "c"], [1, "aa"]] as Array<[number, string]>, 2);
  const right = (): P<number, string> => env.sc.parallelize([[1, "x"], [3, "y"], [3, "z"], [4, "w"]] as Array<[number, string]>, 3);

  it("join pairs every left value with every right value of a key", async () => {
    const j = left().join(right());
    assert.equal(j.getNumPartitions(), 3);
    assert.deepEqual(await sortedPairs(j), sorted([[1, ["a", "x"]], [1, ["aa", "x"]], [3, ["c", "y"]], [3, ["c", "z"]]]));
    assert.equal(left().join(right(), 5).getNumPartitions(), 5);
    assert.deepEqual(await sortedPairs(left().join(right(), new HashPartitioner(1))), await sortedPairs(j));
    env.agree("join layout", await j.glom().collect());
  });

  it("a cogroup that streams a parent with unique keys gives the same groups, keys as first seen", async () => {
    // The batch side has repeated keys, a -0 and a tuple key; the unique side has each key once,
    // some only there, one 0 that matches the -0 and an equal tuple that is another object.
    const batch = (): P<unknown, string> => env.sc.parallelize([["a", "1"], [-0, "z"], [["t", 1], "u"], ["a", "2"], ["n", "new"]] as Array<[unknown, string]>, 2);
    const state = (): P<unknown, string> => env.sc.parallelize([["a", "s"], [0, "zero"], ["old", "o"], [["t", 1], "tu"]] as Array<[unknown, string]>, 3);
    const groups = async (streamed: boolean): Promise<unknown[]> => {
      const cg = batch().cogroup(state(), new HashPartitioner(2)) as unknown as CoGroupedRDD<unknown>;
      if (streamed) cg.withUniqueKeys(1);
      const rows = await (cg as unknown as P<unknown, unknown[][]>).collect();
      return sorted(rows.map(([k, g]) => [Object.is(k, -0) ? "-0" : k, g]));
    };
    const expected = await groups(false);
    assert.deepEqual(expected, sorted([["-0", [["z"], ["zero"]]], ["a", [["1", "2"], ["s"]]], ["n", [["new"], []]], ["old", [[], ["o"]]], [["t", 1], [["u"], ["tu"]]]]));
    assert.deepEqual(await groups(true), expected);
  });

  it("outer joins give undefined for the absent side", async () => {
    assert.deepEqual(await sortedPairs(left().leftOuterJoin(right())), sorted([[1, ["a", "x"]], [1, ["aa", "x"]], [2, ["b", undefined]], [3, ["c", "y"]], [3, ["c", "z"]]]));
    assert.deepEqual(await sortedPairs(left().rightOuterJoin(right())), sorted([[1, ["a", "x"]], [1, ["aa", "x"]], [3, ["c", "y"]], [3, ["c", "z"]], [4, [undefined, "w"]]]));
    const full = await left().fullOuterJoin(right(), 2).collect();
    assert.deepEqual(sorted(full), sorted([[1, ["a", "x"]], [1, ["aa", "x"]], [2, ["b", undefined]], [3, ["c", "y"]], [3, ["c", "z"]], [4, [undefined, "w"]]]));
    const absent = full.filter(([, [v, w]]) => v === undefined || w === undefined);
    assert.equal(absent.length, 2);
    assert.ok(absent.every(([, vw]) => vw.length === 2 && (vw[0] === undefined || vw[1] === undefined)));
  });

  it("cogroup gives one record per key in either input, with empty arrays for missing sides", async () => {
    const cg = await left().cogroup(right()).collect();
    const normalized = sorted(cg.map(([k, [vs, ws]]) => [k, [[...vs].sort(), [...ws].sort()]]));
    assert.deepEqual(normalized, [
      [1, [["a", "aa"], ["x"]]],
      [2, [["b"], []]],
      [3, [["c"], ["y", "z"]]],
      [4, [[], ["w"]]],
    ]);
    assert.ok(left().cogroup(right()).partitioner?.equals(new HashPartitioner(3)));
    assert.deepEqual(await left().cogroup(env.sc.emptyRDD<[number, string]>()).mapValues(([vs, ws]) => [vs.length, ws.length]).count(), 3);
  });
});

for (const master of MASTERS) {
  it(`defaultPartitioner uses spark.default.parallelism when set [${master}]`, async () => {
    await withContext(master, { "spark.default.parallelism": "6" }, async (sc) => {
      const plain = (n: number): P<number, number> => sc.parallelize([[1, 1], [2, 2], [3, 3]] as Array<[number, number]>, n);
      assert.ok(plain(8).join(plain(4)).partitioner?.equals(new HashPartitioner(6)));
      assert.equal(plain(2).reduceByKey(add).getNumPartitions(), 6);
      // An eligible existing partitioner still wins; a small one loses to the default when defaultNum is larger.
      const h4 = plain(2).partitionBy(new HashPartitioner(4));
      assert.ok(h4.join(plain(8)).partitioner?.equals(new HashPartitioner(4)));
      const h2 = plain(2).partitionBy(new HashPartitioner(2));
      assert.ok(h2.join(plain(30)).partitioner?.equals(new HashPartitioner(6)));
      assert.deepEqual(await sortedPairs(plain(8).join(plain(4))), [[1, [1, 1]], [2, [2, 2]], [3, [3, 3]]]);
    });
  });
}
