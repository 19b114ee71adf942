import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BlockRDD, Receiver, StorageLevel, StreamingContext, ManualClock, Seconds, type RDD } from "../../../src/index.js";
import { MASTERS, suiteContext, withStreaming } from "./support.js";

class HandReceiver<T> extends Receiver<T> {
  onStart(): void {}
  onStop(): void {}
}

for (const master of MASTERS) {
  describe(`block generation [${master}]`, () => {
    const sc = suiteContext(master);
    const parallel = master !== "local[1]";

    test("single records are cut into a block every block interval of the streaming clock: one partition per block", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const receiver = new HandReceiver<string>();
        const parts: string[][][] = [];
        ssc.receiverStream(receiver).foreachRDD(async (rdd) => {
          parts.push(await rdd.glom().collect());
        });
        ssc.start();
        receiver.store("a");
        receiver.store("b");
        await clock.advance(200); // crosses the first 200 ms boundary: [a, b] becomes a block
        receiver.store("c");
        await clock.advance(300); // crosses 400 ms: [c]
        receiver.store("d");
        receiver.store("e");
        await clock.advance(500); // batch 1000 takes [d, e] too: they were stored before it
        assert.deepEqual(parts, [[["a", "b"], ["c"], ["d", "e"]]]);
      });
    });

    test("records stored after a batch's time wait for the next batch", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const receiver = new HandReceiver<number>();
        const out: number[][] = [];
        ssc.receiverStream(receiver).foreachRDD(async (rdd) => {
          out.push(await rdd.collect());
        });
        ssc.start();
        receiver.store(1);
        await clock.advance(1000);
        receiver.store(2); // the clock reads 1000: batch 1000 has been generated already
        await clock.advance(1000);
        await clock.advance(1000);
        assert.deepEqual(out, [[1], [2], []]);
      });
    });

    test("each reliable store is one block; BatchInfo and the input info count the records", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const receiver = new HandReceiver<number>();
        const stream = ssc.receiverStream(receiver);
        const shapes: number[][] = [];
        const infos: Array<[number, number]> = [];
        stream.foreachRDD(async (rdd) => {
          shapes.push((await rdd.glom().collect()).map((p) => p.length));
        });
        ssc.addStreamingListener({
          onBatchCompleted: (e) => infos.push([e.batchInfo.numRecords, e.batchInfo.streamIdToInputInfo.get(stream.id)?.numRecords ?? -1]),
        });
        ssc.start();
        await receiver.store([1, 2, 3]);
        await clock.advance(1000);
        await receiver.store([4]);
        await receiver.store([5, 6]);
        await clock.advance(1000);
        assert.deepEqual(shapes, [[3], [1, 2]]);
        assert.deepEqual(infos, [
          [3, 3],
          [3, 3],
        ]);
      });
    });

    test("a batch's RDD is a BlockRDD whose partitions are decoded by the executors", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const receiver = new HandReceiver<string>();
        const executors = new Set<string>();
        const listener = { onTaskEnd: (e: { taskInfo: { executorId: string } }) => executors.add(e.taskInfo.executorId) };
        let seen: RDD<string> | undefined;
        const counts: Array<[string, number]>[] = [];
        const stream = ssc.receiverStream(receiver);
        stream.foreachRDD((rdd) => {
          seen = rdd;
        });
        stream
          .map((w) => [w, 1] as [string, number])
          .reduceByKey((a, b) => a + b)
          .foreachRDD(async (rdd) => {
            counts.push((await rdd.collect()).sort());
          });
        ssc.start();
        sc().addSparkListener(listener);
        try {
          for (const w of ["x", "y", "x"]) receiver.store(w);
          await receiver.store(["y", "z"]);
          await clock.advance(1000);
        } finally {
          sc().removeSparkListener(listener);
        }
        assert.ok(seen instanceof BlockRDD);
        assert.equal(seen.getNumPartitions(), 2);
        assert.deepEqual(counts, [
          [
            ["x", 2],
            ["y", 2],
            ["z", 1],
          ],
        ]);
        assert.ok(executors.size > 0);
        if (parallel) assert.ok(!executors.has("driver"), `expected worker executors only, got ${[...executors].join(", ")}`);
        else assert.deepEqual([...executors], ["driver"]);
      });
    });

    test("a forgotten batch's BlockRDD refuses to be computed, with Spark's message", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const receiver = new HandReceiver<number>();
        const rdds: Array<RDD<number>> = [];
        ssc.receiverStream(receiver).foreachRDD((rdd) => {
          rdds.push(rdd);
        });
        ssc.start();
        receiver.store(1);
        await clock.advance(1000);
        await clock.advance(2000);
        await assert.rejects(rdds[0]!.collect(), /Attempted to use BlockRDD\[\d+\] at .* after its blocks have been removed!/);
        assert.equal((rdds[0] as BlockRDD<number>).isValid(), false);
        assert.deepEqual(await rdds[2]!.collect(), []);
      });
    });

    test("a DISK_ONLY receiver keeps its blocks in files, with the same results", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const receiver = new HandReceiver<string>(StorageLevel.DISK_ONLY);
        const out: string[][] = [];
        ssc.receiverStream(receiver).foreachRDD(async (rdd) => {
          out.push((await rdd.collect()).sort());
        });
        ssc.start();
        receiver.store("on");
        await receiver.store(["disk"]);
        await clock.advance(1000);
        assert.deepEqual(out, [["disk", "on"]]);
      });
    });

    test("a receiver stream no output reads still runs its receiver, and its data goes nowhere", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const unused = new HandReceiver<string>();
        const used = new HandReceiver<string>();
        const unusedStream = ssc.receiverStream(unused);
        const out: string[][] = [];
        ssc.receiverStream(used).foreachRDD(async (rdd) => {
          out.push(await rdd.collect());
        });
        ssc.start();
        assert.equal(unused.isStarted(), true);
        unused.store("dropped");
        used.store("kept");
        await clock.advance(1000);
        assert.deepEqual(out, [["kept"]]);
        assert.equal(unusedStream.receivedRecords, 1);
      });
    });

    test("a receiver cannot use StorageLevel.NONE", () => {
      assert.throws(() => new HandReceiver<string>(StorageLevel.NONE), /storage level NONE cannot hold received blocks/);
    });

    test("spark.streaming.blockInterval must be positive: the context is refused with Spark's message", async () => {
      const conf = sc().conf;
      const previous = conf.getOption("spark.streaming.blockInterval");
      conf.set("spark.streaming.blockInterval", "0ms");
      try {
        // At construction, before any receiver could start (Spark checks when its BlockGenerator is made).
        assert.throws(() => new StreamingContext(sc(), Seconds(1), { clock: new ManualClock() }), /^IllegalArgumentException: requirement failed: 'spark.streaming.blockInterval' should be a positive value$/);
        // A setting changed after construction is still checked when the receivers start.
        conf.remove("spark.streaming.blockInterval");
        const ssc = new StreamingContext(sc(), Seconds(1), { clock: new ManualClock() });
        conf.set("spark.streaming.blockInterval", "0ms");
        try {
          ssc.receiverStream(new HandReceiver<string>()).foreachRDD(() => undefined);
          assert.throws(() => ssc.start(), /'spark.streaming.blockInterval' should be a positive value/);
        } finally {
          await ssc.stop({ stopSparkContext: false });
        }
      } finally {
        if (previous === undefined) conf.remove("spark.streaming.blockInterval");
        else conf.set("spark.streaming.blockInterval", previous);
      }
    });
  });
}
