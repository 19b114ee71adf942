/**
 * Rate limits: Spark's PID rate estimator against its formula, `maxMessagesPerPartition` against
 * Spark's rules, and, on a real broker, `maxRatePerPartition` and backpressure capping each batch
 * of contiguous ranges. The estimator is fed given batch timings, never wall-clock ones.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock, Milliseconds, Seconds, SparkConf, StreamingContext } from "../../../../src/index.js";
import {
  ConsumerStrategies,
  DirectKafkaInputDStream,
  KafkaUtils,
  LocationStrategies,
  PIDRateEstimator,
  PerPartitionConfig,
  RateController,
  createRateEstimator,
} from "../../../../src/connectors/kafka/index.js";
import { uniqueTopic, useBroker } from "../broker.js";
import { MASTERS, assertContiguous, recordBatches, streamParams, suiteContext, withStreaming } from "./support.js";

const broker = useBroker();

/** Spark's PID step, written out independently of the implementation. */
function pidStep(
  s: { latestRate: number; latestError: number; latestTime: number },
  k: { p: number; i: number; d: number; min: number; batchMs: number },
  time: number,
  elems: number,
  procMs: number,
  schedMs: number,
): number {
  const processingRate = (elems / procMs) * 1000;
  const error = s.latestRate - processingRate;
  const historicalError = (schedMs * processingRate) / k.batchMs;
  const dError = (error - s.latestError) / ((time - s.latestTime) / 1000);
  return Math.max(s.latestRate - k.p * error - k.i * historicalError - k.d * dError, k.min);
}

describe("PIDRateEstimator (Spark's formula and defaults)", () => {
  it("uses Spark's defaults: proportional 1.0, integral 0.2, derived 0.0, minRate 100", () => {
    const e = createRateEstimator(new SparkConf(), Seconds(1)) as PIDRateEstimator;
    assert.ok(e instanceof PIDRateEstimator);
    assert.deepEqual([e.batchIntervalMillis, e.proportional, e.integral, e.derivative, e.minRate], [1000, 1.0, 0.2, 0.0, 100]);
    const custom = createRateEstimator(new SparkConf().set("spark.streaming.backpressure.pid.minRate", "5").set("spark.streaming.backpressure.pid.derived", "0.5"), Seconds(2)) as PIDRateEstimator;
    assert.deepEqual([custom.batchIntervalMillis, custom.derivative, custom.minRate], [2000, 0.5, 5]);
    assert.throws(() => createRateEstimator(new SparkConf().set("spark.streaming.backpressure.rateEstimator", "magic"), Seconds(1)), /Unknown rate estimator: magic/);
  });

  it("gives no estimate on the first batch, nor without progress in time, records or processing delay", () => {
    const e = new PIDRateEstimator(1000, 1, 0.2, 0, 100);
    assert.equal(e.compute(1000, 10, 10, 0), undefined, "the first batch only calibrates");
    assert.equal(e.compute(1000, 10, 10, 0), undefined, "no time has passed");
    assert.equal(e.compute(2000, 0, 10, 0), undefined, "no records");
    assert.equal(e.compute(2000, 10, 0, 0), undefined, "no processing delay");
    assert.notEqual(e.compute(2000, 10, 10, 0), undefined);
  });

  it("follows Spark's formula batch after batch, and never goes below minRate", () => {
    const k = { p: 1.0, i: 0.2, d: 0.1, min: 100, batchMs: 1000 };
    const e = new PIDRateEstimator(k.batchMs, k.p, k.i, k.d, k.min);
    // [time, records, processing ms, scheduling ms]
    const batches: Array<[number, number, number, number]> = [
      [1000, 1000, 500, 0],
      [2000, 1000, 2000, 0],
      [3000, 500, 2000, 700],
      [4000, 300, 100, 0],
      [5000, 200, 5000, 3000],
      [6000, 3000, 1000, 0],
    ];
    const state = { latestRate: -1, latestError: -1, latestTime: -1 };
    const outputs: Array<number | undefined> = [];
    const expected: Array<number | undefined> = [];
    for (const [i, [t, n, proc, sched]] of batches.entries()) {
      outputs.push(e.compute(t, n, proc, sched));
      const processingRate = (n / proc) * 1000;
      if (i === 0) {
        expected.push(undefined);
        Object.assign(state, { latestRate: processingRate, latestError: 0, latestTime: t });
      } else {
        const rate = pidStep(state, k, t, n, proc, sched);
        expected.push(rate);
        Object.assign(state, { latestRate: rate, latestError: state.latestRate - processingRate, latestTime: t });
      }
    }
    assert.deepEqual(outputs, expected);
    // Worked example of the second batch: measured 500/s against the calibrated 2000/s.
    assert.equal(outputs[1], 2000 - 1.0 * 1500 - 0.2 * 0 - 0.1 * 1500);
    assert.equal(outputs[4], 100, "a very slow batch is floored at minRate");
  });

  it("rejects Spark's invalid settings", () => {
    assert.throws(() => new PIDRateEstimator(0, 1, 0.2, 0, 100), /batch interval 0 in PIDRateEstimator is invalid/);
    assert.throws(() => new PIDRateEstimator(1000, -1, 0.2, 0, 100), /Proportional term -1/);
    assert.throws(() => new PIDRateEstimator(1000, 1, 0.2, 0, 0), /Minimum rate in PIDRateEstimator should be > 0/);
  });

  it("RateController feeds completed batches of its stream to the estimator", () => {
    const c = new RateController(3, new PIDRateEstimator(1000, 1, 0.2, 0, 100));
    const batch = (end: number, n: number, proc: number, sched: number) => ({
      batchInfo: {
        batchTime: undefined as never,
        streamIdToInputInfo: new Map([[3, { inputStreamId: 3, numRecords: n, metadata: {} }]]),
        submissionTime: 0,
        processingStartTime: end - proc,
        processingEndTime: end,
        outputOperationInfos: new Map(),
        numRecords: n,
        schedulingDelay: sched,
        processingDelay: proc,
        totalDelay: proc + sched,
      },
    });
    c.onBatchCompleted(batch(1000, 1000, 500, 0));
    assert.equal(c.getLatestRate(), -1);
    c.onBatchCompleted(batch(2000, 1000, 2000, 0));
    assert.equal(c.getLatestRate(), 500);
  });
});

/** A direct stream that is never started: for the rate arithmetic alone. */
function idleStream(conf: Record<string, string>, batchMs: number, ppc?: PerPartitionConfig): { stream: DirectKafkaInputDStream<string | null, string>; ssc: StreamingContext } {
  const ssc = new StreamingContext({ master: "local[1]", appName: "rates", batchDuration: Milliseconds(batchMs), conf, clock: new ManualClock() });
  const strategy = ConsumerStrategies.Subscribe(["t"], streamParams());
  return { ssc, stream: KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, strategy, ppc) };
}

const at = (entries: Array<[string, number]>) => new Map(entries.map(([k, offset]) => [k, { topic: "t", partition: Number(k.slice(2)), offset }]));

describe("maxMessagesPerPartition (Spark's rules)", () => {
  it("without backpressure: maxRatePerPartition × batch seconds, or no limit", async () => {
    const { ssc, stream } = idleStream({ "spark.streaming.kafka.maxRatePerPartition": "100" }, 100);
    try {
      assert.deepEqual(stream.maxMessagesPerPartition(new Map([["t-0", 50], ["t-1", 50]]), at([["t-0", 0], ["t-1", 0]])), new Map([["t-0", 10], ["t-1", 10]]));
    } finally {
      await ssc.stop();
    }
    const none = idleStream({}, 100);
    try {
      assert.equal(none.stream.maxMessagesPerPartition(new Map([["t-0", 50]]), at([["t-0", 0]])), undefined);
    } finally {
      await none.ssc.stop();
    }
  });

  it("with backpressure: the estimate shared by lag, capped by maxRatePerPartition, at least minRatePerPartition", async () => {
    const { ssc, stream } = idleStream(
      { "spark.streaming.backpressure.enabled": "true", "spark.streaming.kafka.maxRatePerPartition": "300", "spark.streaming.kafka.minRatePerPartition": "7" },
      1000,
    );
    try {
      const rc = stream.rateController!;
      assert.ok(rc instanceof RateController);
      // No estimate yet and no initialRate: maxRatePerPartition alone.
      assert.deepEqual(stream.maxMessagesPerPartition(new Map([["t-0", 50]]), at([["t-0", 0]])), new Map([["t-0", 300]]));
      rc.computeAndPublish(1000, 1000, 1000, 0);
      rc.computeAndPublish(2000, 1000, 2500, 0); // measured 400/s: the estimate drops from 1000 to 400
      assert.equal(rc.getLatestRate(), 400);
      // Lags 900, 99 and 1: 400/s shared as 360, 39.6 and 0.4 — the last raised to minRatePerPartition.
      assert.deepEqual(
        stream.maxMessagesPerPartition(new Map([["t-0", 900], ["t-1", 99], ["t-2", 1]]), at([["t-0", 0], ["t-1", 0], ["t-2", 0]])),
        new Map([["t-0", 300], ["t-1", 39], ["t-2", 7]]),
      );
    } finally {
      await ssc.stop();
    }
  });

  it("a PerPartitionConfig sets the limit per partition", async () => {
    class Hot extends PerPartitionConfig {
      maxRatePerPartition(tp: { partition: number }): number {
        return tp.partition === 0 ? 20 : 5;
      }
    }
    const { ssc, stream } = idleStream({}, 2000, new Hot());
    try {
      assert.deepEqual(stream.maxMessagesPerPartition(new Map([["t-0", 99], ["t-1", 99]]), at([["t-0", 0], ["t-1", 0]])), new Map([["t-0", 40], ["t-1", 10]]));
    } finally {
      await ssc.stop();
    }
  });
});

for (const master of MASTERS) {
  describe(`Kafka direct stream rates [${master}]`, () => {
    const limited = suiteContext(master, { "spark.streaming.kafka.maxRatePerPartition": "5" });

    it("fixes contiguous offset ranges with no gap or overlap, at most maxRatePerPartition × batch seconds each", async () => {
      const topic = await broker.createTopic(uniqueTopic("contiguous"), 2);
      const p0 = Array.from({ length: 23 }, (_, i) => ({ topic, partition: 0, value: `p0-${i}` }));
      const p1 = Array.from({ length: 9 }, (_, i) => ({ topic, partition: 1, value: `p1-${i}` }));
      await broker.produce([...p0, ...p1]);
      await withStreaming(limited(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], streamParams()));
        const batches = recordBatches(stream);
        ssc.start();
        await clock.advance(3000);
        await broker.produce(Array.from({ length: 4 }, (_, i) => ({ topic, partition: 1, value: `p1-late-${i}` })));
        await clock.advance(3000);
        const end = assertContiguous(batches, new Map());
        assert.deepEqual(
          batches.map((b) => b.ranges.map((r) => r.count())),
          [
            [5, 5],
            [5, 4],
            [5, 0],
            [5, 4],
            [3, 0],
            [0, 0],
          ],
        );
        assert.deepEqual([...end], [
          [`${topic}-0`, 23],
          [`${topic}-1`, 13],
        ]);
      });
    });
  });

  describe(`Kafka direct stream backpressure [${master}]`, () => {
    const pressured = suiteContext(master, { "spark.streaming.backpressure.enabled": "true", "spark.streaming.backpressure.initialRate": "400" });

    it("caps each batch by the PID estimate, shared by lag: lower processing rates lower the cap", async () => {
      const topic = await broker.createTopic(uniqueTopic("backpressure"), 2);
      await broker.produce([
        ...Array.from({ length: 3000 }, (_, i) => ({ topic, partition: 0, value: `a${i}` })),
        ...Array.from({ length: 1000 }, (_, i) => ({ topic, partition: 1, value: `b${i}` })),
      ]);
      await withStreaming(pressured(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([topic], streamParams()));
        const batches = recordBatches(stream);
        const rc = stream.rateController!;
        // The estimator is fed the timings below, not the wall-clock timings of these batches.
        ssc.removeStreamingListener(rc);
        ssc.start();
        const rates: number[] = [];
        const step = async (feed?: [number, number, number, number]): Promise<void> => {
          if (feed) rc.computeAndPublish(...feed);
          rates.push(rc.getLatestRate());
          await clock.advance(1000);
        };
        await step(); // no estimate: initialRate 400, shared 3:1 by lag
        await step([1000, 400, 200, 0]); // first estimate only calibrates (2000/s)
        await step([2000, 400, 2000, 0]); // 200/s measured: 2000 - (2000 - 200) = 200
        await step([3000, 200, 4000, 2000]); // 50/s with 2 s delay: 200 - 150 - 0.2 × 100 = 30, floored at minRate 100
        assert.deepEqual(rates, [-1, -1, 200, 100]);
        assert.deepEqual(
          batches.map((b) => b.ranges.map((r) => r.count())),
          [
            [300, 100],
            [300, 100],
            [150, 50],
            [75, 25],
          ],
        );
        assertContiguous(batches, new Map());
      });
    });
  });
}
