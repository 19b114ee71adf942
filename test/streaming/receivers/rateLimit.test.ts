/**
 * Receiver rate limits, as Spark's: `spark.streaming.receiver.maxRate` caps every receiver,
 * `spark.streaming.backpressure.initialRate` sets the first limit, and with
 * `spark.streaming.backpressure.enabled` each completed batch moves the limit to the PID
 * estimator's new rate (Spark's ReceiverRateController). The limit throttles what a receiver
 * reads from its source, not only what it stores.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { Milliseconds, PIDRateEstimator, Receiver, SparkConf, StreamingContext, createRateEstimator } from "../../../src/index.js";
import { RateLimiter } from "../../../src/streaming/receiver/RateLimiter.js";
import { waitFor } from "./support.js";

describe("RateLimiter (Spark's receiver RateLimiter)", () => {
  test("starts at min(initialRate, maxRate), takes estimates capped by maxRate, ignores non-positive ones", () => {
    assert.equal(new RateLimiter({ maxRate: 0, initialRate: 0 }).getCurrentLimit(), Infinity);
    assert.equal(new RateLimiter({ maxRate: 500, initialRate: 0 }).getCurrentLimit(), 500);
    assert.equal(new RateLimiter({ maxRate: 500, initialRate: 200 }).getCurrentLimit(), 200);
    assert.equal(new RateLimiter({ maxRate: 100, initialRate: 200 }).getCurrentLimit(), 100);
    const l = new RateLimiter({ maxRate: 1000, initialRate: 0 });
    l.updateRate(300);
    assert.equal(l.getCurrentLimit(), 300);
    l.updateRate(5000);
    assert.equal(l.getCurrentLimit(), 1000);
    l.updateRate(0);
    l.updateRate(-1);
    assert.equal(l.getCurrentLimit(), 1000);
    const free = new RateLimiter({ maxRate: 0, initialRate: 0 });
    free.updateRate(42);
    assert.equal(free.getCurrentLimit(), 42, "an estimate limits a receiver that had no maxRate");
  });

  test("paces records at the current limit, with no burst after an idle spell", () => {
    let now = 0;
    const l = new RateLimiter({ maxRate: 100, initialRate: 0 }, () => now);
    assert.equal(l.taken(50), 500);
    assert.equal(l.taken(50), 1000);
    now = 5000; // idle for 4 s: no permits were saved up
    assert.equal(l.taken(10), 100);
    assert.equal(new RateLimiter({ maxRate: 0, initialRate: 0 }, () => now).taken(1e9), 0);
  });
});

/** Reads as fast as its limit lets it, as a pulling receiver should: `waitToPush` before each read. */
class PullReceiver extends Receiver<number> {
  private next = 0;
  onStart(): void {
    void (async () => {
      while (!this.isStopped()) {
        await this.waitToPush(50);
        if (this.isStopped()) return;
        await this.store(Array.from({ length: 50 }, () => this.next++));
      }
    })();
  }
  onStop(): void {}
}

describe("receiver backpressure (spark.streaming.backpressure.enabled)", () => {
  test("each completed batch sets the receiver's limit to the PID estimate for that batch, capped by maxRate", { timeout: 60_000 }, async () => {
    const conf = new SparkConf()
      .setMaster("local[2]")
      .setAppName("receiver-backpressure")
      .set("spark.ui.enabled", "false")
      .set("spark.streaming.backpressure.enabled", "true")
      .set("spark.streaming.backpressure.initialRate", "4000")
      .set("spark.streaming.receiver.maxRate", "5000");
    const ssc = new StreamingContext(conf, Milliseconds(200));
    const stream = ssc.receiverStream(new PullReceiver());
    assert.ok(stream.rateController !== undefined);
    // Slow work per record, so that the estimate falls well below the initial rate.
    stream
      .map((x) => {
        const until = performance.now() + 0.5;
        while (performance.now() < until);
        return x;
      })
      .count()
      .foreachRDD(async (rdd) => void (await rdd.collect()));
    const estimator = createRateEstimator(conf, ssc.batchDuration) as PIDRateEstimator;
    const seen: Array<{ expected: number; limit: number | undefined; records: number }> = [];
    let expected = 4000;
    ssc.addStreamingListener({
      onBatchCompleted: ({ batchInfo: b }) => {
        const records = b.streamIdToInputInfo.get(stream.id)?.numRecords ?? 0;
        const e = estimator.compute(b.processingEndTime!, records, b.processingDelay!, b.schedulingDelay!);
        if (e !== undefined) expected = Math.min(Math.trunc(e), 5000);
        seen.push({ expected, limit: stream.currentRateLimit, records });
      },
    });
    ssc.start();
    try {
      await waitFor(() => seen.filter((s) => s.records > 0).length >= 6, "six batches with records", 50_000);
    } finally {
      await ssc.stop({ stopSparkContext: true });
    }
    for (const s of seen) assert.equal(s.limit, s.expected, `the limit follows the estimator: ${JSON.stringify(seen)}`);
    assert.ok(seen.some((s) => s.expected < 4000), `the estimate moved the limit below the initial rate: ${JSON.stringify(seen)}`);
  });
});

describe("spark.streaming.receiver.maxRate on the socket receiver", () => {
  test("the socket is read no faster than the limit (TCP holds the sender back)", { timeout: 60_000 }, async () => {
    const line = "x".repeat(99) + "\n";
    const chunk = Buffer.from(line.repeat(1000));
    let written = 0;
    const server: Server = createServer((s) => {
      s.on("error", () => undefined);
      const pump = (): void => {
        while (s.writable && written < 5_000_000) {
          written += 1000;
          if (!s.write(chunk)) return void s.once("drain", pump);
        }
      };
      pump();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const rate = 2000;
    const conf = new SparkConf().setMaster("local[2]").setAppName("socket-max-rate").set("spark.ui.enabled", "false").set("spark.streaming.receiver.maxRate", String(rate));
    const ssc = new StreamingContext(conf, Milliseconds(250));
    const lines = ssc.socketTextStream("127.0.0.1", port);
    let counted = 0;
    lines.count().foreachRDD(async (rdd) => {
      for (const n of await rdd.collect()) counted += n;
    });
    ssc.start();
    const started = Date.now();
    try {
      await waitFor(() => counted > 0, "the first lines");
      await new Promise((r) => setTimeout(r, 1500));
      const received = lines.receivedRecords;
      const elapsed = (Date.now() - started) / 1000;
      // One socket read (at most 64 KiB, about 660 of these lines) may land before the pause that pays for it.
      assert.ok(received <= rate * elapsed + 1000, `received ${received} lines in ${elapsed.toFixed(2)} s at a limit of ${rate}/s`);
      assert.ok(written > received + 10_000, `the server was held back by TCP, not out of lines (wrote ${written}, received ${received})`);
      assert.equal(lines.currentRateLimit, rate);
    } finally {
      await ssc.stop({ stopSparkContext: true });
      server.close();
    }
  });
});
