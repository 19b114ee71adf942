import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { HashPartitioner, SparkException, StorageLevel, UnsupportedOperationException } from "../../src/index.js";
import { filesUnder, forEachMaster, MASTERS, tempDir, withContext } from "../helpers/masters.js";

class Scale {
  constructor(private readonly factor: number) {}
  apply(x: number): number {
    return x * this.factor;
  }
}

forEachMaster("persist and cache", (env) => {
  it("cached partitions are computed once and then read from the cache", async () => {
    const sc = env.sc;
    const computed = sc.longAccumulator("computed");
    const rdd = sc.parallelize(Array.from({ length: 40 }, (_, i) => i), 4).map((x) => {
      computed.add(1);
      return x * 2;
    });
    assert.equal(rdd.cache(), rdd);
    assert.equal(rdd.getStorageLevel(), StorageLevel.MEMORY_ONLY);
    assert.equal(computed.value, 0, "cache() is lazy");
    assert.equal(await rdd.count(), 40);
    assert.equal(computed.value, 40);
    assert.equal(await rdd.sum(), 1560);
    assert.deepEqual(await rdd.take(3), [0, 2, 4]);
    assert.equal(await rdd.map((x) => x + 1).filter((x) => x > 70).count(), 5);
    assert.deepEqual((await rdd.map((x) => [x % 3, x] as [number, number]).reduceByKey((a, b) => a + b).collect()).length, 3);
    assert.equal(computed.value, 40, "no partition was computed twice");
    // unpersist drops the blocks: the next action computes again.
    assert.equal(rdd.unpersist(), rdd);
    assert.equal(rdd.getStorageLevel(), StorageLevel.NONE);
    assert.equal(await rdd.count(), 40);
    assert.equal(computed.value, 80);
  });

  it("a partly computed cache fills in the rest later", async () => {
    const sc = env.sc;
    const computed = sc.longAccumulator("partial");
    const rdd = sc.parallelize(Array.from({ length: 12 }, (_, i) => i), 4).map((x) => {
      computed.add(1);
      return x;
    }).persist(StorageLevel.MEMORY_ONLY);
    // take(1) computes (and caches) partition 0 only, fully.
    assert.deepEqual(await rdd.take(1), [0]);
    assert.equal(computed.value, 3);
    assert.deepEqual(await rdd.collect(), Array.from({ length: 12 }, (_, i) => i));
    assert.equal(computed.value, 12);
    assert.equal(await rdd.count(), 12);
    assert.equal(computed.value, 12);
    rdd.unpersist();
  });

  it("serialized and disk levels give the same results and are not recomputed", async () => {
    const sc = env.sc;
    for (const level of [StorageLevel.MEMORY_ONLY_SER, StorageLevel.MEMORY_AND_DISK, StorageLevel.MEMORY_AND_DISK_SER, StorageLevel.DISK_ONLY]) {
      const computed = sc.longAccumulator(level.name);
      const rdd = sc.parallelize([["a", [1, 2]], ["b", [3]], ["c", []]] as Array<[string, number[]]>, 2).mapValues((v) => {
        computed.add(1);
        return { total: v.reduce((a, b) => a + b, 0), v };
      }).persist(level);
      const expected = [["a", { total: 3, v: [1, 2] }], ["b", { total: 3, v: [3] }], ["c", { total: 0, v: [] }]];
      assert.deepEqual(await rdd.collect(), expected, level.name);
      assert.deepEqual(await rdd.collect(), expected, level.name);
      assert.equal(computed.value, 3, level.name);
      rdd.unpersist();
    }
  });

  it("cached partitions are read, not recomputed, by stages that must run on the driver", async () => {
    const sc = env.sc;
    const scale = new Scale(10);
    // Random values make any recomputation visible in the results, not only in a counter.
    const computed = sc.longAccumulator("random");
    const cached = sc.parallelize([1, 2, 3, 4, 5, 6], 3).map((x) => {
      computed.add(1);
      return x + Math.random();
    }).cache();
    const first = await cached.collect();
    // This function captures a class instance: its stage runs on the driver's own executor.
    const scaled = await cached.map((x) => scale.apply(x)).collect();
    assert.deepEqual(scaled, first.map((x) => x * 10));
    assert.equal(computed.value, 6);
    // The other way round: a stage on the driver caches, a later stage reads the cache.
    const count2 = sc.longAccumulator("driver-cached");
    const onDriver = sc.parallelize([1, 2, 3, 4], 2).map((x) => {
      count2.add(1);
      return x + Math.random();
    }).cache();
    const viaDriver = await onDriver.map((x) => scale.apply(x)).collect();
    assert.deepEqual((await onDriver.collect()).map((x) => x * 10), viaDriver);
    assert.equal(await onDriver.filter((x) => x > 0).count(), 4);
    assert.equal(count2.value, 4);
    cached.unpersist();
    onDriver.unpersist();
  });

  it("refuses to change a storage level without unpersist()", () => {
    const sc = env.sc;
    const rdd = sc.parallelize([1]).persist(StorageLevel.MEMORY_AND_DISK);
    assert.equal(rdd.persist(StorageLevel.MEMORY_AND_DISK), rdd, "the same level again is a no-op");
    assert.throws(
      () => rdd.persist(StorageLevel.DISK_ONLY),
      (e: Error) => e instanceof UnsupportedOperationException && e.message.startsWith("Cannot change storage level of an RDD after it was already assigned a level"),
    );
    assert.throws(() => rdd.cache(), UnsupportedOperationException);
    rdd.unpersist();
    assert.equal(rdd.persist(StorageLevel.DISK_ONLY).getStorageLevel(), StorageLevel.DISK_ONLY);
    rdd.unpersist();
    assert.throws(() => rdd.persist("MEMORY_ONLY" as unknown as StorageLevel), TypeError);
    assert.equal(StorageLevel.MEMORY_AND_DISK.description(), "Disk Memory Deserialized 1x Replicated");
    assert.equal(StorageLevel.fromName("DISK_ONLY"), StorageLevel.DISK_ONLY);
  });
});

for (const master of MASTERS) {
  it(`MEMORY_AND_DISK spills blocks that do not fit to the local dir; DISK_ONLY always writes there [${master}]`, async () => {
    const local = tempDir();
    await withContext(master, { "spark.executor.memory": "64k", "spark.local.dir": local }, async (sc) => {
      const computed = sc.longAccumulator("big");
      const big = sc.range(0, 40_000, 1, 4).map((i) => {
        computed.add(1);
        return `record-${i}-${"x".repeat(i % 17)}`;
      }).persist(StorageLevel.MEMORY_AND_DISK);
      assert.equal(filesUnder(local).length, 0);
      assert.equal(await big.count(), 40_000);
      const spilled = filesUnder(local);
      assert.ok(spilled.length >= 3, `blocks written under spark.local.dir: ${spilled.join(", ")}`);
      assert.ok(spilled.some((f) => f.includes(`rdd_${big.id}_`)), spilled.join(", "));
      // Read back from disk, identical, and not recomputed.
      const all = await big.collect();
      assert.equal(all.length, 40_000);
      assert.equal(all[12_345], `record-12345-${"x".repeat(12_345 % 17)}`);
      assert.equal(await big.filter((s) => s.endsWith("x".repeat(16))).count(), Math.floor(40_000 / 17) + (40_000 % 17 > 16 ? 1 : 0));
      assert.equal(computed.value, 40_000);
      big.unpersist();
      assert.equal(await big.count(), 40_000);
      assert.equal(computed.value, 80_000, "after unpersist the blocks are not read");

      // MEMORY_ONLY blocks that do not fit are not kept: they are recomputed, as in Spark.
      const memOnly = sc.range(0, 40_000, 1, 2).map((i) => {
        computed.add(1);
        return `m-${i}`;
      }).persist(StorageLevel.MEMORY_ONLY);
      assert.equal(await memOnly.count(), 40_000);
      assert.equal(await memOnly.count(), 40_000);
      assert.equal(computed.value, 160_000);
      memOnly.unpersist();

      const disk = sc.parallelize([1, 2, 3], 3).persist(StorageLevel.DISK_ONLY);
      assert.equal(await disk.sum(), 6);
      assert.equal(filesUnder(local).filter((f) => f.includes(`rdd_${disk.id}_`)).length, 3);
      assert.deepEqual(await disk.collect(), [1, 2, 3]);
    });
    assert.deepEqual(filesUnder(local), [], "stop() removes the executors' local directories");
  });
}

forEachMaster("checkpoint", (env) => {
  it("needs a checkpoint directory", () => {
    const sc = env.sc;
    if (sc.getCheckpointDir() !== undefined) return;
    assert.throws(
      () => sc.parallelize([1]).checkpoint(),
      (e: Error) => e instanceof SparkException && e.message === "Checkpoint directory has not been set in the SparkContext",
    );
  });

  it("writes the RDD after the next action and truncates its lineage", async () => {
    const sc = env.sc;
    const root = tempDir();
    sc.setCheckpointDir(root);
    const cpDir = sc.getCheckpointDir()!;
    assert.ok(cpDir.startsWith(root) && existsSync(cpDir));
    const computed = sc.longAccumulator("cp");
    const base = sc.parallelize(Array.from({ length: 20 }, (_, i) => i), 3);
    const rdd = base.map((x) => {
      computed.add(1);
      return [x % 4, x] as [number, number];
    }).reduceByKey((a, b) => a + b).mapValues((v) => v * 10);
    const before = rdd.dependencies();
    rdd.checkpoint();
    assert.equal(rdd.isCheckpointed(), false);
    assert.equal(rdd.getCheckpointFile(), undefined);
    assert.deepEqual(rdd.dependencies(), before);
    const expected = [[0, 400], [1, 450], [2, 500], [3, 550]];
    assert.deepEqual([...(await rdd.collect())].sort((a, b) => a[0] - b[0]), expected);
    assert.equal(rdd.isCheckpointed(), true);
    const file = rdd.getCheckpointFile()!;
    assert.equal(file, `file:${join(cpDir, `rdd-${rdd.id}`)}`);
    assert.deepEqual(readdirSync(file.slice("file:".length)).sort(), ["part-00000", "part-00001", "part-00002"]);
    const deps = rdd.dependencies();
    assert.equal(deps.length, 1);
    assert.equal(deps[0]!.rdd.constructor.name, "ReliableCheckpointRDD");
    assert.equal(deps[0]!.rdd.getNumPartitions(), 3);
    assert.ok(rdd.partitioner?.equals(new HashPartitioner(3)));
    const afterFirst = computed.value;
    // Later jobs read the files: same results, nothing upstream recomputed.
    assert.deepEqual([...(await rdd.collect())].sort((a, b) => a[0] - b[0]), expected);
    assert.equal(await rdd.count(), 4);
    assert.deepEqual(await rdd.lookup(2), [500]);
    assert.deepEqual([...(await rdd.mapValues((v) => v + 1).collect())].sort((a, b) => a[0] - b[0]), expected.map(([k, v]) => [k, v + 1]));
    assert.equal(computed.value, afterFirst);
    // Checkpointing a cached RDD writes the cached blocks without recomputing them.
    const cachedCount = sc.longAccumulator("cached");
    const cached = base.map((x) => {
      cachedCount.add(1);
      return x + 1;
    }).cache();
    cached.checkpoint();
    assert.equal(await cached.sum(), 210);
    assert.equal(cached.isCheckpointed(), true);
    assert.equal(await cached.sum(), 210);
    assert.equal(cachedCount.value, 20);
    cached.unpersist();
    assert.deepEqual(await cached.collect(), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal(cachedCount.value, 20, "after unpersist, the checkpoint files still serve it");
  });
});
