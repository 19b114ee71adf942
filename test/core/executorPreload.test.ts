/**
 * Connector modules registered with `preloadOnExecutors` are loaded on every executor thread
 * before a streaming context's first batch is scheduled (so the first batch does not pay for
 * them), and a module that never finishes loading delays start() only by the bounded timeout.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Milliseconds, SparkContext, StreamingContext, type RDD } from "../../src/index.js";
import { preloadOnExecutors } from "../../src/core/executor/executorPreload.js";
import { captureLog } from "../streaming/recovery/inProcessApp.js";

const dir = mkdtempSync(join(tmpdir(), "dstream-preload-"));
const marker = join(dir, "loaded");
process.env.DSTREAM_TEST_PRELOAD_MARKER = marker;
const fixture = (name: string): string => new URL(`../fixtures/preload/${name}.ts`, import.meta.url).href;

async function firstBatch(ssc: StreamingContext, sc: SparkContext): Promise<number[]> {
  const queue: Array<RDD<number>> = [sc.parallelize([1, 2, 3, 4], 2)];
  const seen: number[][] = [];
  let done!: () => void;
  const ran = new Promise<void>((r) => (done = r));
  ssc.queueStream(queue).map((x) => x * 10).foreachRDD(async (rdd) => {
    const xs = await rdd.collect();
    if (xs.length > 0) {
      seen.push(xs);
      done();
    }
  });
  ssc.start();
  const markerAtStart = existsSync(marker) ? readFileSync(marker, "utf8").trim().split("\n") : [];
  await ran;
  await ssc.stop({ stopSparkContext: false });
  assert.deepEqual(seen[0], [10, 20, 30, 40]);
  return markerAtStart.map(Number);
}

test("start() returns only after every executor thread has loaded the registered modules", async () => {
  preloadOnExecutors(fixture("slowPreload"));
  const sc = new SparkContext({ master: "local[2]", appName: "preload", conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false" } });
  try {
    const ssc = new StreamingContext(sc, Milliseconds(200));
    const threads = await firstBatch(ssc, sc);
    // Read synchronously as start() returned: both executor threads had finished loading by then.
    assert.equal(threads.length, 2, `executor threads that had loaded the module when start() returned: ${threads.join(", ")}`);
    assert.equal(new Set(threads).size, 2);
  } finally {
    await sc.stop();
  }
});

test("a module that never finishes loading delays start() by dstream.executor.preloadTimeout, with a warning, and batches still run", async () => {
  preloadOnExecutors(fixture("neverLoads"));
  const sc = new SparkContext({
    master: "local[2]",
    appName: "preload-stuck",
    conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false", "dstream.executor.preloadTimeout": "300ms" },
  });
  try {
    const ssc = new StreamingContext(sc, Milliseconds(200));
    const { log } = await captureLog(() => firstBatch(ssc, sc));
    assert.match(log, /Executors had not finished loading .*neverLoads\.ts.* after 300 ms \(dstream\.executor\.preloadTimeout\)/);
  } finally {
    await sc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
