/**
 * Event time on DStreams: the watermark (Spark's micro-batch rule), event-time windows in
 * append and update mode, late records, and Structured Streaming's documented watermark example.
 * Batches are driven by a ManualClock; nothing sleeps.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { Minutes, type DStream, type EventTimeDStream, type WindowResult } from "../../src/index.js";
import { MASTERS, StreamingHarness, TestInputStream, sortBatch } from "./harness.js";

/** 12:mm on a fixed day, as epoch milliseconds. */
const at = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number);
  return Date.UTC(2026, 0, 1, h!, m!);
};
const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

type Word = [word: string, time: number];
type Row = [string, string, number];

/** Spark's guide: the words arriving in each 5-minute trigger, as (event time, word). */
const GUIDE_TRIGGERS: Word[][] = [
  [["dog", at("12:07")], ["owl", at("12:08")]],
  [["dog", at("12:14")], ["cat", at("12:09")]],
  [["cat", at("12:15")], ["dog", at("12:08")], ["owl", at("12:13")], ["owl", at("12:21")]],
  [["owl", at("12:17")], ["donkey", at("12:04")]],
];

function rows(batch: ReadonlyArray<[string, WindowResult<number>]>): Row[] {
  return sortBatch(batch.map(([w, r]) => [`${hhmm(r.start)}-${hhmm(r.end)}`, w, r.value] as Row));
}

for (const master of MASTERS) {
  describe(`event time (${master})`, () => {
    const h = new StreamingHarness(master);
    after(() => h.close());

    /** Runs the guide's query: word counts in 10-minute windows sliding every 5 minutes, watermark 10 minutes. */
    async function guide(mode: "append" | "update", triggers: Word[][], partitions = 1) {
      return h.withContext(async ({ ssc, clock }) => {
        const input = new TestInputStream<Word>(ssc, triggers, partitions);
        const timed = input.map(([w, t]) => [w, t] as [string, number]).withEventTime(([, t]) => t, { maxOutOfOrderness: Minutes(10) });
        const counts = timed.windowByEventTime(Minutes(10), Minutes(5)).count({ outputMode: mode });
        const out: Row[][] = [];
        const late: Array<Array<[string, number]>> = [];
        const watermarks: string[] = [];
        counts.foreachRDD(async (rdd) => {
          out.push(rows(await rdd.collect()));
          const w = timed.watermark();
          watermarks.push(w === undefined ? "-" : hhmm(w));
        });
        counts.lateRecords().foreachRDD(async (rdd) => {
          late.push(await rdd.collect());
        });
        ssc.start();
        await clock.advance(triggers.length * Minutes(5).milliseconds);
        return { out, late, watermarks, lateCount: counts.lateRecordCount() };
      }, Minutes(5));
    }

    test("Spark's guide, update mode: each trigger emits the windows it changed; (12:04, donkey) is too late once the watermark is 12:11", async () => {
      const { out, late, watermarks, lateCount } = await guide("update", GUIDE_TRIGGERS);
      assert.deepEqual(watermarks, ["11:58", "12:04", "12:11", "12:11"]);
      assert.deepEqual(out[0], [["12:00-12:10", "dog", 1], ["12:00-12:10", "owl", 1], ["12:05-12:15", "dog", 1], ["12:05-12:15", "owl", 1]]);
      // (12:09, cat) is out of order but ahead of the watermark: it is counted in both its windows.
      assert.deepEqual(out[1], [["12:00-12:10", "cat", 1], ["12:05-12:15", "cat", 1], ["12:05-12:15", "dog", 2], ["12:10-12:20", "dog", 1]]);
      assert.deepEqual(out[2], [
        ["12:00-12:10", "dog", 2],
        ["12:05-12:15", "dog", 3],
        ["12:05-12:15", "owl", 2],
        ["12:10-12:20", "cat", 1],
        ["12:10-12:20", "owl", 1],
        ["12:15-12:25", "cat", 1],
        ["12:15-12:25", "owl", 1],
        ["12:20-12:30", "owl", 1],
      ]);
      assert.deepEqual(out[3], [["12:10-12:20", "owl", 2], ["12:15-12:25", "owl", 2]]);
      assert.deepEqual(late, [[], [], [], [["donkey", at("12:04")]]]);
      assert.equal(lateCount, 1);
    });

    test("Spark's guide, append mode: 12:00-12:10 is emitted once, with its final counts, when the watermark passes 12:10", async () => {
      const { out, late } = await guide("append", GUIDE_TRIGGERS);
      assert.deepEqual(out.slice(0, 2), [[], []]);
      assert.deepEqual(out[2], [["12:00-12:10", "cat", 1], ["12:00-12:10", "dog", 2], ["12:00-12:10", "owl", 1]]);
      assert.deepEqual(out[3], []);
      assert.deepEqual(late.flat(), [["donkey", at("12:04")]]);
    });
  });
}

export type { DStream, EventTimeDStream };
