/**
 * Graceful shutdown: stop({ stopGracefully: true }) stops the receivers, lets batches take
 * everything they stored and runs those batches before stopping; a second, non-graceful stop
 * cuts it short. With spark.streaming.stopGracefullyOnShutdown, SIGTERM does the same in an
 * application, and a second SIGTERM forces the stop.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Milliseconds, Receiver, StreamingContext } from "../../../src/index.js";
import { ChildApp, waitUntil } from "./childApp.js";
import { AckingLineServer } from "./ackingLineServer.js";
import { captureLog, stopAll } from "./inProcessApp.js";

/** Stores a counter as fast as the event loop allows: one record at a time, and every tenth batch of ten reliably. */
class CountingReceiver extends Receiver<number> {
  stored = 0;
  private timer: NodeJS.Timeout | undefined;

  onStart(): void {
    this.timer = setInterval(() => {
      for (let i = 0; i < 5; i++) this.store(this.stored++);
      if (this.stored % 50 === 0) {
        const many = Array.from({ length: 10 }, () => this.stored++);
        void this.store(many);
      }
    }, 2);
  }

  onStop(): void {
    clearInterval(this.timer);
  }
}

for (const wal of [false, true]) {
  test(`stop({ stopGracefully: true }) processes every record the receiver stored${wal ? " (with the write-ahead log)" : ""}`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "dstream-graceful-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const ssc = new StreamingContext({
      master: "local[2]",
      appName: "graceful",
      batchDuration: Milliseconds(100),
      // A generous bound: this test is about what a graceful stop processes, not about its timeout.
      conf: { "spark.ui.enabled": "false", "spark.streaming.receiver.writeAheadLog.enable": String(wal), "spark.streaming.gracefulStopTimeout": "120s" },
    });
    ssc.checkpoint(dir);
    const receiver = new CountingReceiver();
    const seen: number[] = [];
    ssc.receiverStream(receiver).foreachRDD(async (rdd) => {
      seen.push(...(await rdd.collect()));
    });
    try {
      ssc.start();
      await waitUntil(() => (receiver.stored > 2000 && seen.length > 0 ? true : undefined), 30_000, "records flow through batches");
      await ssc.stop({ stopGracefully: true, stopSparkContext: false });
      assert.equal(ssc.getState(), "STOPPED");
      assert.equal(seen.length, receiver.stored, "every stored record was processed before stop() returned");
      assert.deepEqual([...new Set(seen)].sort((a, b) => a - b), Array.from({ length: receiver.stored }, (_, i) => i));
    } finally {
      await stopAll(ssc);
    }
  });
}

test("a non-graceful stop during a graceful one forces it: batches not started are dropped", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "dstream-force-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ssc = new StreamingContext({
    master: "local[1]",
    appName: "force",
    batchDuration: Milliseconds(50),
    conf: { "spark.ui.enabled": "false", "spark.streaming.stopTimeout": "100ms" },
  });
  ssc.checkpoint(dir);
  let started = 0;
  let release!: () => void;
  const stuck = new Promise<void>((r) => (release = r));
  ssc.queueStream([[1], [2], [3]]).foreachRDD(async () => {
    started++;
    // The first batch's output never finishes on its own: a graceful stop would wait for ever.
    await stuck;
  });
  try {
    ssc.start();
    await waitUntil(() => (started === 1 ? true : undefined), 30_000, "the first batch is running");
    const graceful = ssc.stop({ stopGracefully: true, stopSparkContext: false });
    await ssc.stop({ stopGracefully: false, stopSparkContext: false });
    await graceful;
    assert.equal(ssc.getState(), "STOPPED");
    assert.equal(started, 1, "the batches queued behind the stuck one never started");
  } finally {
    release();
    await stopAll(ssc);
  }
});

test("SIGTERM stops an application gracefully: every line it acknowledged is processed before it exits", { timeout: 120_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), "dstream-sigterm-"));
  const output = join(work, "out");
  mkdirSync(output);
  const lines = Array.from({ length: 500 }, (_, i) => `${i} alpha beta`);
  const server = new AckingLineServer(lines);
  const port = await server.listen();
  const app = new ChildApp("test/fixtures/recoverySocketApp.ts", [String(port), output, join(work, "cp"), "300"]);
  t.after(async () => {
    await app.kill("SIGKILL");
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });
  await app.waitForLine((l) => l === "STARTED", 60_000, "the application to start");
  server.release(lines.length);
  await waitUntil(() => (server.acknowledged === lines.length ? true : undefined), 60_000, "every line is stored and acknowledged");
  // At once: most lines are still in blocks no batch has taken yet.
  app.signal("SIGTERM");
  assert.deepEqual(await app.exited, { code: 0, signal: null }, app.stderr.slice(-3000));
  assert.match(app.stderr, /SIGTERM received: stopping the StreamingContext gracefully/);
  const processed = new Set<number>();
  for (const name of readdirSync(output)) {
    if (!name.endsWith(".batch.json")) continue;
    for (const s of (JSON.parse(readFileSync(join(output, name), "utf8")) as { seqs: number[] }).seqs) processed.add(s);
  }
  assert.equal(processed.size, lines.length, "the graceful stop processed every acknowledged line before the process ended");
});

for (const master of ["local[1]", "local[2]"]) {
  test(`a graceful stop gives up on an output operation that never ends after spark.streaming.gracefulStopTimeout, naming it [${master}]`, async () => {
    const ssc = new StreamingContext({
      master,
      appName: "hung-output",
      batchDuration: Milliseconds(50),
      conf: { "spark.ui.enabled": "false", "spark.streaming.gracefulStopTimeout": "300ms" },
    });
    let started = 0;
    ssc.queueStream([[1], [2], [3]]).foreachRDD(async (rdd) => {
      started++;
      await rdd.count();
      // The first batch's output never settles, and holds nothing that keeps the process alive.
      await new Promise<void>(() => undefined);
    });
    try {
      ssc.start();
      await waitUntil(() => (started === 1 ? true : undefined), 30_000, "the first batch is running");
      const { log } = await captureLog(() => ssc.stop({ stopGracefully: true, stopSparkContext: false }));
      assert.equal(ssc.getState(), "STOPPED");
      assert.equal(started, 1, "the batches queued behind the hung one were dropped");
      assert.match(log, /Timed out while stopping the job generator \(timeout = 300\)/);
      assert.match(log, /Stopping without waiting for streaming job (\d+) ms\.0: output operation 0 \(foreachRDD at [^)]*gracefulStop\.test\.ts:\d+[^)]*\) of batch \1 ms is still running, running for \d+ ms after spark\.streaming\.gracefulStopTimeout/);
    } finally {
      await stopAll(ssc);
    }
  });

  test(`SIGTERM ends an application whose output operation never ends, after spark.streaming.gracefulStopTimeout [${master}]`, { timeout: 120_000 }, async (t) => {
    const work = mkdtempSync(join(tmpdir(), "dstream-sigterm-hung-"));
    const app = new ChildApp("test/fixtures/recoveryStuckApp.ts", [join(work, "cp"), "1s", master]);
    t.after(async () => {
      await app.kill("SIGKILL");
      rmSync(work, { recursive: true, force: true });
    });
    await app.waitForLine((l) => l === "STUCK", 60_000, "a batch to get stuck");
    app.signal("SIGTERM");
    const exit = await app.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, app.stderr.slice(-3000));
    assert.ok(app.lines.includes("STOPPED"), "awaitTermination returned");
    assert.match(app.stderr, /SIGTERM received: stopping the StreamingContext gracefully/);
    assert.match(app.stderr, /Timed out while stopping the job generator \(timeout = 1000\)/);
    assert.match(app.stderr, /Stopping without waiting for streaming job \d+ ms\.0: output operation 0 \(foreachRDD at [^)]*recoveryStuckApp\.ts:\d+/);
  });
}

for (const master of ["local[1]", "local[2]"]) test(`a second SIGTERM forces the stop of an application stuck in a batch [${master}]`, { timeout: 120_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), "dstream-sigterm2-"));
  // A graceful stop that would wait an hour for the stuck batch: only the second signal ends it.
  const app = new ChildApp("test/fixtures/recoveryStuckApp.ts", [join(work, "cp"), "1h", master]);
  t.after(async () => {
    await app.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });
  await app.waitForLine((l) => l === "STUCK", 60_000, "a batch to get stuck");
  app.signal("SIGTERM");
  await waitUntil(() => (/stopping the StreamingContext gracefully/.test(app.stderr) ? true : undefined), 30_000, "the graceful stop to begin");
  assert.equal(app.hasExited, false, "a graceful stop waits for the stuck batch");
  app.signal("SIGTERM");
  const exit = await app.exited;
  assert.ok(exit.code === 0 || exit.signal === "SIGTERM", `the process ended: ${JSON.stringify(exit)}`);
  assert.match(app.stderr, /SIGTERM received again: forcing the StreamingContext to stop/);
});
