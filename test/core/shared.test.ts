import assert from "node:assert/strict";
import { it } from "node:test";
import { Broadcast, CollectionAccumulator, DoubleAccumulator, LongAccumulator, SparkException } from "../../src/index.js";
import { forEachMaster, recordTasks } from "../helpers/masters.js";

forEachMaster("broadcast variables", (env) => {
  it("are read in tasks, in executor threads, without being captured by value", async () => {
    const sc = env.sc;
    const table = sc.broadcast(new Map([["a", 1], ["b", 2]]));
    const cfg = sc.broadcast({ factor: 10, words: ["x", "y"], nested: { deep: [1, 2, 3] } });
    assert.ok(table instanceof Broadcast);
    assert.equal(table.value.get("b"), 2);
    const { result, tasks } = await recordTasks(sc, () =>
      sc.parallelize(["a", "b", "c"], 3).map((k) => (table.value.get(k) ?? 0) * cfg.value.factor + cfg.value.nested.deep.length).collect(),
    );
    assert.deepEqual(result, [13, 23, 3]);
    assert.equal(tasks.every((t) => (t.executorId === "driver") === !env.parallel), true, tasks.map((t) => t.executorId).join(","));
    // A broadcast used in a shuffle's functions too.
    const weights = sc.broadcast([1, 10, 100]);
    const summed = await sc.parallelize([0, 1, 2, 0], 2).map((i) => [i % 2, weights.value[i]!] as [number, number]).reduceByKey((a, b) => a + b + weights.value[0]! - 1).collect();
    assert.deepEqual(new Map(summed), new Map([[0, 102], [1, 10]]));
  });

  it("can be used again after unpersist, and not after destroy", async () => {
    const sc = env.sc;
    const b = sc.broadcast([5, 6, 7]);
    const rdd = sc.parallelize([0, 1, 2], 3);
    assert.deepEqual(await rdd.map((i) => b.value[i]).collect(), [5, 6, 7]);
    b.unpersist();
    assert.deepEqual(await rdd.map((i) => b.value[i]! * 2).collect(), [10, 12, 14]);
    b.destroy();
    assert.throws(() => b.value, (e: Error) => e instanceof SparkException && e.message.startsWith(`Attempted to use Broadcast(${b.id}) after it was destroyed`));
    await assert.rejects(rdd.map((i) => b.value[i]).collect(), /Attempted to use Broadcast\(\d+\) after it was destroyed/);
    assert.equal(String(b), `Broadcast(${b.id})`);
  });
});

forEachMaster("accumulators", (env) => {
  it("long, double and collection accumulators merge task updates from every executor", async () => {
    const sc = env.sc;
    const n = sc.longAccumulator("n");
    const d = sc.doubleAccumulator("d");
    const c = sc.collectionAccumulator<string>("c");
    assert.ok(n instanceof LongAccumulator && d instanceof DoubleAccumulator && c instanceof CollectionAccumulator);
    const { tasks } = await recordTasks(sc, () =>
      sc.parallelize([1, 2, 3, 4, 5, 6], 3).foreach((x) => {
        n.add(x);
        d.add(x / 4);
        c.add(`e${x}`);
      }),
    );
    assert.equal(tasks.every((t) => (t.executorId === "driver") === !env.parallel), true);
    if (env.parallel) assert.ok(new Set(tasks.map((t) => t.executorId)).size >= 1);
    assert.equal(n.value, 21);
    assert.equal(n.sum, 21);
    assert.equal(n.count, 6);
    assert.equal(n.avg, 3.5);
    assert.equal(d.value, 5.25);
    assert.deepEqual(c.value.sort(), ["e1", "e2", "e3", "e4", "e5", "e6"]);
    assert.equal(n.isZero(), false);
    assert.equal(String(n), `LongAccumulator(id: ${n.id}, name: Some(n), value: 21)`);
    assert.equal(String(sc.longAccumulator()), `LongAccumulator(id: ${n.id + 3}, name: None, value: 0)`);
    n.reset();
    assert.equal(n.value, 0);
    assert.equal(n.isZero(), true);
    // The driver can add too.
    n.add(2);
    assert.equal(n.value, 2);
    assert.throws(() => n.add("3" as unknown as number), TypeError);
  });

  it("collect a task's 300k additions into a collection accumulator whole", async () => {
    // Merging a task's update with push(...items) threw "Maximum call stack size exceeded" once a task added about 120k or more.
    const c = env.sc.collectionAccumulator<number>("many");
    await env.sc.parallelize([0, 1], 2).foreach((p) => {
      for (let i = 0; i < 300_000; i++) c.add(p * 300_000 + i);
    });
    const got = c.value.slice().sort((a, b) => a - b);
    assert.equal(got.length, 600_000);
    assert.equal(got.every((x, i) => x === i), true);
  });

  it("are counted once per successful task in an action, and again when a transformation is recomputed", async () => {
    const sc = env.sc;
    const inAction = sc.longAccumulator("action");
    const rdd = sc.parallelize(Array.from({ length: 100 }, (_, i) => i), 4);
    await rdd.foreach(() => inAction.add(1));
    await rdd.foreachPartition((it) => {
      for (const _ of it) inAction.add(1);
    });
    assert.equal(inAction.value, 200);

    const inMap = sc.longAccumulator("map");
    const mapped = rdd.map((x) => {
      inMap.add(1);
      return x;
    });
    assert.equal(await mapped.count(), 100);
    assert.equal(inMap.value, 100);
    // Not cached: a second action recomputes the map, as in Spark.
    assert.equal(await mapped.filter((x) => x % 2 === 0).count(), 50);
    assert.equal(inMap.value, 200);
    // take only computes what it needs.
    await mapped.take(5);
    assert.equal(inMap.value, 205);

    const inCached = sc.longAccumulator("cached");
    const cached = rdd.map((x) => {
      inCached.add(1);
      return x;
    }).cache();
    assert.equal(await cached.count(), 100);
    assert.equal(await cached.count(), 100);
    assert.equal(await cached.map((x) => x + 1).sum(), 5050);
    assert.equal(inCached.value, 100);
    cached.unpersist();
  });

  it("updates are dropped when the task fails", async () => {
    const sc = env.sc;
    const acc = sc.longAccumulator("dropped");
    await assert.rejects(
      sc.parallelize([1, 2, 3, 4], 1).foreach((x) => {
        acc.add(x);
        if (x === 3) throw new Error("stop");
      }),
      SparkException,
    );
    assert.equal(acc.value, 0);
  });
});
