import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashPartitioner, IllegalStateException, SparkContext, StorageLevel, type RDD } from "../../src/index.js";
import { bytesToString } from "../../src/core/rdd/api/debugString.js";

/** Call sites name this file and a line; the line is checked once, elsewhere it is masked as ":L". */
const masked = (rdd: RDD<unknown>): string => rdd.toDebugString().replace(/debugString\.test\.ts:\d+/g, "T:L");

/** The line of the caller, to check one call site exactly. */
function lineHere(): number {
  const frame = new Error().stack!.split("\n")[2]!;
  return Number(/debugString\.test\.ts:(\d+):\d+/.exec(frame)![1]);
}

describe("bytesToString", () => {
  it("uses a unit from twice its size, with one decimal rounded half up", () => {
    assert.equal(bytesToString(0), "0.0 B");
    assert.equal(bytesToString(1500), "1500.0 B");
    assert.equal(bytesToString(2047), "2047.0 B");
    assert.equal(bytesToString(2048), "2.0 KiB");
    assert.equal(bytesToString(4096), "4.0 KiB");
    assert.equal(bytesToString(2560 + 51), "2.5 KiB");
    assert.equal(bytesToString(1024 * 1.25 * 2), "2.5 KiB");
    assert.equal(bytesToString(Math.round(1024 * 2.25)), "2.3 KiB");
    assert.equal(bytesToString(3 * 2 ** 20), "3.0 MiB");
    assert.equal(bytesToString(2 ** 31), "2.0 GiB");
    assert.equal(bytesToString(5 * 2 ** 40), "5.0 TiB");
  });
});

for (const master of ["local[1]", "local[2]"]) {
  describe(`toDebugString in ${master}`, () => {
    let sc: SparkContext;
    let checkpointDir: string;

    before(() => {
      sc = new SparkContext({ master, appName: "debug-string-test" });
      checkpointDir = mkdtempSync(join(tmpdir(), "dstream-debug-"));
    });
    after(async () => {
      await sc.stop();
      rmSync(checkpointDir, { recursive: true, force: true });
    });

    it("marks a shuffle with +- and the parent stage's partition count (Spark's example)", () => {
      const p = sc.parallelize([1, 2, 3, 4], 2);
      const line = lineHere() + 1;
      const r = p.map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b);
      const [a, b, c] = [p.id, p.id + 1, p.id + 2];
      assert.equal(
        r.toDebugString(),
        [
          `(2) ShuffledRDD[${c}] at reduceByKey at debugString.test.ts:${line} []`,
          ` +-(2) MapPartitionsRDD[${b}] at map at debugString.test.ts:${line} []`,
          `    |  ParallelCollectionRDD[${a}] at parallelize at debugString.test.ts:${line - 2} []`,
        ].join("\n"),
      );
    });

    it("shows repartition's four RDDs (Spark's example)", () => {
      const p = sc.parallelize([1, 2, 3, 4], 2);
      const r = p.repartition(4);
      const id = p.id;
      assert.equal(
        masked(r),
        [
          `(4) MapPartitionsRDD[${id + 4}] at repartition at T:L []`,
          ` |  CoalescedRDD[${id + 3}] at repartition at T:L []`,
          ` |  ShuffledRDD[${id + 2}] at repartition at T:L []`,
          ` +-(2) MapPartitionsRDD[${id + 1}] at repartition at T:L []`,
          `    |  ParallelCollectionRDD[${id}] at parallelize at T:L []`,
        ].join("\n"),
      );
    });

    it("draws both sides of a join, the first with a continuing bar (Spark's example)", () => {
      const a = sc.parallelize([[1, "a"]] as Array<[number, string]>, 2);
      const m = a.map((kv) => kv);
      const b = sc.parallelize([[1, "b"]] as Array<[number, string]>, 2);
      const j = m.join(b);
      assert.equal(
        masked(j),
        [
          `(2) MapPartitionsRDD[${j.id}] at join at T:L []`,
          ` |  CoGroupedRDD[${j.id - 1}] at join at T:L []`,
          ` +-(2) MapPartitionsRDD[${m.id}] at map at T:L []`,
          ` |  |  ParallelCollectionRDD[${a.id}] at parallelize at T:L []`,
          ` +-(2) ParallelCollectionRDD[${b.id}] at parallelize at T:L []`,
        ].join("\n"),
      );
    });

    it("indents nested stages by the width of their partition counts", () => {
      const src = sc.parallelize([[1, 1]] as Array<[number, number]>, 12);
      const twice = src.reduceByKey((x, y) => x + y, 3).map((kv) => kv).groupByKey(105);
      assert.equal(
        masked(twice),
        [
          `(105) ShuffledRDD[${twice.id}] at groupByKey at T:L []`,
          `  +-(3) MapPartitionsRDD[${twice.id - 1}] at map at T:L []`,
          `     |  ShuffledRDD[${twice.id - 2}] at reduceByKey at T:L []`,
          `     +-(12) ParallelCollectionRDD[${src.id}] at parallelize at T:L []`,
        ].join("\n"),
      );
    });

    it("shows the receiver's storage level on every line and cached partitions with sizes", async () => {
      const p = sc.parallelize([1, 2, 3, 4], 2);
      const m = p.map((x) => x * 2).cache();
      assert.equal(
        masked(m),
        [
          `(2) MapPartitionsRDD[${m.id}] at map at T:L [Memory Deserialized 1x Replicated]`,
          ` |  ParallelCollectionRDD[${p.id}] at parallelize at T:L [Memory Deserialized 1x Replicated]`,
        ].join("\n"),
        "no CachedPartitions line before a job stores the blocks",
      );
      await m.count();
      const lines = masked(m).split("\n");
      assert.equal(lines.length, 3);
      assert.equal(lines[0], `(2) MapPartitionsRDD[${m.id}] at map at T:L [Memory Deserialized 1x Replicated]`);
      assert.match(lines[1]!, /^ \| {7}CachedPartitions: 2; MemorySize: [1-9]\d*\.\d B; DiskSize: 0\.0 B$/);
      assert.equal(lines[2], ` |  ParallelCollectionRDD[${p.id}] at parallelize at T:L [Memory Deserialized 1x Replicated]`);

      // Not persisted itself: every line shows [], but the cached parent still reports its blocks.
      const child = m.filter(() => true);
      const childLines = masked(child).split("\n");
      assert.deepEqual(childLines.map((l) => l.replace(/MemorySize: [\d.]+ B/, "MemorySize: M")), [
        `(2) MapPartitionsRDD[${child.id}] at filter at T:L []`,
        ` |  MapPartitionsRDD[${m.id}] at map at T:L []`,
        // One space less than under the receiver: Spark writes `prefix + desc` here, `nextPrefix + " " + desc` there.
        ` |      CachedPartitions: 2; MemorySize: M; DiskSize: 0.0 B`,
        ` |  ParallelCollectionRDD[${p.id}] at parallelize at T:L []`,
      ]);

      m.unpersist();
      assert.equal(masked(m).split("\n").length, 2, "unpersist drops the CachedPartitions line");
    });

    it("reports disk-only blocks as DiskSize and persisted levels by their description", async () => {
      const d = sc.parallelize([1, 2, 3], 3).map((x) => x).persist(StorageLevel.DISK_ONLY);
      await d.count();
      const lines = masked(d).split("\n");
      assert.equal(lines[0], `(3) MapPartitionsRDD[${d.id}] at map at T:L [Disk Serialized 1x Replicated]`);
      assert.match(lines[1]!, /^ \| {7}CachedPartitions: 3; MemorySize: 0\.0 B; DiskSize: [1-9]\d*\.\d B$/);
      const both = sc.parallelize([1], 1).persist(StorageLevel.MEMORY_AND_DISK_SER);
      assert.equal(masked(both), `(1) ParallelCollectionRDD[${both.id}] at parallelize at T:L [Disk Memory Serialized 1x Replicated]`);
    });

    it("names each RDD as Spark does", () => {
      const a = sc.parallelize([1, 2, 3, 4], 2);
      const b = sc.parallelize(["w", "x", "y", "z"], 2);
      const first = (r: RDD<unknown>): string => masked(r).split("\n")[0]!;
      assert.equal(first(a.zip(b)), `(2) ZippedPartitionsRDD2[${b.id + 1}] at zip at T:L []`);
      assert.equal(first(a.cartesian(b)), `(4) CartesianRDD[${b.id + 2}] at cartesian at T:L []`);
      assert.equal(first(a.coalesce(1)), `(1) CoalescedRDD[${b.id + 3}] at coalesce at T:L []`);
      assert.equal(first(a.sample(false, 0.5, 1)), `(2) PartitionwiseSampledRDD[${b.id + 4}] at sample at T:L []`);
      const [s1, s2] = a.randomSplit([1, 1], 1);
      assert.equal(first(s1!), `(2) MapPartitionsRDD[${s1!.id}] at randomSplit at T:L []`);
      assert.equal(first(s2!), `(2) MapPartitionsRDD[${s2!.id}] at randomSplit at T:L []`);
      const zi = a.zipWithIndex();
      assert.equal(first(zi), `(2) ZippedWithIndexRDD[${zi.id}] at zipWithIndex at T:L []`);
      const zu = a.zipWithUniqueId();
      assert.equal(first(zu), `(2) MapPartitionsRDD[${zu.id}] at zipWithUniqueId at T:L []`);
      const piped = a.pipe("cat");
      assert.equal(first(piped), `(2) PipedRDD[${piped.id}] at pipe at T:L []`);
      const u = a.union(b as RDD<unknown> as RDD<number>);
      assert.equal(first(u), `(4) UnionRDD[${u.id}] at union at T:L []`);
      const named = a.map((x) => x).setName("squares");
      assert.equal(first(named), `(2) squares MapPartitionsRDD[${named.id}] at map at T:L []`);
    });

    it("shows a union of co-partitioned RDDs as PartitionerAwareUnionRDD, with narrow parents", () => {
      const h = new HashPartitioner(2);
      const x = sc.parallelize([[1, 1]] as Array<[number, number]>, 2).partitionBy(h);
      const y = sc.parallelize([[2, 2]] as Array<[number, number]>, 3).partitionBy(h);
      const u = x.union(y);
      assert.equal(
        masked(u),
        [
          `(2) PartitionerAwareUnionRDD[${u.id}] at union at T:L []`,
          ` |  ShuffledRDD[${x.id}] at partitionBy at T:L []`,
          ` +-(2) ParallelCollectionRDD[${x.id - 1}] at parallelize at T:L []`,
          ` |  ShuffledRDD[${y.id}] at partitionBy at T:L []`,
          ` +-(3) ParallelCollectionRDD[${y.id - 1}] at parallelize at T:L []`,
        ].join("\n"),
      );
    });

    it("draws two narrow parents (zip, cartesian) one after the other at the same depth", () => {
      const a = sc.parallelize([1, 2], 2);
      const b = a.map((x) => x + 1);
      const z = a.zip(b);
      assert.equal(
        masked(z),
        [
          `(2) ZippedPartitionsRDD2[${z.id}] at zip at T:L []`,
          ` |  ParallelCollectionRDD[${a.id}] at parallelize at T:L []`,
          ` |  MapPartitionsRDD[${b.id}] at map at T:L []`,
          ` |  ParallelCollectionRDD[${a.id}] at parallelize at T:L []`,
        ].join("\n"),
      );
    });

    it("shows a checkpointed RDD's checkpoint as its only parent", async () => {
      sc.setCheckpointDir(checkpointDir);
      const p = sc.parallelize([1, 2, 3], 3);
      const m = p.map((x) => x * 3);
      m.checkpoint();
      await m.collect();
      const lines = masked(m).split("\n");
      assert.equal(lines.length, 2);
      assert.equal(lines[0], `(3) MapPartitionsRDD[${m.id}] at map at T:L []`);
      assert.match(lines[1]!, /^ \| {2}ReliableCheckpointRDD\[\d+\] at /);
    });
  });
}

describe("toDebugString on a stopped context", () => {
  it("fails like Spark's getRDDStorageInfo", async () => {
    const sc = new SparkContext({ master: "local[1]", appName: "debug-string-stopped" });
    let rdd: RDD<number>;
    try {
      rdd = sc.parallelize([1, 2], 2).map((x) => x);
      assert.ok(rdd.toDebugString().startsWith("(2) MapPartitionsRDD"));
    } finally {
      await sc.stop();
    }
    assert.throws(() => rdd.toDebugString(), (e: unknown) => {
      assert.ok(e instanceof IllegalStateException);
      assert.ok(e.message.startsWith("Cannot call methods on a stopped SparkContext."), e.message);
      return true;
    });
  });
});
