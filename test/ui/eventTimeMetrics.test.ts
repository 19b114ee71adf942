/** /metrics and the Streaming page show each event-time stream's watermark and its lag, and the late and dead-letter counts. */
import { test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { parsePrometheus } from "./support.js";
import { InputDStream, ManualClock, Minutes, Seconds, SparkUI, StreamingContext, type RDD, type Time } from "../../src/index.js";

type Event = [string, number];
const BASE = Date.UTC(2026, 0, 1, 12, 0);

/** Batch 1: on-time events; batch 2: one event far ahead; batch 3: one late event and one without a time. */
class Events extends InputDStream<Event> {
  start(): void {}
  stop(): void {}
  compute(t: Time): RDD<Event> {
    const i = (t.milliseconds - this.zeroTime!.milliseconds) / this.slideDuration.milliseconds;
    const batches: Event[][] = [[["a", BASE], ["b", BASE + 60_000]], [["a", BASE + 30 * 60_000]], [["a", BASE + 1000], ["b", Number.NaN]]];
    return this.context.sparkContext.parallelize(batches[i - 1] ?? [], 1);
  }
}

test("/metrics: watermark, watermark lag, late records and dead letters per event-time stream", async () => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ master: "local[1]", appName: "ui-event-time", batchDuration: Seconds(1), clock, conf: { "spark.ui.enabled": "true", "spark.ui.port": "0" } });
  const dir = mkdtempSync(join(tmpdir(), "dstream-ui-et-"));
  try {
    ssc.checkpoint(dir);
    const timed = new Events(ssc).withEventTime(([, t]) => t, { maxOutOfOrderness: Minutes(5), invalidEventTime: "deadLetter" });
    timed.windowByEventTime(Minutes(1)).count().foreachRDD(() => undefined);
    const url = await SparkUI.get(ssc.sparkContext)!.whenBound();
    ssc.start();
    await clock.advance(3000);
    const { samples, types } = parsePrometheus(await (await fetch(`${url}/metrics`)).text());
    const one = (name: string): { value: number; labels: Record<string, string> } => {
      const found = samples.filter((s) => s.name === name);
      assert.equal(found.length, 1, `one sample of ${name}`);
      return found[0]!;
    };
    assert.equal(types.get("dstream_streaming_late_records_total"), "counter");
    const watermark = one("dstream_streaming_watermark_seconds");
    assert.equal(watermark.value, (BASE + 25 * 60_000) / 1000);
    assert.match(watermark.labels.stream!, /^withEventTime at .*eventTimeMetrics\.test\.ts:\d+/);
    assert.ok(one("dstream_streaming_watermark_lag_seconds").value > 0, "the watermark of 2026-01-01 is behind the wall clock");
    assert.equal(one("dstream_streaming_late_records_total").value, 1);
    assert.match(one("dstream_streaming_late_records_total").labels.stream!, /^windowByEventTime at /);
    assert.equal(one("dstream_streaming_dead_letter_records_total").value, 1);

    const page = await (await fetch(`${url}/streaming/`)).text();
    const card = /<section class="card" id="event-time-card">([\s\S]*?)<\/section>/.exec(page)?.[1];
    assert.ok(card, "the Streaming page has an Event Time card");
    const local = new Date(BASE + 25 * 60_000);
    const pad = (n: number) => String(n).padStart(2, "0");
    assert.match(card, new RegExp(`<td>withEventTime at [^<]*eventTimeMetrics\\.test\\.ts:\\d+[^<]*</td><td class="watermark">${local.getFullYear()}/${pad(local.getMonth() + 1)}/${pad(local.getDate())} ${pad(local.getHours())}:${pad(local.getMinutes())}:00</td><td class="watermark-lag">[^<]+</td><td>1</td>`));
    assert.match(card, /<td>windowByEventTime at [^<]*<\/td><td class="late-records">1<\/td>/);
  } finally {
    await ssc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
