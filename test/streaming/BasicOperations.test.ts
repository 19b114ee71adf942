import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { HashPartitioner, SparkException, type DStream, type RDD, type Time } from "../../src/index.js";
import { MASTERS, StreamingHarness, TestInputStream } from "./harness.js";

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

for (const master of MASTERS) {
  describe(`BasicOperations [${master}]`, () => {
    const h = new StreamingHarness(master);
    after(() => h.close());
    const input = [range(1, 4), range(5, 8), range(9, 12)];

    test("map", () => h.testOperation(input, (s) => s.map((x) => String(x)), input.map((b) => b.map(String))));

    test("flatMap", () =>
      h.testOperation(
        input,
        (s) => s.flatMap((x) => [x, x * 2]),
        input.map((b) => b.flatMap((x) => [x, x * 2])),
      ));

    test("filter", () =>
      h.testOperation(
        input,
        (s) => s.filter((x) => x % 2 === 0),
        input.map((b) => b.filter((x) => x % 2 === 0)),
      ));

    test("glom: each batch keeps the input's 2 positional partitions", () =>
      h.testOperation(input, (s) => s.glom(), [
        [[1, 2], [3, 4]],
        [[5, 6], [7, 8]],
        [[9, 10], [11, 12]],
      ]));

    test("mapPartitions", () =>
      h.testOperation(
        input,
        (s) => s.mapPartitions((it) => [Array.from(it).reduce((a, b) => a + b, 0)]),
        [[3, 7], [11, 15], [19, 23]],
        { useSet: true },
      ));

    test("repartition (more and fewer partitions)", async () => {
      const big = [range(1, 100), range(101, 200), range(201, 300)];
      for (const n of [5, 1]) {
        const out = await h.runStreams([big], (s) => s.repartition(n).glom(), 3);
        assert.equal(out.length, 3);
        out.forEach((parts, i) => {
          assert.equal(parts.length, n);
          assert.deepEqual(parts.flat().sort((a, b) => a - b), big[i]);
        });
      }
    });

    test("groupByKey", () =>
      h.testOperation(
        [["a", "a", "b"], ["", ""], []],
        (s) => s.map((x) => [x, 1] as [string, number]).groupByKey(),
        [[["a", [1, 1]], ["b", [1]]], [["", [1, 1]]], []],
        { useSet: true },
      ));

    test("reduceByKey", () =>
      h.testOperation(
        [["a", "a", "b"], ["", ""], []],
        (s) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b),
        [[["a", 2], ["b", 1]], [["", 2]], []],
        { useSet: true },
      ));

    test("reduceByKey and groupByKey with a partition count or partitioner", async () => {
      const out = await h.runStreams(
        [[["a", "b", "c", "a"]]],
        (s) =>
          s
            .map((x) => [x, 1] as [string, number])
            .reduceByKey((a, b) => a + b, 3)
            .groupByKey(new HashPartitioner(4))
            .glom()
            .map((p) => p.length),
        1,
      );
      assert.equal(out[0]!.length, 4);
      assert.equal(out[0]!.reduce((a, b) => a + b, 0), 3);
    });

    test("reduce (an empty batch emits nothing)", () =>
      h.testOperation([...input, []], (s) => s.reduce((a, b) => a + b), [[10], [26], [42], []]));

    test("count (an empty batch counts 0)", () =>
      h.testOperation([[], [1], [1, 2], [1, 2, 3], [1, 2, 3, 4]], (s) => s.count(), [[0], [1], [2], [3], [4]]));

    test("countByValue", () =>
      h.testOperation(
        [[1], [1, 1, 1], [1, 2], [1, 1, 2, 2]],
        (s) => s.countByValue(),
        [[[1, 1]], [[1, 3]], [[1, 1], [2, 1]], [[2, 2], [1, 2]]],
        { useSet: true },
      ));

    test("mapValues", () =>
      h.testOperation(
        [["a", "a", "b"], ["", ""], []],
        (s) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b).mapValues((v) => v + 10),
        [[["a", 12], ["b", 11]], [["", 12]], []],
        { useSet: true },
      ));

    test("flatMapValues", () =>
      h.testOperation(
        [["a", "a", "b"], ["", ""], []],
        (s) => s.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b).flatMapValues((v) => [v, v + 10]),
        [[["a", 2], ["a", 12], ["b", 1], ["b", 11]], [["", 2], ["", 12]], []],
        { useSet: true },
      ));

    test("combineByKey", () =>
      h.testOperation(
        [[[1, 1], [2, 1], [3, 1], [4, 1]], [[1, 1], [1, 1], [1, 1], [2, 1], [2, 1], [3, 1]], [["a", 1], ["a", 1], ["b", 1], ["", 1], ["", 1], ["", 1]]] as Array<
          Array<[number | string, number]>
        >,
        (s) =>
          s.combineByKey(
            (v: number) => String(v),
            (c: string, v: number) => c + String(v),
            (a: string, b: string) => a + b,
          ),
        [
          [[1, "1"], [2, "1"], [3, "1"], [4, "1"]],
          [[1, "111"], [2, "11"], [3, "1"]],
          [["a", "11"], ["b", "1"], ["", "111"]],
        ],
        { useSet: true },
      ));

    test("union: the left stream's elements come first", () =>
      h.testOperation(
        [range(1, 4), range(101, 104), range(201, 204)],
        (s) => s.union(s.map((x) => x + 4)),
        [range(1, 8), range(101, 108), range(201, 208)],
      ));

    test("union with input stream return None fails the batch with SparkException", async () => {
      await assert.rejects(
        h.runStreams([[range(1, 4), null]], (s) => s.union(s.map((x) => x + 4)), 2),
        (e: Error) => e instanceof SparkException && /Could not generate RDD from a parent for unifying at time 2000 ms/.test(e.message),
      );
    });

    test("StreamingContext.union over 3 streams", () =>
      h.testOperation(
        [range(1, 4), range(101, 104), range(201, 204)],
        (s) => s.context.union([s, s.map((x) => x + 4), s.map((x) => x + 8)]),
        [range(1, 12), range(101, 112), range(201, 212)],
      ));

    test("transform", () =>
      h.testOperation(
        input,
        (s) => s.transform((rdd) => rdd.map((x) => String(x))),
        input.map((b) => b.map(String)),
      ));

    test("transform with sortByKey: empty batches and batches with fewer keys than partitions", async () => {
      type KV = [number, string];
      const batches: KV[][] = [[], [[3, "c"]], [[2, "b"], [1, "a"]], [[5, "e"], [4, "d"], [6, "f"]]];
      await h.testOperation(batches, (s) => s.transform((rdd: RDD<KV>) => rdd.sortByKey()), [[], [[3, "c"]], [[1, "a"], [2, "b"]], [[4, "d"], [5, "e"], [6, "f"]]]);
      // Spark's partition counts: the range partitioner has one partition per sampled bound, plus one.
      await h.testOperation(batches, (s) => s.transform((rdd: RDD<KV>) => rdd.sortByKey(true, 4)).glom(), [
        [[]],
        [[[3, "c"]]],
        [[[1, "a"]], [[2, "b"]]],
        [[[4, "d"]], [[5, "e"]], [[6, "f"]]],
      ]);
      const printed = await h.withContext(async ({ ssc, clock }) => {
        const lines: string[] = [];
        const log = console.log;
        console.log = (...xs: unknown[]) => void lines.push(xs.join(" "));
        try {
          new TestInputStream<KV>(ssc, batches).transform((rdd) => rdd.sortByKey(false)).print();
          ssc.start();
          await clock.advance(4000);
        } finally {
          console.log = log;
        }
        return lines.filter((l) => l.startsWith("("));
      });
      assert.deepEqual(printed, ["(3,c)", "(2,b)", "(1,a)", "(6,f)", "(5,e)", "(4,d)"]);
    });

    test("transform receives the batch time", async () => {
      const out = await h.runStreams([[[1], [2]]], (s) => s.transform((rdd, time) => rdd.map((x) => [x, 0] as [number, number]).mapValues(() => time.milliseconds)), 2);
      assert.deepEqual(out, [[[1, 1000]], [[2, 2000]]]);
    });

    test("transform with NULL fails with SparkException", async () => {
      await assert.rejects(
        h.runStreams([[range(1, 4)]], (s) => s.transform(() => null as unknown as RDD<number>), 1),
        (e: Error) => e instanceof SparkException && /Transform function must not return null/.test(e.message),
      );
    });

    test("transform with input stream return None fails with SparkException", async () => {
      await assert.rejects(
        h.runStreams([[range(1, 4), range(5, 8), null]], (s) => s.transform((rdd) => rdd.map(String)), 3),
        (e: Error) => e instanceof SparkException && /Couldn't generate RDD from parent at time 3000 ms/.test(e.message),
      );
    });

    test("transformWith (both argument orders)", async () => {
      const in1 = [["a", "b"], ["a", ""], [""], []];
      const in2 = [["a", "b"], ["b", ""], [], [""]];
      const expected = [[["a", [1, "x"]], ["b", [1, "x"]]], [["", [1, "x"]]], [], []];
      await h.testOperation2(
        in1,
        in2,
        (s1, s2) =>
          s1.map((x) => [x, 1] as [string, number]).transformWith(s2.map((x) => [x, "x"] as [string, string]), (r1: RDD<[string, number]>, r2: RDD<[string, string]>) => r1.join(r2)),
        expected,
        { useSet: true },
      );
      await h.testOperation2(
        in1,
        in2,
        (s1, s2) =>
          s1.map((x) => [x, 1] as [string, number]).transformWith((r1: RDD<[string, number]>, r2: RDD<[string, string]>) => r1.join(r2), s2.map((x) => [x, "x"] as [string, string])),
        expected,
        { useSet: true },
      );
    });

    test("StreamingContext.transform over 3 streams", () =>
      h.testOperation(
        [range(1, 4), range(101, 104), range(201, 204)],
        (s) => s.context.transform<number>([s, s.map((x) => x + 4), s.map((x) => x + 8)], (rdds) => rdds[0]!.context.union(rdds as Array<RDD<number>>)),
        [range(1, 12), range(101, 112), range(201, 212)],
      ));

    const join1 = [["a", "b"], ["a", ""], [""], []];
    const join2 = [["a", "b"], ["b", ""], [], [""]];
    const pairs = (s1: DStream<string>, s2: DStream<string>) =>
      [s1.map((x) => [x, 1] as [string, number]), s2.map((x) => [x, "x"] as [string, string])] as const;

    test("cogroup", () =>
      h.testOperation2(
        [["a", "a", "b"], ["a", ""], [""], []],
        [["a", "a", "b"], ["b", ""], [], []],
        (s1, s2) => {
          const [a, b] = pairs(s1, s2);
          return a.cogroup(b);
        },
        [
          [["a", [[1, 1], ["x", "x"]]], ["b", [[1], ["x"]]]],
          [["a", [[1], []]], ["b", [[], ["x"]]], ["", [[1], ["x"]]]],
          [["", [[1], []]]],
          [],
        ],
        { useSet: true },
      ));

    test("join", () =>
      h.testOperation2(
        join1,
        join2,
        (s1, s2) => {
          const [a, b] = pairs(s1, s2);
          return a.join(b);
        },
        [[["a", [1, "x"]], ["b", [1, "x"]]], [["", [1, "x"]]], [], []],
        { useSet: true },
      ));

    test("leftOuterJoin", () =>
      h.testOperation2<string, string, [string, [number, string | undefined]]>(
        join1,
        join2,
        (s1, s2) => {
          const [a, b] = pairs(s1, s2);
          return a.leftOuterJoin(b);
        },
        [[["a", [1, "x"]], ["b", [1, "x"]]], [["", [1, "x"]], ["a", [1, undefined]]], [["", [1, undefined]]], []],
        { useSet: true },
      ));

    test("rightOuterJoin", () =>
      h.testOperation2<string, string, [string, [number | undefined, string]]>(
        join1,
        join2,
        (s1, s2) => {
          const [a, b] = pairs(s1, s2);
          return a.rightOuterJoin(b);
        },
        [[["a", [1, "x"]], ["b", [1, "x"]]], [["", [1, "x"]], ["b", [undefined, "x"]]], [], [["", [undefined, "x"]]]],
        { useSet: true },
      ));

    test("fullOuterJoin", () =>
      h.testOperation2<string, string, [string, [number | undefined, string | undefined]]>(
        join1,
        join2,
        (s1, s2) => {
          const [a, b] = pairs(s1, s2);
          return a.fullOuterJoin(b);
        },
        [
          [["a", [1, "x"]], ["b", [1, "x"]]],
          [["", [1, "x"]], ["a", [1, undefined]], ["b", [undefined, "x"]]],
          [["", [1, undefined]]],
          [["", [undefined, "x"]]],
        ],
        { useSet: true },
      ));

    test("slice: inclusive ranges, times up to zero skipped", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const stream = new TestInputStream(ssc, [[1], [2], [3], [4]]);
        stream.foreachRDD(() => undefined);
        ssc.start();
        await clock.advance(2000);
        const sliced = async (from: number, to: number) =>
          new Set((await Promise.all(stream.slice(from, to).map((r) => r.collect()))).flat());
        assert.deepEqual(await sliced(0, 1000), new Set([1]));
        assert.deepEqual(await sliced(0, 2000), new Set([1, 2]));
        assert.deepEqual(await sliced(1000, 2000), new Set([1, 2]));
        // Not yet generated: computed on demand.
        assert.deepEqual(await sliced(2000, 4000), new Set([2, 3, 4]));
      });
    });

    test("rdd cleanup - map and window: each stream remembers what later windows need", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        ssc.remember(3);
        const input = Array.from({ length: 10 }, (_, x) => [x, x + 1]);
        const mapped = new TestInputStream(ssc, input).map((x) => [x % 10, 1] as [number, number]);
        const w1 = mapped.window(2, 1);
        const w2 = w1.window(4, 2);
        let outputs = 0;
        w2.foreachRDD(() => {
          outputs++;
        });
        ssc.start();
        await clock.advance(10000);
        assert.equal(outputs, 5);
        type Internal = { rememberDuration: { milliseconds: number }; generatedRDDs: Map<number, unknown> };
        const [m, a, b] = [mapped, w1, w2] as unknown as Internal[];
        assert.equal(b!.rememberDuration.milliseconds, 3000);
        assert.equal(a!.rememberDuration.milliseconds, 3000 + 4000);
        assert.equal(m!.rememberDuration.milliseconds, 3000 + 4000 + 2000);
        assert.ok(b!.generatedRDDs.has(10000) && b!.generatedRDDs.has(8000) && !b!.generatedRDDs.has(6000));
        assert.ok(a!.generatedRDDs.has(10000) && a!.generatedRDDs.has(4000) && !a!.generatedRDDs.has(3000));
        assert.ok(m!.generatedRDDs.has(10000) && m!.generatedRDDs.has(2000) && !m!.generatedRDDs.has(1000));
      });
    });

    test("persist() keeps a stream's RDDs cached until they are forgotten", async () => {
      await h.withContext(async ({ ssc, clock, sc }) => {
        const persisted = new TestInputStream(ssc, [[1], [2], [3]]).map((x) => x * 2).persist();
        const ids: number[] = [];
        persisted.foreachRDD(async (rdd) => {
          ids.push(rdd.id);
          await rdd.count();
        });
        ssc.start();
        await clock.advance(3000);
        const cachedIds = ids.filter((id) => sc.describeCachedBlocks(id).length > 0);
        // Only the latest batch is still needed (remember = one batch); older ones were unpersisted.
        assert.deepEqual(cachedIds, [ids[2]]);
      });
    });

    test("time passed to functions is a Time with milliseconds", async () => {
      const times: Time[] = [];
      await h.runStreams([[[1]]], (s) => s.transform((rdd, t) => (times.push(t), rdd)), 1);
      assert.equal(times[0]!.milliseconds, 1000);
      assert.equal(String(times[0]), "1000 ms");
    });
  });
}

for (const master of MASTERS) {
  describe(`resource cleanup [${master}]`, () => {
    const h = new StreamingHarness(master);
    after(() => h.close());

    test("shuffles of forgotten batches are released; the scheduler does not keep every batch", async () => {
      await h.withContext(async ({ ssc, clock, sc }) => {
        const input = new TestInputStream(ssc, Array.from({ length: 30 }, (_, i) => [i % 3, i % 5]));
        input.map((x) => [x, 1] as [number, number]).reduceByKey((a, b) => a + b).foreachRDD(async (rdd) => {
          await rdd.count();
        });
        ssc.start();
        const stages = (sc.dagScheduler as unknown as { shuffleStages: Map<number, unknown> }).shuffleStages;
        assert.ok(stages instanceof Map);
        await clock.advance(5000);
        const early = stages.size;
        await clock.advance(25000);
        assert.ok(stages.size <= early, `shuffle stages grew from ${early} to ${stages.size}`);
        assert.ok(stages.size <= 3);
      });
    });
  });
}
