import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { IllegalArgumentException, Milliseconds, Seconds, type DStream, type Duration } from "../../src/index.js";
import { MASTERS, StreamingHarness, TestInputStream, sortBatch } from "./harness.js";

type KV = [string, number];

const largerSlideInput: KV[][] = [[["a", 1]], [["a", 2]], [["a", 3]], [["a", 4]], [["a", 5]], [["a", 6]], [], []];
const largerSlideReduceOutput: KV[][] = [[["a", 3]], [["a", 10]], [["a", 18]], [["a", 11]]];

const bigInput: KV[][] = [
  [["a", 1]],
  [["a", 1], ["b", 1]],
  [["a", 1], ["b", 1], ["c", 1]],
  [["a", 1], ["b", 1]],
  [["a", 1]],
  [],
  [["a", 1]],
  [["a", 1], ["b", 1]],
  [["a", 1], ["b", 1], ["c", 1]],
  [["a", 1], ["b", 1]],
  [["a", 1]],
  [],
];

const bigGroupByOutput: Array<Array<[string, number[]]>> = [
  [["a", [1]]],
  [["a", [1, 1]], ["b", [1]]],
  [["a", [1, 1]], ["b", [1, 1]], ["c", [1]]],
  [["a", [1, 1]], ["b", [1, 1]], ["c", [1]]],
  [["a", [1, 1]], ["b", [1]]],
  [["a", [1]]],
  [["a", [1]]],
  [["a", [1, 1]], ["b", [1]]],
  [["a", [1, 1]], ["b", [1, 1]], ["c", [1]]],
  [["a", [1, 1]], ["b", [1, 1]], ["c", [1]]],
  [["a", [1, 1]], ["b", [1]]],
  [["a", [1]]],
];

const bigReduceOutput: KV[][] = bigGroupByOutput.map((b) => b.map(([k, vs]) => [k, vs.length] as KV));

// With an inverse function and no filter, keys are never dropped: (b,0) and (c,0) appear.
const bigReduceInvOutput: KV[][] = [
  [["a", 1]],
  [["a", 2], ["b", 1]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 1], ["c", 0]],
  [["a", 1], ["b", 0], ["c", 0]],
  [["a", 1], ["b", 0], ["c", 0]],
  [["a", 2], ["b", 1], ["c", 0]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 1], ["c", 0]],
  [["a", 1], ["b", 0], ["c", 0]],
];

const numBatchesFor = (expected: unknown[], slide: Duration, batch: Duration = Seconds(1)) => expected.length * (slide.milliseconds / batch.milliseconds);

for (const master of MASTERS) {
  describe(`WindowOperations [${master}]`, () => {
    const h = new StreamingHarness(master);
    after(() => h.close());

    const windowCase = (name: string, input: number[][], expected: number[][], w = Seconds(2), s = Seconds(1)) =>
      test(`window - ${name}`, () => h.testOperation(input, (st) => st.window(w, s), expected, { numBatches: numBatchesFor(expected, s), useSet: true }));

    const six = [[0], [1], [2], [3], [4], [5]];
    windowCase("basic window", six, [[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
    windowCase("tumbling window", six, [[0, 1], [2, 3], [4, 5]], Seconds(2), Seconds(2));
    windowCase("larger window", six, [[0, 1], [0, 1, 2, 3], [2, 3, 4, 5], [4, 5]], Seconds(4), Seconds(2));
    windowCase("non-overlapping window", six, [[1, 2], [4, 5]], Seconds(2), Seconds(3));

    test("window(w) without a slide uses the parent's slide", () =>
      h.testOperation(six.slice(0, 3), (st) => st.window(Seconds(2)), [[0], [0, 1], [1, 2]], { useSet: true }));

    const reduceCase = (name: string, input: KV[][], expected: KV[][], w = Seconds(2), s = Seconds(1)) =>
      test(`reduceByKeyAndWindow - ${name}`, () =>
        h.testOperation(input, (st) => st.reduceByKeyAndWindow((x, y) => x + y, w, s), expected, {
          numBatches: numBatchesFor(expected, s),
          useSet: true,
        }));
    reduceCase("basic reduction", [[["a", 1], ["a", 3]]], [[["a", 4]]]);
    reduceCase("key already in window and new value added into window", [[["a", 1]], [["a", 1]]], [[["a", 1]], [["a", 2]]]);
    reduceCase("new key added into window", [[["a", 1]], [["a", 1], ["b", 1]]], [[["a", 1]], [["a", 2], ["b", 1]]]);
    reduceCase("key removed from window", [[["a", 1]], [["a", 1]], [], []], [[["a", 1]], [["a", 2]], [["a", 1]], []]);
    reduceCase("larger slide time", largerSlideInput, largerSlideReduceOutput, Seconds(4), Seconds(2));
    reduceCase("big test", bigInput, bigReduceOutput);

    const inverseCase = (name: string, input: KV[][], expected: KV[][], w = Seconds(2), s = Seconds(1)) =>
      test(`reduceByKeyAndWindow with inverse function - ${name}`, () =>
        h.testOperation(
          input,
          (st) =>
            st
              .reduceByKeyAndWindow(
                (x, y) => x + y,
                (x, y) => x - y,
                w,
                s,
              )
              .checkpoint(Seconds(100)),
          expected,
          { numBatches: numBatchesFor(expected, s), useSet: true },
        ));
    inverseCase("basic reduction", [[["a", 1], ["a", 3]]], [[["a", 4]]]);
    inverseCase("key already in window and new value added into window", [[["a", 1]], [["a", 1]]], [[["a", 1]], [["a", 2]]]);
    inverseCase("new key added into window", [[["a", 1]], [["a", 1], ["b", 1]]], [[["a", 1]], [["a", 2], ["b", 1]]]);
    inverseCase("key removed from window", [[["a", 1]], [["a", 1]], [], []], [[["a", 1]], [["a", 2]], [["a", 1]], [["a", 0]]]);
    inverseCase("larger slide time", largerSlideInput, largerSlideReduceOutput, Seconds(4), Seconds(2));
    inverseCase("big test", bigInput, bigReduceInvOutput);

    test("reduceByKeyAndWindow with inverse and filter functions - big test", () =>
      h.testOperation(
        bigInput,
        (st) =>
          st
            .reduceByKeyAndWindow(
              (x, y) => x + y,
              (x, y) => x - y,
              Seconds(2),
              Seconds(1),
              undefined,
              (kv) => kv[1] !== 0,
            )
            .persist()
            .checkpoint(Seconds(100)),
        bigReduceOutput,
        { useSet: true },
      ));

    test("reduceByKeyAndWindow with inverse, default checkpointing (every 10 s) over 12 batches", () =>
      h.testOperation(
        bigInput,
        (st) => st.reduceByKeyAndWindow((x, y) => x + y, (x, y) => x - y, 2, 1, 3, (kv) => kv[1] !== 0),
        bigReduceOutput,
        { useSet: true },
      ));

    test("groupByKeyAndWindow", () =>
      h.testOperation(
        bigInput,
        (st) => st.groupByKeyAndWindow(Seconds(2), Seconds(1)).mapValues((vs) => [...vs].sort((a, b) => a - b)),
        bigGroupByOutput,
        { useSet: true },
      ));

    test("groupByKeyAndWindow lists values in arrival order", () =>
      h.testOperation(
        [0, 1, 2, 3, 4].map((i) => [["a", i]] as KV[]),
        (st) => st.groupByKeyAndWindow(1.5, 0.5, 1),
        [[["a", [0]]], [["a", [0, 1]]], [["a", [0, 1, 2]]], [["a", [1, 2, 3]]], [["a", [2, 3, 4]]], [["a", [3, 4]]], [["a", [4]]]],
        { batchDuration: Milliseconds(500) },
      ));

    test("countByWindow emits 0 once data has been seen", () =>
      h.testOperation([[1], [1], [1, 2], [0], [], []], (st) => st.countByWindow(Seconds(2), Seconds(1)), [[1], [2], [3], [3], [1], [0]], {
        useSet: true,
      }));

    test("countByWindow emits nothing before any element has arrived", () =>
      h.testOperation([[], [], [7], []], (st) => st.countByWindow(2, 1), [[], [], [1], [1]]));

    test("countByValueAndWindow drops zero counts", () =>
      h.testOperation(
        [["a"], ["b", "b"], ["a", "b"], [], []],
        (st) => st.countByValueAndWindow(Seconds(2), Seconds(1)),
        [[["a", 1]], [["a", 1], ["b", 2]], [["a", 1], ["b", 3]], [["a", 1], ["b", 1]], []],
        { useSet: true },
      ));

    test("reduceByWindow with and without an inverse function", async () => {
      const input = [[1, 2], [3], [], [4]];
      const expected = [[3], [6], [3], [4], [4]];
      await h.testOperation(input, (st) => st.reduceByWindow((a, b) => a + b, 2, 1), [...expected, []]);
      // The inverse form keeps its single key, so it emits 0 once the window is empty.
      await h.testOperation(input, (st) => st.reduceByWindow((a, b) => a + b, (a, b) => a - b, 2, 1), [...expected, [0]]);
    });

    // A window shorter than its slide: windows (t - 2 s, t] at t = 3, 6, 9, 12 s leave batches 1, 4,
    // 7 and 10 between them, which no inverse-reduced window may count. Scala's
    // ReducedWindowedDStream subtracts (prev begin, cur begin - batch] and adds (prev end + batch,
    // cur end], which both take in the batches between the windows, so a key with no value in the
    // previous window (9 in batch 1 here) is counted from them; PySpark reduces such windows
    // directly and gives these results.
    const gapInput = [[9], [], [3], [9], [4], [3], [5], [], [5, 5], [8], [], []];
    const gapOptions = { numBatches: 12, useSet: true };
    test("countByValueAndWindow with a window shorter than its slide counts only the window", async () => {
      await h.testOperation([[9], [], [3]], (st) => st.countByValueAndWindow(Seconds(2), Seconds(3)), [[[3, 1]]], { numBatches: 3 });
      await h.testOperation(gapInput, (st) => st.countByValueAndWindow(2, 3), [[[3, 1]], [[3, 1], [4, 1]], [[5, 2]], []], gapOptions);
    });

    test("reduceByKeyAndWindow with inverse, a window shorter than its slide", () =>
      h.testOperation(
        [[["a", 1]], [], [["b", 2]], [["a", 4]], [["b", 5]], [], [["c", 7]], [], [], [["c", 1]], [], []] as KV[][],
        (st) => st.reduceByKeyAndWindow((x, y) => x + y, (x, y) => x - y, 2, 3),
        [[["b", 2]], [["b", 5]], [["b", 0]], [["b", 0]]],
        gapOptions,
      ));

    test("countByWindow and reduceByWindow with inverse, a window shorter than its slide", async () => {
      await h.testOperation(gapInput, (st) => st.countByWindow(2, 3), [[1], [2], [2], [0]], gapOptions);
      await h.testOperation(gapInput, (st) => st.reduceByWindow((a, b) => a + b, (a, b) => a - b, 2, 3), [[3], [7], [10], [0]], gapOptions);
    });

    test("inverse-reduced windows agree with reduced windows for windows shorter than, equal to and longer than the slide", async () => {
      const input = Array.from({ length: 12 }, (_, i) => Array.from({ length: (i * 7) % 4 }, (_, j) => [`k${(i + j) % 3}`, i + j] as KV));
      for (const [w, sl] of [[1, 2], [2, 3], [1, 3], [3, 3], [2, 2], [4, 2], [3, 1]] as const) {
        const naive = await h.runStreams([input], (st) => st.reduceByKeyAndWindow((x, y) => x + y, w, sl), 12);
        const inverse = await h.runStreams([input], (st) => st.reduceByKeyAndWindow((x, y) => x + y, (x, y) => x - y, w, sl, 2, (kv) => kv[1] !== 0), 12);
        assert.deepEqual(inverse.map(sortBatch), naive.map(sortBatch), `window ${w} s, slide ${sl} s`);
      }
    });

    // PySpark's window tests: 0.5 s batches, durations in seconds.
    const pyInput = [0, 1, 2, 3, 4].map((n) => Array.from({ length: n + 1 }, (_, i) => i));
    test("window(1.5, 0.5).count()", () =>
      h.testOperation(pyInput, (st) => st.window(1.5, 0.5).count(), [[1], [3], [6], [9], [12], [9], [5]], { batchDuration: Milliseconds(500) }));

    test("countByWindow(2.5, 0.5)", () =>
      h.testOperation(
        [...pyInput, [0, 1, 2, 3, 4, 5]],
        (st) => st.countByWindow(2.5, 0.5),
        [[1], [3], [6], [10], [15], [20], [18], [15], [11], [6]],
        { batchDuration: Milliseconds(500) },
      ));

    test("countByValueAndWindow(2.5, 0.5)", () =>
      h.testOperation(
        [...pyInput, [0, 1, 2, 3, 4, 5]],
        (st) => st.countByValueAndWindow(2.5, 0.5),
        [
          [[0, 1]],
          [[0, 2], [1, 1]],
          [[0, 3], [1, 2], [2, 1]],
          [[0, 4], [1, 3], [2, 2], [3, 1]],
          [[0, 5], [1, 4], [2, 3], [3, 2], [4, 1]],
          [[0, 5], [1, 5], [2, 4], [3, 3], [4, 2], [5, 1]],
          [[0, 4], [1, 4], [2, 4], [3, 3], [4, 2], [5, 1]],
          [[0, 3], [1, 3], [2, 3], [3, 3], [4, 2], [5, 1]],
          [[0, 2], [1, 2], [2, 2], [3, 2], [4, 2], [5, 1]],
          [[0, 1], [1, 1], [2, 1], [3, 1], [4, 1], [5, 1]],
        ],
        { batchDuration: Milliseconds(500), useSet: true },
      ));

    test("reduceByKeyAndWindow with a null inverse is the naive form (PySpark)", () =>
      h.testOperation(
        [...pyInput, [0, 1, 2, 3, 4, 5]],
        (st) =>
          st
            .map((x) => [x, 1] as [number, number])
            .reduceByKeyAndWindow((a, b) => a + b, null, 5, 1)
            .filter((kv) => kv[1] > 0)
            .count(),
        [[2], [4], [6], [6], [6], [6]],
        { batchDuration: Milliseconds(500), numBatches: 12 },
      ));

    test("windows and slides must be multiples of the parent's slide, checked when defined", async () => {
      await h.withContext(async ({ ssc }) => {
        const s = new TestInputStream<[number, number]>(ssc, []);
        const windowMsg = /The window duration of windowed DStream \(100 ms\) must be a multiple of the slide duration of parent DStream \(500 ms\)/;
        const slideMsg = /The slide duration of windowed DStream \(100 ms\) must be a multiple of the slide duration of parent DStream \(500 ms\)/;
        const isArg = (re: RegExp) => (e: Error) => e instanceof IllegalArgumentException && re.test(e.message);
        assert.throws(() => s.window(0.1, 0.1), isArg(windowMsg));
        assert.throws(() => s.window(1, 0.1), isArg(slideMsg));
        assert.throws(() => s.reduceByKeyAndWindow(null as never, null, 0.1, 0.1), isArg(windowMsg));
        assert.throws(() => s.reduceByKeyAndWindow(null as never, null, 1, 0.1), isArg(slideMsg));
        assert.throws(
          () => s.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 0.7, 0.5),
          (e: Error) =>
            e instanceof IllegalArgumentException &&
            e.message === "requirement failed: The window duration of ReducedWindowedDStream (700 ms) must be multiple of the slide duration of parent DStream (500 ms)",
        );
        assert.throws(() => s.countByWindow(Milliseconds(750), 1), /multiple of the slide duration/);
        assert.throws(() => s.groupByKeyAndWindow(1, Milliseconds(250)), /The slide duration of windowed DStream \(250 ms\)/);
        const w = s.window(1, 1);
        assert.throws(() => w.window(Milliseconds(1500)), /\(1500 ms\) must be a multiple of the slide duration of parent DStream \(1000 ms\)/);
      }, Milliseconds(500));
    });

    test("window streams keep emitting after the input ends", async () => {
      const out = await h.runStreams([[[1], [2]]], (st: DStream<number>) => st.window(3, 1), 5);
      assert.deepEqual(out.map((b) => [...b].sort()), [[1], [1, 2], [1, 2], [2], []]);
    });
  });
}
