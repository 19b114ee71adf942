/**
 * Durations and streaming settings that cannot work are refused when they are given, with a
 * message naming what and the value; a StreamingContext refused at construction leaves no
 * SparkContext running behind it.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  Duration,
  IllegalArgumentException,
  ManualClock,
  Milliseconds,
  Minutes,
  Seconds,
  SparkConf,
  SparkContext,
  StateSpec,
  StreamingContext,
} from "../../src/index.js";
import { MASTERS, StreamingHarness, TestInputStream } from "./harness.js";
import { tempDir } from "../helpers/masters.js";

/** After a refused construction, a new SparkContext on `master` starts and runs a job. */
async function newSparkContextWorks(master: string): Promise<void> {
  assert.equal(SparkContext.getActive(), undefined, "no SparkContext is left running");
  const sc = new SparkContext({ master, appName: "after" });
  try {
    assert.equal(await sc.parallelize([1, 2, 3], 2).count(), 3);
  } finally {
    await sc.stop();
  }
}

describe("Duration factories", () => {
  test("refuse fractions of a millisecond instead of rounding them", () => {
    assert.throws(() => Milliseconds(0.5), (e: Error) => e instanceof TypeError && /^Milliseconds\(0\.5\) is 0\.5 ms: durations are whole milliseconds/.test(e.message));
    assert.throws(() => Seconds(0.0005), /^TypeError: Seconds\(0\.0005\) is 0\.5 ms/);
    assert.throws(() => Seconds(1.0004), /Seconds\(1\.0004\) is 1000\.4/);
    assert.throws(() => new Duration(1.5), /Duration: expected a whole number of milliseconds, got 1\.5/);
    // Float products that mean a whole millisecond are that millisecond.
    assert.equal(Seconds(0.57).milliseconds, 570);
    assert.equal(Seconds(0.001).milliseconds, 1);
    assert.equal(Minutes(0.5).milliseconds, 30_000);
  });

  test("refuse NaN and Infinity, naming the factory", () => {
    for (const f of [Milliseconds, Seconds, Minutes]) {
      for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        assert.throws(() => f(v), (e: Error) => e instanceof TypeError && e.message === `${f.name}: expected a finite number, got ${v}`);
      }
    }
  });

  test("negative durations exist, as in Spark (differences of times), and 0 prints as 0 ms", () => {
    assert.equal(Seconds(-2).milliseconds, -2000);
    assert.equal(String(Seconds(1).minus(Seconds(3))), "-2000 ms");
    assert.equal(String(Milliseconds(-0)), "0 ms");
  });
});

describe("ManualClock", () => {
  test("advance refuses a negative step", async () => {
    const clock = new ManualClock(1000);
    assert.throws(() => clock.advance(-1), (e: Error) => e instanceof RangeError && /advance: a manual clock only moves forward, got -1 ms/.test(e.message));
    assert.throws(() => clock.advance(Number.NaN), /advance: expected a finite number of milliseconds, got NaN/);
    assert.equal(clock.getTimeMillis(), 1000);
    await clock.advance(0);
    assert.equal(clock.getTimeMillis(), 1000);
  });
});

for (const master of MASTERS) {
  describe(`batch durations and settings refused at construction [${master}]`, () => {
    const h = new StreamingHarness(master);
    after(() => h.close());

    test("a batch duration of 0, negative, sub-millisecond, NaN or Infinity is refused, naming it and the value", async () => {
      await h.releaseSparkContext();
      const cases: Array<[unknown, RegExp]> = [
        [0, /^requirement failed: StreamingContext: the batch duration must be positive, got 0 ms \(0 s\)$/],
        [Milliseconds(0), /^requirement failed: StreamingContext: the batch duration must be positive, got 0 ms$/],
        [Seconds(-2), /^requirement failed: StreamingContext: the batch duration must be positive, got -2000 ms$/],
        [-1000, /^requirement failed: StreamingContext: the batch duration must be positive, got -1000000 ms \(-1000 s\)$/],
        [0.0005, /^StreamingContext: the batch duration: Seconds\(0\.0005\) is 0\.5 ms: durations are whole milliseconds/],
        [Number.NaN, /^StreamingContext: the batch duration must be a Duration \(e\.g\. Seconds\(1\)\) or a number of seconds, got NaN$/],
        [Number.POSITIVE_INFINITY, /got Infinity$/],
        ["1", /got 1$/],
      ];
      for (const [batchDuration, message] of cases) {
        for (const make of [
          () => new StreamingContext({ master, appName: "bad-batch", batchDuration: batchDuration as number }),
          () => new StreamingContext(new SparkConf().setMaster(master).setAppName("bad-batch"), batchDuration as number),
        ]) {
          assert.throws(make, (e: Error) => message.test(e.message), `${String(batchDuration)}`);
          await newSparkContextWorks(master);
        }
      }
      const sc = h.sparkContext();
      assert.throws(() => new StreamingContext(sc, Seconds(-2)), (e: Error) => e instanceof IllegalArgumentException && /batch duration must be positive, got -2000 ms/.test(e.message));
      assert.equal(sc.isStopped(), false, "a SparkContext the caller passed in is the caller's: it keeps running");
    });

    test("a setting refused after the SparkContext was created stops that SparkContext", async () => {
      await h.releaseSparkContext();
      for (const conf of <Array<Record<string, string>>>[{ "spark.streaming.clock": "Sundial" }, { "spark.streaming.concurrentJobs": "0" }, { "spark.streaming.blockInterval": "0" }]) {
        assert.throws(() => new StreamingContext({ master, appName: "bad-conf", batchDuration: 1, conf }), Error, JSON.stringify(conf));
        await newSparkContextWorks(master);
      }
    });

    test("numeric streaming settings are refused with the key and the value", async () => {
      await h.releaseSparkContext();
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{ "spark.streaming.blockInterval": "0" }, /^requirement failed: 'spark\.streaming\.blockInterval' should be a positive value$/],
        [{ "spark.streaming.blockInterval": "0ms" }, /'spark\.streaming\.blockInterval' should be a positive value/],
        [{ "spark.streaming.blockInterval": "-1" }, /spark\.streaming\.blockInterval must be a duration like 3s or 100ms, got '-1'/],
        [{ "spark.streaming.concurrentJobs": "0" }, /spark\.streaming\.concurrentJobs should be a positive whole number, but was 0/],
        [{ "spark.streaming.receiverRestartDelay": "-5" }, /spark\.streaming\.receiverRestartDelay should be zero or more, but was -5/],
        [{ "spark.streaming.gracefulStopTimeout": "-1s" }, /spark\.streaming\.gracefulStopTimeout must be a duration/],
        [{ "spark.streaming.receiver.writeAheadLog.rollingIntervalSecs": "0" }, /rollingIntervalSecs should be a positive whole number, but was 0/],
        [{ "spark.streaming.sessionByKey.deltaChainThreshold": "0" }, /deltaChainThreshold should be a positive whole number/],
        [{ "dstream.streaming.writeAheadLog.maxSegmentBytes": "0" }, /maxSegmentBytes should be a positive size, but was 0/],
        [{ "spark.streaming.backpressure.initialRate": "-1" }, /initialRate should be a non-negative number of records per second, but was '-1'/],
        [{ "spark.streaming.backpressure.initialRate": "lots" }, /initialRate should be a non-negative number/],
      ];
      for (const [conf, message] of cases) {
        assert.throws(() => new StreamingContext({ master, appName: "conf", batchDuration: 1, conf }), (e: Error) => message.test(e.message), JSON.stringify(conf));
      }
      assert.equal(SparkContext.getActive(), undefined);
    });

    test("window, slide, remember, checkpoint interval and state timeout must be positive", async () => {
      await h.withContext(async ({ ssc }) => {
        const input = new TestInputStream<number>(ssc, [[1]]);
        const pairs = input.map((x) => [x, x] as [number, number]);
        assert.throws(() => input.window(0), /^IllegalArgumentException: requirement failed: windowDuration must be positive, got 0 ms \(0 s\)$/);
        assert.throws(() => input.window(Seconds(-2)), /windowDuration must be positive, got -2000 ms/);
        assert.throws(() => input.window(Seconds(2), Seconds(0)), /slideDuration must be positive, got 0 ms/);
        assert.throws(() => input.countByWindow(Seconds(-1), Seconds(1)), /windowDuration must be positive/);
        assert.throws(() => pairs.reduceByKeyAndWindow((a, b) => a + b, Seconds(0)), /windowDuration must be positive/);
        assert.throws(() => input.window(Number.NaN), /windowDuration must be a Duration .* got NaN/);
        assert.throws(() => input.checkpoint(0), /checkpoint interval must be positive, got 0 ms/);
        assert.throws(() => input.checkpoint(Seconds(-10)), /checkpoint interval must be positive, got -10000 ms/);
        assert.throws(() => ssc.remember(Seconds(-1)), /remember duration must be positive, got -1000 ms/);
        assert.throws(() => StateSpec.function(() => 1).timeout(Seconds(0)), /StateSpec\.timeout must be positive, got 0 ms/);
        assert.throws(() => StateSpec.function(() => 1).timeout(-3), /StateSpec\.timeout must be positive, got -3000 ms/);
        input.foreachRDD(() => undefined);
      });
    });

    test("awaitTerminationOrTimeout: a negative timeout waits for ever, as in Spark; a huge one does not fire at once", async () => {
      const { ssc, clock, sc } = h.newContext();
      ssc.queueStream([sc.parallelize([1])]).foreachRDD(() => undefined);
      ssc.start();
      await clock.advance(1000);
      for (const timeout of [-1, Number.POSITIVE_INFINITY, 2 ** 31, 10 ** 12]) {
        let settled = false;
        const waiting = ssc.awaitTerminationOrTimeout(timeout).then((v) => {
          settled = true;
          return v;
        });
        // Several turns of the event loop: a timer that overflowed would have fired by now.
        await new Promise<void>((r) => setImmediate(r));
        await new Promise<void>((r) => setTimeout(r, 5));
        assert.equal(settled, false, `awaitTerminationOrTimeout(${timeout}) returned before the context stopped`);
        void waiting;
      }
      const last = ssc.awaitTerminationOrTimeout(-1);
      await ssc.stop({ stopSparkContext: false });
      assert.equal(await last, true);
    });

    test("a checkpoint directory that cannot be created fails at once with the path and why, never spins", async () => {
      const file = join(tempDir("dstream-cpfile-"), "a-file");
      writeFileSync(file, "");
      await h.withContext(async ({ ssc }) => {
        assert.throws(() => ssc.checkpoint("/proc/dstream-no-such-dir/cp"), (e: Error) => e.name === "IOException" && /^checkpoint: cannot create the directory \/proc\/dstream-no-such-dir\/cp: mkdir \/proc\/dstream-no-such-dir failed \(ENOENT\)/.test(e.message));
        assert.throws(() => ssc.checkpoint(join(file, "cp")), (e: Error) => e.name === "IOException" && e.message === `checkpoint: cannot create the directory ${join(file, "cp")}: ${file} exists and is not a directory`);
      }, undefined, false);
      await h.releaseSparkContext();
      // getOrCreate on such a path: the context the creating function made is stopped, so a new one can start.
      assert.throws(() => StreamingContext.getOrCreate(join(file, "cp"), () => new StreamingContext({ master, appName: "goc", batchDuration: 1 })), /Cannot use checkpoint directory .*: it, or a directory above it, is a file/);
      await newSparkContextWorks(master);
      assert.throws(() => StreamingContext.getOrCreate("/proc/dstream-no-such-dir/cp", () => new StreamingContext({ master, appName: "goc", batchDuration: 1 })), /checkpoint: cannot create the directory \/proc/);
      await newSparkContextWorks(master);
    });
  });
}
