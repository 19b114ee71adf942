import { it } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { StorageLevel, type RDD, type SparkContext } from "../../src/index.js";
import { forEachMaster } from "../helpers/masters.js";

setFlagsFromString("--expose_gc");
const gc = runInNewContext("gc") as () => void;

/** Collects garbage until `done()` holds; finalizers run in later tasks, so give them turns. */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

async function shuffleAndDrop(sc: SparkContext): Promise<number[]> {
  const counts = sc.parallelize([1, 2, 3, 4, 5, 6], 2).map((x) => [x % 3, 1] as [number, number]).reduceByKey((a, b) => a + b);
  assert.equal(await counts.count(), 3);
  return sc.registeredShuffles();
}

forEachMaster("context cleaner", (env) => {
  it("frees the map output of a shuffle the application can no longer reach", async () => {
    const before = env.sc.registeredShuffles();
    const during = await shuffleAndDrop(env.sc);
    const created = during.filter((id) => !before.includes(id));
    assert.equal(created.length, 1);
    await collectUntil(() => !env.sc.registeredShuffles().includes(created[0]!));
    assert.ok(!env.sc.registeredShuffles().includes(created[0]!), "the dropped shuffle's output is still registered");
  });

  it("keeps a reachable shuffle's output, and a later job reuses it without rerunning the map stage", async () => {
    const sc = env.sc;
    const kept: RDD<[number, number]> = sc.parallelize([1, 2, 3, 4], 2).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b);
    assert.deepEqual((await kept.collect()).sort(), [[0, 6], [1, 4]]);
    for (let i = 0; i < 10; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    let mapTasks = 0;
    const listener = { onTaskEnd: () => void mapTasks++ };
    sc.addSparkListener(listener);
    assert.deepEqual((await kept.collect()).sort(), [[0, 6], [1, 4]]);
    sc.removeSparkListener(listener);
    assert.equal(mapTasks, kept.getNumPartitions(), "only the result stage should have run");
  });

  it("drops the cached blocks of a persisted RDD once it is unreachable", async () => {
    const sc = env.sc;
    const id = await (async () => {
      const cached = sc.parallelize([1, 2, 3, 4], 2).map((x) => x * 2).persist(StorageLevel.MEMORY_ONLY);
      assert.equal(await cached.count(), 4);
      assert.equal(sc.describeCachedBlocks(cached.id).length, 2);
      return cached.id;
    })();
    await collectUntil(() => sc.describeCachedBlocks(id).length === 0);
    assert.deepEqual(sc.describeCachedBlocks(id), []);
  });
});
