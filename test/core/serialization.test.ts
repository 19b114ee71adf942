/**
 * Values cross threads (and reach disk) as msgpack. Whatever the path, a value comes back as it
 * went: strings that are not well-formed UTF-16 (lone surrogates, which UTF-8 cannot carry) and
 * -0 (which msgpack writes as the integer 0) included, in local[1] and local[2] alike.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { StorageLevel, type RDD } from "../../src/index.js";
import { forEachMaster, MASTERS, recordTasks, withContext } from "../helpers/masters.js";

// Strings are short and long (msgpackr encodes the two differently), the surrogates lone,
// reversed or at the ends; the well-formed pair and U+FFFD must stay as they are too.
const long = "x".repeat(100);
const STRINGS = ["\ud83d2", "a\udc00b", "\udfff", "\ud800", "\udc00\ud800", `${long}\ud83d`, `\ude00${long}`, "ok \ud83d\ude00", "\ufffd", ""];
const VALUES: unknown[] = [
  ...STRINGS,
  -0,
  0,
  [-0, "\ud83d", [0, -0.0]],
  { k: "\udfff", n: -0, nested: { s: ["\ud800", long + "\udbff"] } },
  { "\ud83d": 1, "\udc00x": -0, ok: "fine" },
  new Map<unknown, unknown>([["\ud83d", -0], ["k", ["\udc00"]]]),
  new Set(["\ud800", "\ud801"]),
  [1.5, -0, Number.MIN_VALUE * -1],
];

const identity = <T>(x: T): T => x;

forEachMaster("values keep every bit across threads", (env) => {
  it("collect returns lone surrogates and -0 unchanged", async () => {
    const rdd = env.sc.parallelize(VALUES, 3).map(identity);
    const { result, tasks } = await recordTasks(env.sc, () => rdd.collect());
    assert.deepStrictEqual(result, VALUES);
    if (env.parallel) assert.ok(tasks.every((t) => t.executorId !== "driver"), "the tasks ran on worker threads");
    assert.ok(Object.is(result[STRINGS.length], -0));
    assert.deepStrictEqual(await env.sc.parallelize(VALUES, 2).first(), VALUES[0]);
  });

  it("shuffles keep them, and distinct ill-formed keys stay distinct", async () => {
    const sc = env.sc;
    const keyed = (n: number): RDD<[string, unknown]> => sc.parallelize(VALUES.map((v, i) => [STRINGS[i % STRINGS.length]!, v] as [string, unknown]), n);
    const grouped = await keyed(3).groupByKey(2).mapValues((vs) => [...vs]).collect();
    const expected = new Map<string, unknown[]>();
    VALUES.forEach((v, i) => {
      const k = STRINGS[i % STRINGS.length]!;
      expected.set(k, [...(expected.get(k) ?? []), v]);
    });
    assert.equal(grouped.length, STRINGS.length);
    for (const [k, vs] of grouped) assert.deepStrictEqual(vs, expected.get(k), JSON.stringify(k));
    // "\ud800" and "\ud801" would both read back as "\ufffd" and merge.
    const counts = await sc.parallelize(["\ud800", "\ud801", "\ud800", "\ufffd"], 2).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b, 3).collect();
    assert.deepStrictEqual(new Map(counts), new Map([["\ud800", 2], ["\ud801", 1], ["\ufffd", 1]]));
    assert.deepStrictEqual((await sc.parallelize(STRINGS, 3).distinct(2).collect()).sort(), [...STRINGS].sort());
    assert.deepStrictEqual(await keyed(2).sortByKey(true, 2).values().collect(), (await keyed(1).sortByKey(true, 1).values().collect()));
  });

  it("cached blocks, serialized and on disk, keep them", async () => {
    for (const level of [StorageLevel.MEMORY_ONLY, StorageLevel.MEMORY_ONLY_SER, StorageLevel.DISK_ONLY]) {
      const rdd = env.sc.parallelize(VALUES, 2).map(identity).persist(level);
      assert.deepStrictEqual(await rdd.collect(), VALUES, level.name);
      assert.deepStrictEqual(await rdd.map(identity).collect(), VALUES, `${level.name}, read from the cache`);
      rdd.unpersist();
    }
  });

  it("broadcast values and captured values keep them", async () => {
    const b = env.sc.broadcast(VALUES);
    assert.deepStrictEqual(await env.sc.parallelize([0, 1], 2).map(() => b.value).collect(), [VALUES, VALUES]);
    const captured = { s: "\ud83d2", z: -0 };
    const out = await env.sc.parallelize([1], 1).map(() => [captured.s, captured.z]).collect();
    assert.deepStrictEqual(out, [["\ud83d2", -0]]);
  });

  it("-0 keys behave the same with and without a shuffle, in every master", async () => {
    const sc = env.sc;
    const pairs = (): RDD<[number, string]> => sc.parallelize<[number, string]>([[-0, "a"], [0, "b"], [-0, "c"], [1, "d"]], 2);
    // Without a shuffle every record keeps its key as it was.
    const narrow = await pairs().mapValues((v) => v.toUpperCase()).collect();
    assert.deepStrictEqual(narrow.map(([k]) => Object.is(k, -0)), [true, false, true, false]);
    // Keys compare with SameValueZero (as JavaScript's Map does), so -0 and 0 are one key,
    // reported as the key first seen, on the map side and the reduce side alike.
    const byKey = (xs: Array<[number, unknown]>): Array<[number, unknown]> => [...xs].sort((a, b) => a[0] - b[0]);
    assert.deepStrictEqual(byKey(await pairs().reduceByKey((a, b) => a + b, 2).collect()), [[-0, "abc"], [1, "d"]]);
    assert.deepStrictEqual(byKey(await sc.parallelize<[number, string]>([[0, "b"], [-0, "a"]], 1).reduceByKey((a, b) => a + b).collect()), [[0, "ba"]]);
    assert.deepStrictEqual(byKey(await pairs().groupByKey(3).mapValues((vs) => [...vs].sort()).collect()), [[-0, ["a", "b", "c"]], [1, ["d"]]]);
    assert.deepStrictEqual(await sc.parallelize([-0, 0, -0], 2).distinct().collect(), [-0]);
    assert.deepStrictEqual(await pairs().sortByKey().keys().collect(), [-0, 0, -0, 1]);
    assert.deepStrictEqual(await pairs().map(([k]) => k).collect(), [-0, 0, -0, 1]);
    assert.deepStrictEqual(await pairs().partitionBy(2).keys().collect().then((ks) => ks.filter((k) => Object.is(k, -0)).length), 2);
  });
});

for (const master of MASTERS) {
  it(`shuffle blocks spilled to disk keep them [${master}]`, async () => {
    await withContext(master, { "dstream.shuffle.memoryLimit": "1" }, async (sc) => {
      const out = await sc.parallelize(VALUES.map((v, i) => [i, v] as [number, unknown]), 3).partitionBy(2).collect();
      assert.deepStrictEqual(new Map(out), new Map(VALUES.map((v, i) => [i, v])));
    });
  });
}
