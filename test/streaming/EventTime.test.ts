/**
 * Event time on DStreams: the watermark (Spark's micro-batch rule), event-time windows in
 * append and update mode, late records, and Structured Streaming's documented watermark example.
 * Batches are driven by a ManualClock; nothing sleeps.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { Milliseconds, Minutes, Seconds, type Duration, type DStream, type EventTimeDStream, type WindowResult } from "../../src/index.js";
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

    /** Runs sliding 10-minute count windows over `batches` and returns every window emitted, in a canonical order. */
    async function appendWindows(batches: Word[][]) {
      return h.withContext(async ({ ssc, clock }) => {
        const timed = new TestInputStream<Word>(ssc, batches).withEventTime(([, t]) => t, { maxOutOfOrderness: Minutes(10) });
        const windows = timed.windowByEventTime(Minutes(10), Minutes(5));
        const counts = windows.count();
        const all: Row[] = [];
        counts.foreachRDD(async (rdd) => {
          all.push(...rows(await rdd.collect()));
        });
        // Update mode's latest value of each window, for the windows append mode closed.
        const latest = new Map<string, Row>();
        windows.count({ outputMode: "update" }).foreachRDD(async (rdd) => {
          for (const r of rows(await rdd.collect())) latest.set(`${r[0]} ${r[1]}`, r);
        });
        ssc.start();
        await clock.advance(batches.length * 1000);
        const closed = new Set(all.map((r) => `${r[0]} ${r[1]}`));
        const updated = sortBatch([...latest].filter(([k]) => closed.has(k)).map(([, r]) => r));
        return { windows: sortBatch(all), updated, late: counts.lateRecordCount() };
      });
    }

    test("the same input in 1 batch, 10 batches or a random split gives the same append-mode windows, and update mode ends there too", async () => {
      const random = lcg(7);
      const words = ["a", "b", "c", "d"];
      // Out of order by up to 5 minutes, under the 10-minute delay: no record is late in any batching.
      const records: Word[] = Array.from({ length: 120 }, (_, i) => [words[Math.floor(random() * 4)]!, at("12:00") + i * 20_000 + Math.floor(random() * 300_000)]);
      // Two records far ahead (one per input partition) move the watermark past every window of the records.
      const flush: Word[] = [["z", at("15:00")], ["z", at("15:00")]];
      const split = (sizes: number[]): Word[][] => {
        const out: Word[][] = [];
        let i = 0;
        for (const n of sizes) out.push(records.slice(i, (i += n)));
        return out;
      };
      const randomSizes: number[] = [];
      for (let left = records.length; left > 0; ) {
        const n = Math.min(left, 1 + Math.floor(random() * 30));
        randomSizes.push(n);
        left -= n;
      }
      const one = await appendWindows([...split([120]), flush]);
      const ten = await appendWindows([...split(Array(10).fill(12)), flush]);
      const rand = await appendWindows([...split(randomSizes), flush]);
      assert.deepEqual(one.windows, expectedWindows(records, 10, 5));
      assert.deepEqual(ten.windows, one.windows);
      assert.deepEqual(rand.windows, one.windows);
      assert.deepEqual([one.late, ten.late, rand.late], [0, 0, 0]);
      // Update mode ends where append mode does, in every batching.
      for (const run of [one, ten, rand]) assert.deepEqual(run.updated, one.windows);
    });

    test("session windows merge when a record bridges them and stay apart past the gap", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const batches: Word[][] = [
          [["u", at("12:00")], ["u", at("12:10")]],
          [["u", at("12:04")]],
          [["u", at("12:07")], ["v", at("12:30")]],
          [["w", at("13:00")], ["w", at("13:00")]],
        ];
        const timed = new TestInputStream<Word>(ssc, batches).withEventTime(([, t]) => t, { maxOutOfOrderness: Minutes(10) });
        const updates: Row[][] = [];
        const finals: Row[] = [];
        const sessions = timed.sessionWindowByEventTime(Minutes(5));
        sessions.count({ outputMode: "update" }).foreachRDD(async (rdd) => {
          updates.push(rows(await rdd.collect()));
        });
        sessions.count().foreachRDD(async (rdd) => {
          finals.push(...rows(await rdd.collect()));
        });
        ssc.start();
        await clock.advance(batches.length * 1000);
        assert.deepEqual(updates[0], [["12:00-12:05", "u", 1], ["12:10-12:15", "u", 1]]);
        // 12:04 joins the first session only: [12:04, 12:09) ends before 12:10.
        assert.deepEqual(updates[1], [["12:00-12:09", "u", 2]]);
        // 12:07 overlaps both sessions of u: they become one.
        assert.deepEqual(updates[2], [["12:00-12:15", "u", 4], ["12:30-12:35", "v", 1]]);
        assert.deepEqual(finals, [["12:00-12:15", "u", 4], ["12:30-12:35", "v", 1]]);
      });
    });

    test("an idle partition holds the watermark back until idleTimeout, then stops counting", async () => {
      const run = (idleTimeout?: Duration) =>
        h.withContext(async ({ ssc, clock }) => {
          // Two records go one to each partition; a single record goes to the second partition.
          const batches: Word[][] = [[["x", at("12:00")], ["y", at("12:00")]], [["y", at("12:10")]], [["y", at("12:20")]], [["y", at("12:30")]]];
          const timed = new TestInputStream<Word>(ssc, batches).withEventTime(([, t]) => t, { idleTimeout });
          const marks: string[] = [];
          timed.foreachRDD(() => {
            marks.push(hhmm(timed.watermark()!));
          });
          ssc.start();
          await clock.advance(batches.length * 1000);
          return marks;
        });
      assert.deepEqual(await run(), ["12:00", "12:00", "12:00", "12:00"]);
      assert.deepEqual(await run(Seconds(2)), ["12:00", "12:00", "12:20", "12:30"]);
    });

    test("allowedLateness keeps a window open past its end: a record within it updates the window, later ones are late", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const batches: Word[][] = [[["k", at("12:01")]], [["k", at("12:12")]], [["k", at("12:02")]], [["k", at("12:30")]], [["k", at("12:03")]]];
        const timed = new TestInputStream<Word>(ssc, batches, 1).withEventTime(([, t]) => t);
        const windows = timed.windowByEventTime(Minutes(10)).count({ outputMode: "update", allowedLateness: Minutes(5) });
        const out: Row[][] = [];
        windows.foreachRDD(async (rdd) => {
          out.push(rows(await rdd.collect()));
        });
        const late: Array<Array<[string, number]>> = [];
        windows.lateRecords().foreachRDD(async (rdd) => {
          late.push(await rdd.collect());
        });
        ssc.start();
        await clock.advance(batches.length * 1000);
        // Watermark 12:12 after batch 2: 12:00-12:10 has ended but 12:10 + 5 min is still ahead.
        assert.deepEqual(out[2], [["12:00-12:10", "k", 2]]);
        assert.deepEqual(out[4], []);
        assert.deepEqual(late[4], [["k", at("12:03")]]);
        assert.equal(windows.lateRecordCount(), 1);
      });
    });

    test("an event time function returning NaN fails the batch, naming the operation, the value and the fix", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const timed = new TestInputStream<Word>(ssc, [[["a", at("12:00")], ["b", Number.NaN]]]).withEventTime(([, t]) => t);
        timed.windowByEventTime(Minutes(1)).count().print();
        ssc.start();
        await clock.advance(1000);
        await assert.rejects(ssc.awaitTerminationOrTimeout(0), /withEventTime: the event time function returned NaN, not a finite number of milliseconds for record \["b",null\].*invalidEventTime: "deadLetter"/);
      });
    });

    test('under invalidEventTime: "deadLetter", such records go to deadLetters() with the reason and are counted', async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const input = new TestInputStream<Word>(ssc, [[["a", at("12:00")], ["b", Number.POSITIVE_INFINITY], ["c", at("12:01")]], [["d", -1]]]);
        const timed = input.withEventTime(
          ([w, t]) => {
            if (w === "d") throw new Error("no timestamp");
            return t;
          },
          { invalidEventTime: "deadLetter" },
        );
        const dead: Array<[Word, string]> = [];
        timed.deadLetters().foreachRDD(async (rdd) => {
          dead.push(...(await rdd.collect()));
        });
        const kept: Word[] = [];
        timed.foreachRDD(async (rdd) => {
          kept.push(...(await rdd.collect()));
        });
        ssc.start();
        await clock.advance(2000);
        await ssc.awaitTerminationOrTimeout(0);
        assert.deepEqual(sortBatch(kept), [["a", at("12:00")], ["c", at("12:01")]]);
        assert.deepEqual(dead.map(([r, reason]) => [r[0], reason]), [
          ["b", "the event time function returned Infinity, not a finite number of milliseconds"],
          ["d", "the event time function threw: no timestamp"],
        ]);
        assert.equal(timed.deadLetterCount(), 2);
      });
    });

    test("bad durations are refused when the operation is defined, naming the value", async () => {
      await h.withContext(async ({ ssc }) => {
        const timed = new TestInputStream<Word>(ssc, []).withEventTime(([, t]) => t);
        assert.throws(() => timed.windowByEventTime(Minutes(10), Minutes(3)), /windowByEventTime: the window length 600000 ms must be a multiple of the slide 180000 ms/);
        assert.throws(() => timed.sessionWindowByEventTime(Milliseconds(0)), /sessionWindowByEventTime: gap must be positive, got 0 ms/);
        assert.throws(() => timed.windowByEventTime(Minutes(1)).count({ allowedLateness: Milliseconds(-5) }), /windowByEventTime.count: allowedLateness must not be negative, got -5 ms/);
        assert.throws(() => timed.windowByEventTime(Minutes(1)).count({ outputMode: "complete" as "append" }), /outputMode must be "append" or "update", got "complete"/);
        assert.throws(() => new TestInputStream<Word>(ssc, []).withEventTime(([, t]) => t, { maxOutOfOrderness: Milliseconds(-1) }), /withEventTime: maxOutOfOrderness must not be negative, got -1 ms/);
        assert.throws(() => new TestInputStream<Word>(ssc, []).withEventTime(([, t]) => t, { maxOutOfOrderness: Number.NaN }), /withEventTime: maxOutOfOrderness must be a Duration/);
        assert.throws(() => new TestInputStream<Word>(ssc, []).withEventTime("t" as unknown as (w: Word) => number), /withEventTime: expected a event time function/);
      });
    });
  });
}

/** A small deterministic generator, so that the random split is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** The windows a direct count gives: every (window, word) of length `len` minutes sliding every `slide`. */
function expectedWindows(records: readonly Word[], len: number, slide: number): Row[] {
  const counts = new Map<string, Row>();
  for (const [w, t] of records) {
    const step = slide * 60_000;
    for (let s = Math.floor(t / step) * step; s > t - len * 60_000; s -= step) {
      const name = `${hhmm(s)}-${hhmm(s + len * 60_000)}`;
      const row = counts.get(`${name} ${w}`) ?? [name, w, 0];
      row[2]++;
      counts.set(`${name} ${w}`, row);
    }
  }
  return sortBatch([...counts.values()]);
}

export type { DStream, EventTimeDStream };
