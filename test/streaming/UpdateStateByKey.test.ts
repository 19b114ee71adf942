import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { HashPartitioner, Seconds, type DStream, type RDD, type Time } from "../../src/index.js";
import { MASTERS, StreamingHarness, TestInputStream } from "./harness.js";

type KV = [string, number];
const inputData = [["a"], ["a", "b"], ["a", "b", "c"], ["a", "b"], ["a"], []];
const pairs = (s: DStream<string>) => s.map((x) => [x, 1] as KV);
const sumUpdate = (values: number[], state: number | undefined) => values.reduce((a, b) => a + b, 0) + (state ?? 0);

for (const master of MASTERS) {
  describe(`updateStateByKey [${master}]`, () => {
    const h = new StreamingHarness(master);
    after(() => h.close());

    test("the output is the whole state; keys without new values keep theirs", () =>
      h.testOperation(
        inputData,
        (s) => pairs(s).updateStateByKey(sumUpdate),
        [
          [["a", 1]],
          [["a", 2], ["b", 1]],
          [["a", 3], ["b", 2], ["c", 1]],
          [["a", 4], ["b", 3], ["c", 1]],
          [["a", 5], ["b", 3], ["c", 1]],
          [["a", 5], ["b", 3], ["c", 1]],
        ],
        { useSet: true },
      ));

    const withInitial: KV[][] = [
      [["a", 2], ["c", 2]],
      [["a", 3], ["b", 1], ["c", 2]],
      [["a", 4], ["b", 2], ["c", 3]],
      [["a", 5], ["b", 3], ["c", 3]],
      [["a", 6], ["b", 3], ["c", 3]],
      [["a", 6], ["b", 3], ["c", 3]],
    ];

    test("simple with initial value RDD (partitioner, initialRDD): initial keys appear at batch 1", () =>
      h.testOperation(
        inputData,
        (s) => {
          const initialRDD = s.context.sparkContext.parallelize<KV>([["a", 1], ["c", 2]]);
          return pairs(s).updateStateByKey(sumUpdate, new HashPartitioner(2), initialRDD);
        },
        withInitial,
        { useSet: true },
      ));

    test("options object: { numPartitions, initialRDD }", () =>
      h.testOperation(
        inputData,
        (s) => pairs(s).updateStateByKey(sumUpdate, { numPartitions: 3, initialRDD: [["a", 1], ["c", 2]] }),
        withInitial,
        { useSet: true },
      ));

    test("iterator overload (fn, partitioner, rememberPartitioner, initialRDD)", () =>
      h.testOperation(
        inputData,
        (s) => {
          const initialRDD = s.context.sparkContext.parallelize<KV>([["a", 1], ["c", 2]]);
          const newUpdateFunc = function* (it: IterableIterator<[string, number[], number | undefined]>): Iterable<KV> {
            for (const [k, vs, st] of it) yield [k, vs.reduce((a, b) => a + b, 0) + (st ?? 0)];
          };
          return pairs(s).updateStateByKey(newUpdateFunc, new HashPartitioner(2), true, initialRDD);
        },
        withInitial,
        { useSet: true },
      ));

    test("testing time stamps as input: a four-parameter function gets the batch Time", () =>
      h.testOperation(
        inputData,
        (s) => {
          const initialRDD = s.context.sparkContext.parallelize<KV>([["a", 0], ["c", 0]]);
          const updateFunc = (time: Time, _key: string, values: number[], state: number | undefined) =>
            values.length > 0 ? time.milliseconds + (state ?? 0) : (state ?? 0);
          return pairs(s).updateStateByKey(updateFunc, { partitioner: new HashPartitioner(2), initialRDD, rememberPartitioner: false });
        },
        [
          [["a", 1000], ["c", 0]],
          [["a", 3000], ["b", 2000], ["c", 0]],
          [["a", 6000], ["b", 5000], ["c", 3000]],
          [["a", 10000], ["b", 9000], ["c", 3000]],
          [["a", 15000], ["b", 9000], ["c", 3000]],
          [["a", 15000], ["b", 9000], ["c", 3000]],
        ],
        { useSet: true },
      ));

    test("object lifecycle: returning undefined removes a key; no input still updates every key", () =>
      h.testOperation(
        [["a", "b"], null, ["a", "c", "a"], ["c"], null, null],
        (s) => {
          // Clears a state seen twice in a row without new values.
          const updateFunc = (values: number[], state: { counter: number; expireCounter: number } | undefined) => {
            const obj = state ?? { counter: 0, expireCounter: 0 };
            const n = values.reduce((a, b) => a + b, 0);
            if (n === 0) obj.expireCounter += 1;
            else {
              obj.counter += n;
              obj.expireCounter = 0;
            }
            return obj.expireCounter === 2 ? undefined : obj;
          };
          return pairs(s).updateStateByKey(updateFunc).mapValues((o) => o.counter);
        },
        [[["a", 1], ["b", 1]], [["a", 1], ["b", 1]], [["a", 3], ["c", 1]], [["a", 3], ["c", 2]], [["c", 2]], []],
        { useSet: true },
      ));

    test("PySpark: state lists extended per batch, with and without an initial RDD", async () => {
      const updater = (vs: number[], s: number[] | undefined) => [...(s ?? []), ...vs];
      await h.testOperation(
        [0, 1, 2, 3, 4].map((i) => [["k", i]] as Array<[string, number]>),
        (s) => s.updateStateByKey(updater),
        [[0], [0, 1], [0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3, 4]].map((v) => [["k", v]]),
      );
      await h.testOperation(
        [2, 3, 4].map((i) => [["k", i]] as Array<[string, number]>),
        (s) => s.updateStateByKey(updater, undefined, s.context.sparkContext.parallelize<[string, number[]]>([["k", [0, 1]]], 1)),
        [[0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3, 4]].map((v) => [["k", v]]),
      );
    });

    test("state keeps its partitioner, is persisted, and old state RDDs are unpersisted", async () => {
      await h.withContext(async ({ ssc, clock, sc }) => {
        const input = new TestInputStream(ssc, Array.from({ length: 30 }, (_, i) => [`k${i % 5}`]));
        const state = pairs(input).updateStateByKey(sumUpdate, 2);
        const rdds: Array<RDD<KV>> = [];
        state.foreachRDD(async (rdd) => {
          rdds.push(rdd);
          await rdd.count();
        });
        ssc.start();
        await clock.advance(25000);
        const last = rdds[rdds.length - 1]!;
        assert.equal(last.partitioner?.numPartitions, 2);
        assert.equal(last.getStorageLevel().name, "MEMORY_ONLY");
        assert.deepEqual((await last.collect()).sort(), [["k0", 5], ["k1", 5], ["k2", 5], ["k3", 5], ["k4", 5]]);
        // Checkpoint interval 10 s, remember 20 s: batch 5 (and older) are no longer cached.
        assert.equal(sc.describeCachedBlocks(rdds[4]!.id).length, 0);
        assert.equal(rdds[4]!.getStorageLevel().name, "NONE");
        assert.ok(sc.describeCachedBlocks(last.id).length > 0);
        // State RDDs at checkpoint times were written, which cut their lineage.
        assert.equal(rdds[9]!.isCheckpointed(), true);
        assert.equal(rdds[19]!.isCheckpointed(), true);
        assert.equal(rdds[8]!.isCheckpointed(), false);
      });
    });

    test("a key range's state stays on one executor across batches", async () => {
      await h.withContext(async ({ ssc, clock, sc }) => {
        const input = new TestInputStream(ssc, Array.from({ length: 6 }, (_, i) => [`a${i}`, `b${i}`, "x", "y", "z"]));
        const ids: number[] = [];
        pairs(input)
          .updateStateByKey(sumUpdate, 2)
          .foreachRDD(async (rdd) => {
            ids.push(rdd.id);
            await rdd.count();
          });
        ssc.start();
        await clock.advance(6000);
        const owners = ids.map((id) =>
          sc
            .describeCachedBlocks(id)
            .sort((a, b) => a.split - b.split)
            .map((b) => b.executorId)
            .join(","),
        );
        const present = owners.filter((o) => o !== "");
        assert.ok(present.length >= 2);
        assert.equal(new Set(present).size, 1, `state partitions moved between executors: ${owners.join(" | ")}`);
      });
    });

    test("rdd cleanup - updateStateByKey with checkpoint(3 s)", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const input = new TestInputStream(ssc, Array.from({ length: 10 }, (_, x) => [x, x + 1]));
        const state = input.map((x) => [x, 1] as [number, number]).updateStateByKey(sumUpdate).checkpoint(Seconds(3));
        state.foreachRDD(() => undefined);
        ssc.start();
        await clock.advance(10000);
        const internal = state as unknown as { rememberDuration: { milliseconds: number }; checkpointDuration: { milliseconds: number }; generatedRDDs: Map<number, unknown> };
        assert.equal(internal.rememberDuration.milliseconds, internal.checkpointDuration.milliseconds * 2);
        assert.ok(internal.generatedRDDs.has(10000));
        assert.ok(!internal.generatedRDDs.has(4000));
      });
    });
  });
}
