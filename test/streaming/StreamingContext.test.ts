import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  SparkContext,
  StreamingContext,
  ManualClock,
  Milliseconds,
  Seconds,
  Time,
  InputDStream,
  SparkException,
  StateSpec,
  IllegalStateException,
  IllegalArgumentException,
  type RDD,
} from "../../src/index.js";
import { MASTERS, StreamingHarness, TestInputStream } from "./harness.js";
import { captureLog as captureStderr } from "./recovery/inProcessApp.js";
import { logger, setLogLevel } from "../../src/core/log.js";

/** Captures console.log lines while `body` runs. */
async function captureLog(body: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  };
  try {
    await body();
  } finally {
    console.log = original;
  }
  return lines;
}

for (const master of MASTERS) {
  describe(`StreamingContext [${master}]`, () => {
    const h = new StreamingHarness(master);
    after(() => h.close());

    test("queueStream → map → foreachRDD: advance settles once the batch's output has run", async () => {
      await h.withContext(async ({ ssc, clock, sc }) => {
        const queue: Array<RDD<number>> = [];
        const out: Array<[number, number[]]> = [];
        ssc.queueStream(queue).map((x) => x + 1).foreachRDD(async (rdd, time) => {
          out.push([time.milliseconds, await rdd.collect()]);
        });
        ssc.start();
        queue.push(sc.parallelize([1, 2, 3], 2));
        await clock.advance(1000);
        assert.deepEqual(out, [[1000, [2, 3, 4]]]);
        queue.push(sc.parallelize([4], 1));
        await clock.advance(1000);
        await clock.advance(1000);
        // An empty queue gives an empty RDD, and the output still runs for it.
        assert.deepEqual(out, [
          [1000, [2, 3, 4]],
          [2000, [5]],
          [3000, []],
        ]);
      });
    });

    test("advancing several batches at once runs each due batch, in order", async () => {
      await h.withContext(async ({ ssc, clock, sc }) => {
        const queue = [sc.parallelize([1]), sc.parallelize([2]), sc.parallelize([3])];
        const times: number[] = [];
        const seen: number[][] = [];
        ssc.queueStream(queue).foreachRDD(async (rdd, time) => {
          times.push(time.milliseconds);
          seen.push(await rdd.collect());
        });
        ssc.start();
        await clock.advance(3500);
        assert.deepEqual(times, [1000, 2000, 3000]);
        assert.deepEqual(seen, [[1], [2], [3]]);
        await clock.advance(500);
        assert.deepEqual(times, [1000, 2000, 3000, 4000]);
      });
    });

    test("the first batch is the next multiple of the batch interval after start", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        await clock.setTime(1500);
        const times: number[] = [];
        let zero: Time | undefined;
        class Probe extends InputDStream<number> {
          start(): void {}
          stop(): void {}
          compute(validTime: Time): RDD<number> {
            zero = this.zeroTime;
            return this.context.sparkContext.parallelize([validTime.milliseconds]);
          }
        }
        new Probe(ssc).foreachRDD((_rdd, time) => {
          times.push(time.milliseconds);
        });
        ssc.start();
        await clock.advance(499);
        assert.deepEqual(times, []);
        await clock.advance(1);
        assert.deepEqual(times, [2000]);
        assert.equal(zero?.milliseconds, 1000);
      });
    });

    test("queueStream(oneAtATime = false) unions everything queued; defaultRDD fills empty batches", async () => {
      await h.withContext(async ({ ssc, clock, sc }) => {
        const queue = [sc.parallelize([1, 2]), sc.parallelize([3])];
        const all: number[][] = [];
        const withDefault: number[][] = [];
        ssc.queueStream(queue, false).foreachRDD(async (rdd) => {
          all.push(await rdd.collect());
        });
        const q2: Array<RDD<number>> = [];
        ssc.queueStream(q2, true, sc.parallelize([42])).foreachRDD(async (rdd) => {
          withDefault.push(await rdd.collect());
        });
        ssc.start();
        await clock.advance(1000);
        q2.push(sc.parallelize([7]));
        await clock.advance(2000);
        assert.deepEqual(all, [[1, 2, 3], [], []]);
        assert.deepEqual(withDefault, [[42], [7], [42]]);
      });
    });

    test("an InputDStream subclass returning undefined skips that batch's outputs", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const started: string[] = [];
        class EveryOther extends InputDStream<number> {
          start(): void {
            started.push("start");
          }
          stop(): void {
            started.push("stop");
          }
          compute(validTime: Time): RDD<number> | undefined {
            const i = (validTime.milliseconds - this.zeroTime!.milliseconds) / this.slideDuration.milliseconds;
            return i % 2 === 1 ? this.context.sparkContext.parallelize([i]) : undefined;
          }
        }
        const stream = new EveryOther(ssc);
        assert.equal(stream.name, "every other stream [0]");
        const out: Array<[number, number[]]> = [];
        stream.foreachRDD(async (rdd, t) => {
          out.push([t.milliseconds, await rdd.collect()]);
        });
        ssc.start();
        assert.deepEqual(started, ["start"]);
        await clock.advance(4000);
        assert.deepEqual(out, [
          [1000, [1]],
          [3000, [3]],
        ]);
        await ssc.stop({ stopSparkContext: false });
        assert.deepEqual(started, ["start", "stop"]);
      });
    });

    test("jobs of a batch run in the order their output operations were registered", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const events: string[] = [];
        const input = new TestInputStream(ssc, [[1], [2]]);
        input.foreachRDD(async (rdd, t) => {
          events.push(`a${t.milliseconds}:${(await rdd.collect()).join()}`);
        });
        input.map((x) => x * 10).foreachRDD(async (rdd, t) => {
          events.push(`b${t.milliseconds}:${(await rdd.collect()).join()}`);
        });
        ssc.start();
        await clock.advance(2000);
        assert.deepEqual(events, ["a1000:1", "b1000:10", "a2000:2", "b2000:20"]);
      });
    });

    test("print(num) prints Spark's layout: dashes, time, elements, '...' and a blank line", async () => {
      const lines = await captureLog(() =>
        h.withContext(async ({ ssc, clock }) => {
          const input = new TestInputStream(ssc, [[["a", 1], ["b", 2], ["c", 3]], [], [["x", [1, 2, 3]]]] as Array<Array<[string, unknown]>>);
          input.print(2);
          ssc.start();
          await clock.advance(3000);
        }),
      );
      const dashes = "-".repeat(43);
      assert.deepEqual(lines, [
        dashes, "Time: 1000 ms", dashes, "(a,1)", "(b,2)", "...", "",
        dashes, "Time: 2000 ms", dashes, "",
        dashes, "Time: 3000 ms", dashes, "(x,[1, 2, 3])", "",
      ]);
    });

    test("pprint prints a two-element array as a pair at every level, other arrays as lists", async () => {
      const lines = await captureLog(() =>
        h.withContext(async ({ ssc, clock }) => {
          new TestInputStream<unknown>(ssc, [[[0, [5, 6]], [1, 6, 7], [0, [1, 6, 7]], [[1, 2], [3, 4]], ["k", new Map([["m", [1, 2]]])], [undefined, null]]]).pprint();
          ssc.start();
          await clock.advance(1000);
        }),
      );
      assert.deepEqual(lines.slice(3), ["(0,(5,6))", "[1, 6, 7]", "(0,[1, 6, 7])", "((1,2),(3,4))", "(k,Map(m -> (1,2)))", "(None,null)", ""]);
    });

    test("pprint defaults to 10 elements", async () => {
      const lines = await captureLog(() =>
        h.withContext(async ({ ssc, clock }) => {
          new TestInputStream(ssc, [Array.from({ length: 12 }, (_, i) => i)]).pprint();
          ssc.start();
          await clock.advance(1000);
        }),
      );
      assert.deepEqual(lines.slice(3), ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "...", ""]);
    });

    test("saveAsTextFiles writes prefix-<ms>[.suffix] directories", async () => {
      const dir = h.tempDir("dstream-save-");
      await h.withContext(async ({ ssc, clock }) => {
        const input = new TestInputStream(ssc, [[["a", 1]], [["b", 2]]] as Array<Array<[string, number]>>);
        input.saveAsTextFiles(join(dir, "out"), "txt");
        input.saveAsTextFiles(join(dir, "plain"));
        ssc.start();
        await clock.advance(2000);
      });
      const names = readdirSync(dir).sort();
      assert.deepEqual(names, ["out-1000.txt", "out-2000.txt", "plain-1000", "plain-2000"]);
      const text = (d: string) =>
        readdirSync(join(dir, d))
          .filter((f) => f.startsWith("part-"))
          .map((f) => readFileSync(join(dir, d, f), "utf8"))
          .join("");
      assert.equal(text("out-1000.txt"), "(a,1)\n");
      assert.equal(text("plain-2000"), "(b,2)\n");
      assert.ok(existsSync(join(dir, "plain-2000", "_SUCCESS")));
    });

    test("saveAsTextFiles rewrites a batch directory that exists (a batch rerun after recovery), as Spark's streaming jobs skip output spec validation", async () => {
      const dir = h.tempDir("dstream-save-again-");
      // What a first attempt of batch 1000 left before the driver died: one stale part file.
      mkdirSync(join(dir, "out-1000"));
      writeFileSync(join(dir, "out-1000", "part-00000"), "(stale,0)\n");
      await h.withContext(async ({ ssc, clock }) => {
        new TestInputStream(ssc, [[["a", 1]]] as Array<Array<[string, number]>>, 1).saveAsTextFiles(join(dir, "out"));
        ssc.start();
        await clock.advance(1000);
      });
      assert.equal(readFileSync(join(dir, "out-1000", "part-00000"), "utf8"), "(a,1)\n");
      assert.ok(existsSync(join(dir, "out-1000", "_SUCCESS")));
    });

    test("a failed batch is reported, later batches still run, awaitTerminationOrTimeout rethrows", async () => {
      await h.withContext(async ({ ssc, clock, sc }) => {
        const queue = [0, 1, 2, 3].map((d) => sc.parallelize([d], 1));
        const out: number[][] = [];
        ssc
          .queueStream(queue)
          .map((i) => {
            if (i === 1) throw new Error("This is a special error");
            return i;
          })
          .foreachRDD(async (rdd) => {
            out.push(await rdd.collect());
          });
        ssc.start();
        const { log } = await captureStderr(() => clock.advance(4000));
        assert.deepEqual(out, [[0], [2], [3]]);
        // Spark's job id: the batch time prints as a Time ("2000 ms"), then the output operation's index.
        assert.match(log, /Error running job streaming job 2000 ms\.0\b/);
        // As an uncaught error is printed: the message on the line, then the user's frames only.
        const report = log.slice(log.indexOf("Error running job")).split("\n(run with")[0]!;
        assert.match(report, /^Error running job streaming job 2000 ms\.0: SparkException: Job aborted due to stage failure: .*This is a special error\n/);
        assert.match(report, /\nCaused by: Error: This is a special error\n {4}at .*test\/streaming\/StreamingContext\.test\.ts:\d+:\d+\)?\n {4}\.\.\. \d+ frames? in dstream, Node\.js or dependencies$/);
        assert.doesNotMatch(report, /src\/(core|streaming)\/|node:internal/, "internal frames are collapsed");
        assert.match(log, /\(run with --verbose or --log-level debug to see every frame\)/);
        await assert.rejects(ssc.awaitTerminationOrTimeout(10), /This is a special error/);
        await assert.rejects(ssc.awaitTermination(), /This is a special error/);
      });
    });

    test("at log level debug a failed batch is logged with every frame", async () => {
      await h.withContext(async ({ ssc, clock, sc }) => {
        ssc
          .queueStream([sc.parallelize([1], 1)])
          .map((i) => {
            throw new Error(`special error ${i}`);
          })
          .foreachRDD(async (rdd) => void (await rdd.collect()));
        ssc.start();
        const level = logger().level;
        setLogLevel("debug");
        try {
          const { log } = await captureStderr(() => clock.advance(1000));
          const report = log.slice(log.indexOf("ERROR dstream: Error running job streaming job 1000 ms.0"));
          assert.match(report, /special error 1/);
          assert.match(report, /src\/streaming\/scheduler\/Job\.ts:\d+/, "dstream's frames are shown");
          assert.doesNotMatch(report, /frames? in dstream, Node\.js or dependencies/);
        } finally {
          setLogLevel(level);
        }
        await assert.rejects(ssc.awaitTerminationOrTimeout(10), /special error 1/);
      });
    });

    test("awaitTerminationOrTimeout: false on timeout, true once stopped", async () => {
      const { ssc, clock, sc } = h.newContext();
      ssc.queueStream([sc.parallelize([1])]).foreachRDD(() => undefined);
      ssc.start();
      await clock.advance(1000);
      assert.equal(await ssc.awaitTerminationOrTimeout(1), false);
      const waiting = ssc.awaitTermination();
      await ssc.stop({ stopSparkContext: false });
      await waiting;
      assert.equal(await ssc.awaitTerminationOrTimeout(1000), true);
    });

    test("lifecycle: INITIALIZED → ACTIVE → STOPPED, getActive, start twice, start after stop", async () => {
      const { ssc, sc } = h.newContext();
      assert.equal(ssc.getState(), "INITIALIZED");
      assert.equal(StreamingContext.getActive(), undefined);
      ssc.queueStream([sc.parallelize([1])]).foreachRDD(() => undefined);
      ssc.start();
      assert.equal(ssc.getState(), "ACTIVE");
      assert.equal(StreamingContext.getActive(), ssc);
      ssc.start(); // a warning, as in Spark
      assert.equal(ssc.getState(), "ACTIVE");
      await ssc.stop({ stopSparkContext: false });
      assert.equal(ssc.getState(), "STOPPED");
      assert.equal(StreamingContext.getActive(), undefined);
      assert.throws(() => ssc.start(), (e: Error) => e instanceof IllegalStateException && /StreamingContext has already been stopped/.test(e.message));
      await ssc.stop({ stopSparkContext: false }); // stopping twice is fine
      assert.equal(sc.isStopped(), false);
    });

    test("stop() before start() just marks the context stopped", async () => {
      const { ssc, sc } = h.newContext();
      await ssc.stop({ stopSparkContext: false });
      assert.equal(ssc.getState(), "STOPPED");
      assert.throws(() => ssc.queueStream([sc.parallelize([1])]), /after stopping a context is not supported/);
    });

    test("start() with no output operation fails with Spark's message", async () => {
      const { ssc, sc } = h.newContext();
      ssc.queueStream([sc.parallelize([1])]).map((x) => x);
      assert.throws(
        () => ssc.start(),
        (e: Error) => e instanceof IllegalArgumentException && e.message === "requirement failed: No output operations registered, so nothing to execute",
      );
      assert.equal(ssc.getState(), "STOPPED");
      assert.equal(StreamingContext.getActive(), undefined);
    });

    test("operations added after start() are rejected", async () => {
      await h.withContext(async ({ ssc, sc }) => {
        const input = ssc.queueStream([sc.parallelize([1])]);
        input.foreachRDD(() => undefined);
        ssc.start();
        const msg = /Adding new inputs, transformations, and output operations after starting a context is not supported/;
        assert.throws(() => input.map((x) => x), (e: Error) => e instanceof IllegalStateException && msg.test(e.message));
        assert.throws(() => input.foreachRDD(() => undefined), msg);
        assert.throws(() => ssc.queueStream([]), msg);
      });
    });

    test("stateful streams need a checkpoint directory, checked at start()", async () => {
      const msg = "requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().";
      // The check reads the SparkContext's checkpoint directory, so use a SparkContext that has none.
      await h.releaseSparkContext();
      const fresh = new SparkContext({ master, appName: "no-checkpoint" });
      try {
        for (const build of [
          (s: TestInputStream<[string, number]>) => s.updateStateByKey((vs: number[], st: number | undefined) => (st ?? 0) + vs.length),
          (s: TestInputStream<[string, number]>) => s.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 2, 1),
          (s: TestInputStream<[string, number]>) => s.countByWindow(2, 1),
          (s: TestInputStream<[string, number]>) => s.mapWithState(StateSpec.function((_k: string, v: number | undefined) => v)),
        ]) {
          const ssc = new StreamingContext(fresh, Seconds(1), { clock: new ManualClock() });
          build(new TestInputStream(ssc, [[["a", 1]]])).print();
          assert.throws(() => ssc.start(), (e: Error) => e instanceof IllegalArgumentException && e.message === msg);
          assert.equal(ssc.getState(), "STOPPED");
        }
        // Without stateful streams, no checkpoint directory is needed.
        const ssc = new StreamingContext(fresh, Seconds(1), { clock: new ManualClock() });
        new TestInputStream(ssc, [[1]]).reduceByWindow((a, b) => a + b, 2, 1).foreachRDD(() => undefined);
        ssc.start();
        await ssc.stop({ stopSparkContext: false });
      } finally {
        await fresh.stop();
      }
    });

    test("new StreamingContext({ master, appName, batchDuration }) owns a SparkContext that stop() stops", async () => {
      await h.releaseSparkContext();
      const clock = new ManualClock();
      const ssc = new StreamingContext({ master, appName: "own", batchDuration: Milliseconds(500), clock });
      try {
        assert.equal(ssc.batchDuration.milliseconds, 500);
        assert.equal(ssc.sparkContext.appName, "own");
        const out: number[][] = [];
        ssc.queueStream([ssc.sparkContext.parallelize([1, 2])]).foreachRDD(async (rdd) => {
          out.push(await rdd.collect());
        });
        ssc.start();
        await clock.advance(500);
        assert.deepEqual(out, [[1, 2]]);
      } finally {
        await ssc.stop();
      }
      assert.equal(ssc.sparkContext.isStopped(), true);
    });

    test("spark.streaming.clock = ManualClock selects a manual clock", async () => {
      await h.releaseSparkContext();
      const ssc = new StreamingContext({
        master,
        appName: "conf-clock",
        batchDuration: 1,
        conf: { "spark.streaming.clock": "org.apache.spark.util.ManualClock" },
      });
      try {
        assert.ok(ssc.clock instanceof ManualClock);
        assert.equal(ssc.batchDuration.toString(), "1000 ms");
      } finally {
        await ssc.stop();
      }
    });

    test("remember() keeps RDDs for slice(), which is inclusive and aligned to the slide", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        ssc.remember(Seconds(10));
        const input = new TestInputStream(ssc, [[1], [2], [3], [4]]);
        assert.throws(() => input.slice(new Time(0), new Time(1000)), (e: Error) => e instanceof SparkException && /has not been initialized/.test(e.message));
        input.foreachRDD(() => undefined);
        ssc.start();
        await clock.advance(4000);
        const sliced = async (from: number, to: number) => (await Promise.all(input.slice(new Time(from), new Time(to)).map((r) => r.collect()))).flat();
        assert.deepEqual(await sliced(1000, 1000), [1]);
        assert.deepEqual(await sliced(2000, 3000), [2, 3]);
        assert.deepEqual(await sliced(0, 4000), [1, 2, 3, 4]);
        assert.deepEqual(await sliced(1500, 3500), [1, 2, 3]);
      });
    });

    test("ssc.union and ssc.transform combine streams; different slides are rejected", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const a = new TestInputStream(ssc, [[1, 2], [3]]);
        const b = new TestInputStream(ssc, [[10], [20, 30]]);
        const unionOut: number[][] = [];
        const transformOut: number[][] = [];
        ssc.union([a, b]).foreachRDD(async (rdd) => {
          unionOut.push(await rdd.collect());
        });
        ssc
          .transform<number>([a, b], (rdds) => (rdds[0] as RDD<number>).union(rdds[1] as RDD<number>).map((x) => x * 2))
          .foreachRDD(async (rdd) => {
            transformOut.push(await rdd.collect());
          });
        const windowed = a.window(2, 2);
        assert.throws(() => ssc.union([a, windowed]), /requirement failed: Some of the DStreams have different slide durations/);
        assert.throws(() => ssc.transform([a, windowed], (rdds) => rdds[0]!), /Some of the DStreams have different slide durations/);
        assert.throws(() => a.union(windowed), /different slide durations/);
        ssc.start();
        await clock.advance(2000);
        assert.deepEqual(unionOut, [
          [1, 2, 10],
          [3, 20, 30],
        ]);
        assert.deepEqual(transformOut, [
          [2, 4, 20],
          [6, 40, 60],
        ]);
      });
    });

    test("a plain number where a Duration is expected means seconds", async () => {
      await h.withContext(async ({ ssc, clock, sc }) => {
        const counts: number[][] = [];
        ssc.queueStream([sc.parallelize([1]), sc.parallelize([2, 3])]).window(2, 1).count().foreachRDD(async (rdd) => {
          counts.push(await rdd.collect());
        });
        ssc.start();
        await clock.advance(3000);
        assert.deepEqual(counts, [[1], [3], [2]]);
      }, Milliseconds(1000));
    });

    test("stop(): graceful runs every generated batch; otherwise batches not yet started are dropped", async () => {
      for (const stopGracefully of [true, false]) {
        const { ssc, clock, sc } = h.newContext();
        const seen: number[] = [];
        ssc.queueStream([sc.parallelize([1]), sc.parallelize([2]), sc.parallelize([3])]).foreachRDD(async (rdd) => {
          seen.push(...(await rdd.collect()));
        });
        ssc.start();
        const advanced = clock.advance(3000);
        await ssc.stop({ stopSparkContext: false, stopGracefully });
        await advanced;
        assert.deepEqual(seen, stopGracefully ? [1, 2, 3] : [1], `stopGracefully = ${stopGracefully}`);
      }
    });

    test("stop() from inside an output operation does not wait for itself", async () => {
      const { ssc, clock, sc } = h.newContext();
      const seen: number[] = [];
      let stopped: Promise<void> | undefined;
      ssc.queueStream([sc.parallelize([1]), sc.parallelize([2]), sc.parallelize([3])]).foreachRDD(async (rdd) => {
        seen.push(...(await rdd.collect()));
        if (seen.length === 2) stopped = ssc.stop({ stopSparkContext: false });
      });
      ssc.start();
      await clock.advance(3000);
      await stopped;
      assert.equal(ssc.getState(), "STOPPED");
      assert.deepEqual(seen, [1, 2]);
    });
  });
}
