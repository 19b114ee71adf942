import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parsePrometheus, SseClient, startApp, type PromSample } from "./support.js";
import { ManualClock, Seconds, SparkConf, SparkUI, StreamingContext } from "../../src/index.js";
import { uiSettings } from "../../src/ui/UiSettings.js";

interface BatchRow {
  batchId: number;
  status: string;
  inputSize: number;
  inputs: Record<string, number>;
}

test("the event stream starts with a snapshot and then delivers each new batch as it runs", async () => {
  const app = await startApp({ counts: [3, 7] });
  const events = new SseClient(`${app.url}/events`);
  try {
    const snap = await events.next((e) => e.event === "snapshot", "the snapshot");
    const s = snap.data as { app: { id: string }; streaming: { batchDuration: number; batches: BatchRow[]; streams: Array<{ id: number; name: string }> } };
    assert.equal(s.app.id, app.appId);
    assert.equal(s.streaming.batchDuration, 1000);
    assert.deepEqual(
      s.streaming.streams.map((x) => x.id),
      [0, 1],
    );
    assert.equal(s.streaming.streams[0]!.name, "counting input stream [0]");
    assert.deepEqual(s.streaming.batches, []);

    await app.clock.advance(1000);
    await events.next((e) => e.event === "batch" && (e.data as { batch: BatchRow }).batch.status === "COMPLETED", "batch 1000 completed");
    await app.clock.advance(1000);
    const queued = await events.next((e) => e.event === "batch" && (e.data as { batch: BatchRow }).batch.batchId === 2000, "batch 2000");
    assert.equal((queued.data as { batch: BatchRow }).batch.status, "QUEUED");
    const done = await events.next(
      (e) => e.event === "batch" && (e.data as { batch: BatchRow }).batch.batchId === 2000 && (e.data as { batch: BatchRow }).batch.status === "COMPLETED",
      "batch 2000 completed",
    );
    const d = done.data as { batch: BatchRow; statistics: { numTotalCompletedBatches: number; numReceivedRecords: number } };
    assert.equal(d.batch.inputSize, 7);
    assert.deepEqual(d.batch.inputs, { "0": 7, "1": 0 });
    assert.equal(d.statistics.numTotalCompletedBatches, 2);
    assert.equal(d.statistics.numReceivedRecords, 10);

    // Stopping the context ends the stream for its clients.
    const stopped = events.next((e) => e.event === "streaming" && (e.data as { state: string }).state === "stopped", "the stopped event");
    await app.stop();
    await stopped;
  } finally {
    events.close();
    await app.stop();
  }
});

function sample(samples: PromSample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.equal(found.length, 1, `one sample ${name} ${JSON.stringify(labels)}, found ${found.length}`);
  return found[0]!.value;
}

test("/metrics is valid Prometheus text with batch delays, records and receiver status", async () => {
  const app = await startApp({ counts: [3, 5, 2] });
  try {
    await app.receiver.store(["x", "y"]);
    await app.clock.advance(1000);
    await app.clock.advance(1000);
    await app.clock.advance(1000);
    const res = await fetch(`${app.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const { samples, types } = parsePrometheus(await res.text());
    for (const s of samples) assert.equal(s.labels.app_id, app.appId, `${s.name} carries app_id`);

    assert.equal(types.get("dstream_streaming_batches_completed_total"), "counter");
    assert.equal(sample(samples, "dstream_streaming_batches_completed_total"), 3);
    assert.equal(sample(samples, "dstream_streaming_records_processed_total"), 12);
    assert.equal(sample(samples, "dstream_streaming_records_received_total"), 12);
    assert.equal(sample(samples, "dstream_streaming_batch_duration_seconds"), 1);
    assert.equal(sample(samples, "dstream_streaming_last_completed_batch_records"), 2);
    assert.equal(sample(samples, "dstream_streaming_last_completed_batch_time_seconds"), 3);
    assert.equal(sample(samples, "dstream_streaming_input_records_total", { stream_id: "0" }), 10);
    assert.equal(sample(samples, "dstream_streaming_input_records_total", { stream_id: "1" }), 2);
    assert.equal(sample(samples, "dstream_streaming_receiver_active", { stream_id: "1" }), 1);
    assert.equal(sample(samples, "dstream_streaming_active"), 1);

    for (const h of ["dstream_streaming_scheduling_delay_seconds", "dstream_streaming_processing_time_seconds", "dstream_streaming_total_delay_seconds"]) {
      assert.equal(types.get(h), "histogram");
      const buckets = samples.filter((s) => s.name === `${h}_bucket`);
      const counts = buckets.map((b) => b.value);
      assert.deepEqual(counts, [...counts].sort((a, b) => a - b), `${h} buckets are cumulative`);
      assert.equal(buckets.at(-1)!.labels.le, "+Inf");
      assert.equal(buckets.at(-1)!.value, 3);
      assert.equal(sample(samples, `${h}_count`), 3);
      assert.ok(sample(samples, `${h}_sum`) >= 0);
    }
    const jobs = sample(samples, "dstream_jobs_total", { status: "succeeded" });
    assert.ok(jobs >= 6, `two output operations ran jobs in each of 3 batches, got ${jobs}`);
    assert.equal(sample(samples, "dstream_jobs_active"), 0);
  } finally {
    await app.stop();
  }
});

test("an open live page does not keep a finished application alive", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "dstream-keepalive-"));
  const app = join(dir, "app.mts");
  // The application never stops its SparkContext: only its own work may keep it running.
  writeFileSync(
    app,
    `import { SparkContext, SparkUI } from ${JSON.stringify(pathToFileURL(fileURLToPath(new URL("../../src/index.ts", import.meta.url))).href)};
const sc = new SparkContext({ master: "local[1]", appName: "keepalive", conf: { "spark.ui.port": "0" } });
console.log(await SparkUI.get(sc)!.whenBound());
// Its last piece of work: waiting for its input to end.
process.stdin.resume();
`,
  );
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ["--import", "tsx", app], { env, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let events: SseClient | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("\n")) resolve(out.trim());
      });
      child.on("exit", () => reject(new Error(`the application exited before printing its UI address: ${out}`)));
    });
    events = new SseClient(`${url}/events`);
    await events.next((e) => e.event === "snapshot", "the snapshot");
    child.stdin.end();
    // A hang guard, not a timing assertion: a UI that held the process would never let it exit.
    let guard: NodeJS.Timeout | undefined;
    const stuck = new Promise<"stuck">((resolve) => (guard = setTimeout(() => resolve("stuck"), 30_000)));
    const outcome = await Promise.race([exited, stuck]);
    clearTimeout(guard);
    assert.equal(outcome, 0, "the application exited by itself while a page was connected");
  } finally {
    events?.close();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("/metrics reports the size of each stateful stream's state", async () => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    master: "local[2]",
    appName: "ui-state",
    batchDuration: Seconds(1),
    clock,
    conf: { "spark.ui.enabled": "true", "spark.ui.port": "0" },
  });
  const dir = mkdtempSync(join(tmpdir(), "dstream-ui-state-"));
  try {
    ssc.checkpoint(dir);
    const queue = [ssc.sparkContext.parallelize(Array.from({ length: 500 }, (_, i) => `key${i}`), 2)];
    ssc
      .queueStream(queue)
      .map((k) => [k, 1] as [string, number])
      .updateStateByKey((values: number[], state: number | undefined) => (state ?? 0) + values.length)
      .foreachRDD(async (rdd) => {
        await rdd.count();
      });
    ssc.start();
    const url = await SparkUI.get(ssc.sparkContext)!.whenBound();
    await clock.advance(1000);
    await clock.advance(1000);
    const { samples, types } = parsePrometheus(await (await fetch(`${url}/metrics`)).text());
    assert.equal(types.get("dstream_streaming_state_bytes"), "gauge");
    assert.ok(sample(samples, "dstream_streaming_state_bytes", { stream: "updateStateByKey 0" }) > 500, "500 keys of state take more than 500 bytes");
    assert.equal(sample(samples, "dstream_streaming_state_partitions", { stream: "updateStateByKey 0" }), 2);
  } finally {
    await ssc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("live-update connections are capped by spark.ui.liveUpdate.maxConnections: 503 past the cap, freed on close", async () => {
  const app = await startApp({ conf: { "spark.ui.liveUpdate.maxConnections": "2" } });
  const open: SseClient[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const c = new SseClient(`${app.url}/events`);
      open.push(c);
      await c.next((e) => e.event === "snapshot", `the snapshot of connection ${i}`);
    }
    const refused = await fetch(`${app.url}/events`);
    assert.equal(refused.status, 503);
    assert.match(await refused.text(), /at most 2 live-update connections \(spark\.ui\.liveUpdate\.maxConnections\)/);
    assert.equal(app.ui.liveClients, 2);
    open.shift()!.close();
    // The server sees the close when the socket's end arrives; this waits for it, it does not time it.
    while (app.ui.liveClients > 1) await new Promise((r) => setImmediate(r));
    const again = new SseClient(`${app.url}/events`);
    open.push(again);
    await again.next((e) => e.event === "snapshot", "the snapshot after a connection closed");
    assert.equal(app.ui.liveClients, 2);
  } finally {
    for (const c of open) c.close();
    await app.stop();
  }
});

test("spark.ui.liveUpdate.maxConnections must be at least 1", () => {
  assert.equal(uiSettings(new SparkConf()).liveUpdateMaxConnections, 32);
  assert.throws(() => uiSettings(new SparkConf().set("spark.ui.liveUpdate.maxConnections", "0")), /spark\.ui\.liveUpdate\.maxConnections must be at least 1, got 0/);
});
