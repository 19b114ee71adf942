/**
 * Real-time recommendation on a shop's view and purchase events:
 *   - "people who viewed this also viewed": the items viewed in one user session (an event-time
 *     session window; 2 minutes without a view ends it) are pairs; pair counts per item are kept
 *     with mapWithState, and each item's top N (--top, default 3) is written as JSON, one
 *     directory per batch, whenever a closed session changes it;
 *   - trending items: a decayed count per item (a view counts 1, a purchase 3), score ×
 *     --decay (default 0.5) per batch elapsed + the batch's count, kept with mapWithState; the
 *     top five are printed every batch.
 *
 * Usage: npx dstream run-example TrendingItems [--bootstrap host:port [--topic shop-events]] [--out <directory>]
 *          [--top 3] [--decay 0.5] [--seconds N] [--master local[2]]
 *   --bootstrap reads JSON events ({"user","item","kind":"view"|"purchase","time"}, time in epoch
 *   ms) from a Kafka topic (shop-events by default) with the direct stream, from the earliest offset.
 *   Without it, eleven batches of generated events (seed 11, two minutes of event time each, and
 *   a last view an hour later that closes every session) are queued in-process, one per batch.
 *   --out is where the also-viewed lists are written (a new temporary directory by default).
 *   --seconds N stops the application after N seconds (it runs until killed otherwise).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isMainThread } from "node:worker_threads";
import { SparkConf, StreamingContext, Seconds, Minutes, StateSpec, type DStream, type RDD, type State, type Time } from "../src/index.js";
import type { ShopEvent } from "./support/shopEvents.js";
import { runExample } from "./support/runExample.js";

const { values } = parseArgs({
  options: {
    bootstrap: { type: "string" },
    topic: { type: "string", default: "shop-events" },
    out: { type: "string" },
    top: { type: "string", default: "3" },
    decay: { type: "string", default: "0.5" },
    seconds: { type: "string" },
    master: { type: "string", default: "local[2]" },
  },
});
const topN = Number(values.top);
const decay = Number(values.decay);
if (!Number.isInteger(topN) || topN < 1 || !(decay > 0 && decay <= 1)) {
  console.error(`TrendingItems: --top must be a positive integer and --decay a factor in (0, 1], got ${values.top} and ${values.decay}`);
  process.exit(2);
}

const BATCH_MS = 1000;
const sparkConf = new SparkConf().setAppName("TrendingItems").setMaster(values.master!);
const ssc = new StreamingContext(sparkConf, Seconds(BATCH_MS / 1000));
const out = values.out ?? (isMainThread ? mkdtempSync(join(tmpdir(), "dstream-trendingitems-")) : join(tmpdir(), "unused"));
ssc.checkpoint(join(out, "checkpoint"));

let events: DStream<ShopEvent>;
if (values.bootstrap !== undefined) {
  const { kafkaLines } = await import("./support/kafkaLines.js");
  events = kafkaLines(ssc, values.bootstrap, values.topic!, "dstream-trending-items").map((line) => JSON.parse(line) as ShopEvent);
} else {
  // The embedded default: one queued RDD per batch (one partition each, which the watermark follows).
  const queue: Array<RDD<ShopEvent>> = [];
  if (isMainThread) {
    const { sampleShopEvents } = await import("./support/shopEvents.js");
    for (const batch of sampleShopEvents()) queue.push(ssc.sparkContext.parallelize(batch, 1));
    console.error(`No --bootstrap given: queueing ${queue.length} batches of generated shop events.`);
  }
  events = ssc.queueStream(queue);
}
if (isMainThread) console.error(`Writing also-viewed lists under ${out}.`);

// ---- "people who viewed this also viewed"
const sessions = events
  .filter((e) => e.kind === "view")
  .map((e) => [e.user, e] as [string, ShopEvent])
  .withEventTime(([, e]) => e.time, { maxOutOfOrderness: Seconds(30), idleTimeout: Seconds(2) })
  .sessionWindowByEventTime(Minutes(2))
  .aggregate(
    (e) => [e.item],
    (items, e) => (items.includes(e.item) ? items : [...items, e.item]),
    (a, b) => [...a, ...b.filter((i) => !a.includes(i))],
  );

/** Pair counts of one item: how many sessions that viewed it also viewed each other item. */
type AlsoViewedCounts = Record<string, number>;
interface AlsoViewed {
  item: string;
  alsoViewed: Array<[item: string, sessions: number]>;
}

const alsoViewed = sessions
  .flatMap(([, w]) => w.value.flatMap((a) => w.value.filter((b) => b !== a).map((b) => [a, b] as [string, string])))
  .groupByKey()
  .mapWithState(
    StateSpec.function((item: string, others: string[] | undefined, state: State<AlsoViewedCounts>): AlsoViewed => {
      const counts = { ...(state.getOption() ?? {}) };
      for (const o of others ?? []) counts[o] = (counts[o] ?? 0) + 1;
      state.update(counts);
      const top = Object.entries(counts)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, topN);
      return { item, alsoViewed: top };
    }),
  );
alsoViewed.saveAsJsonFiles(join(out, "also-viewed"), "json");

// ---- trending: a purchase says more than a view
const PURCHASE_WEIGHT = 3;
interface Trend {
  score: number;
  /** The batch time at which `score` was computed. */
  at: number;
}
const trends = events
  .map((e) => [e.item, e.kind === "purchase" ? PURCHASE_WEIGHT : 1] as [string, number])
  .reduceByKey((a, b) => a + b)
  .mapWithState(
    StateSpec.function((time: Time, _item: string, n: number | undefined, state: State<Trend>): undefined => {
      const t = state.getOption();
      const score = (t === undefined ? 0 : t.score * decay ** ((time.milliseconds - t.at) / BATCH_MS)) + (n ?? 0);
      state.update({ score, at: time.milliseconds });
      return undefined;
    }),
  );
const trending = trends.stateSnapshots().transform((rdd, time) => {
  // Items without events this batch still decay: their scores are brought to this batch's time.
  const now = time.milliseconds;
  return rdd
    .map(([item, t]) => [0, [item, t.score * decay ** ((now - t.at) / BATCH_MS)]] as [number, [string, number]])
    .groupByKey()
    .flatMap(([, scores]) =>
      scores
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 5)
        .map(([item, score], i) => `trending ${i + 1}. ${item} ${score.toFixed(3)}`),
    );
});

const closed = sessions.count().map((n) => `sessions closed: ${n}`);
trending.union(closed).pprint(100);

await runExample(ssc, values.seconds);
