import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import {
  IllegalArgumentException,
  ManualClock,
  Milliseconds,
  NoSuchElementException,
  Seconds,
  State,
  StateSpec,
  StreamingContext,
  type Duration,
  type DStream,
  type Time,
} from "../../src/index.js";
import { StateMap } from "../../src/streaming/state/StateMap.js";
import { MASTERS, StreamingHarness, TestInputStream, sortBatch } from "./harness.js";

describe("State", () => {
  test("get, exists, update, remove, isTimingOut", () => {
    let state = new State<number>();
    const check = (expected: number | undefined, flags: { updated?: boolean; removed?: boolean; timingOut?: boolean } = {}) => {
      if (expected !== undefined) {
        assert.equal(state.exists(), true);
        assert.equal(state.get(), expected);
        assert.equal(state.getOption(), expected);
      } else {
        assert.equal(state.exists(), false);
        assert.throws(() => state.get(), (e: Error) => e instanceof NoSuchElementException && e.message === "State is not set");
        assert.equal(state.getOption(), undefined);
      }
      assert.equal(state.isTimingOut(), flags.timingOut ?? false);
      if (flags.timingOut) {
        assert.throws(() => state.remove(), (e: Error) => e instanceof IllegalArgumentException && /Cannot remove the state that is timing out/.test(e.message));
        assert.throws(() => state.update(-1), (e: Error) => e instanceof IllegalArgumentException && /Cannot update the state that is timing out/.test(e.message));
      }
      assert.equal(state.isUpdated(), flags.updated ?? false);
      assert.equal(state.isRemoved(), flags.removed ?? false);
      if (flags.removed) {
        assert.throws(() => state.remove(), /requirement failed: Cannot remove the state that has already been removed/);
        assert.throws(() => state.update(-1), /requirement failed: Cannot update the state after it has been removed/);
      }
    };
    check(undefined);
    state.wrap(undefined);
    check(undefined);
    state.wrap(1);
    check(1);
    state.update(2);
    check(2, { updated: true });
    state = new State<number>();
    state.update(2);
    check(2, { updated: true });
    state.remove();
    check(undefined, { removed: true });
    state.wrapTimingOutState(3);
    check(3, { timingOut: true });
    assert.equal(String(state), "State[3]");
    assert.equal(String(new State()), "State[<state not set>]");
  });
});

describe("StateMap", () => {
  test("put, get, remove and getAll", () => {
    const m = new StateMap<string, number>();
    m.put("k1", 1, 100);
    m.put("k2", 2, 200);
    assert.equal(m.get("k1"), 1);
    assert.equal(m.get("missing"), undefined);
    m.put("k1", 10, 300);
    m.remove("k2");
    assert.deepEqual([...m.getAll()], [["k1", 10, 300]]);
  });

  test("a copy is a delta: updates to it never change the original", () => {
    const parent = new StateMap<string, number>();
    parent.put("a", 1, 1000);
    parent.put("b", 2, 1000);
    const child = parent.copy();
    child.put("a", 10, 2000);
    child.remove("b");
    child.put("c", 3, 2000);
    assert.deepEqual(sortBatch([...parent.getAll()]), [["a", 1, 1000], ["b", 2, 1000]]);
    assert.deepEqual(sortBatch([...child.getAll()]), [["a", 10, 2000], ["c", 3, 2000]]);
    const grandchild = child.copy();
    grandchild.put("b", 20, 3000);
    assert.equal(grandchild.get("b"), 20);
    assert.equal(child.get("b"), undefined);
    assert.deepEqual(sortBatch([...grandchild.getAll()]), [["a", 10, 2000], ["b", 20, 3000], ["c", 3, 2000]]);
  });

  test("getByTime is strict: threshold 1000 keeps a state written at 1000, 1001 returns it", () => {
    const m = new StateMap<string, number>();
    m.put("k", 1, 1000);
    assert.deepEqual(m.getByTime(1000), []);
    assert.deepEqual(m.getByTime(1001), [["k", 1, 1000]]);
  });

  test("the delta chain is flattened at the threshold, keeping the contents", () => {
    let m = new StateMap<number, number>(undefined, 5);
    for (let i = 0; i < 12; i++) {
      m = m.copy();
      m.put(i, i, i);
      if (i % 3 === 0) m.remove(i - 1);
      assert.ok(m.deltaChainLength < 5);
    }
    const expected = Array.from({ length: 12 }, (_, i) => i).filter((i) => !(i % 3 === 2 && i < 11));
    assert.deepEqual([...m.getAll()].map((e) => e[0]).sort((a, b) => a - b), expected);
  });

  test("composite keys compare by value", () => {
    const m = new StateMap<[string, number], string>();
    m.put(["a", 1], "x", 0);
    const c = m.copy();
    c.put(["a", 1], "y", 1);
    assert.equal(c.get(["a", 1]), "y");
    assert.equal([...c.getAll()].length, 1);
  });
});

const inputData = [[], ["a"], ["a", "b"], ["a", "b", "c"], ["a", "b"], ["a"], []];
const runningStates = [
  [],
  [["a", 1]],
  [["a", 2], ["b", 1]],
  [["a", 3], ["b", 2], ["c", 1]],
  [["a", 4], ["b", 3], ["c", 1]],
  [["a", 5], ["b", 3], ["c", 1]],
  [["a", 5], ["b", 3], ["c", 1]],
] as Array<Array<[string, number]>>;

for (const master of MASTERS) {
  describe(`mapWithState [${master}]`, () => {
    const h = new StreamingHarness(master);
    after(() => h.close());

    /** MapWithStateSuite.getOperationOutput: mapped outputs and state snapshots per batch. */
    async function run<S, E>(input: string[][], spec: StateSpec<string, number, S, E>, numBatches: number, tweak?: (s: DStream<E>) => void) {
      return h.withContext(async ({ ssc, clock }) => {
        const stream = new TestInputStream(ssc, input).map((x) => [x, 1] as [string, number]).mapWithState(spec);
        tweak?.(stream);
        const outputs: E[][] = [];
        const snapshots: Array<Array<[string, S]>> = [];
        stream.foreachRDD(async (rdd) => {
          outputs.push(await rdd.collect());
        });
        stream.stateSnapshots().foreachRDD(async (rdd) => {
          snapshots.push(await rdd.collect());
        });
        ssc.start();
        await clock.advance(numBatches * 1000);
        await ssc.awaitTerminationOrTimeout(0);
        return { outputs, snapshots };
      });
    }

    async function testOperation<S, E>(input: string[][], spec: StateSpec<string, number, S, E>, expectedOutputs: E[][], expectedStates: Array<Array<[string, S]>>) {
      const { outputs, snapshots } = await run(input, spec, expectedOutputs.length);
      assert.deepEqual(outputs.map(sortBatch), expectedOutputs.map(sortBatch), "outputs");
      assert.deepEqual(snapshots.map(sortBatch), expectedStates.map(sortBatch), "state snapshots");
    }

    test("basic operations with simple API: every call's result is emitted", () => {
      const mappingFunc = (_key: string, value: number | undefined, state: State<number>) => {
        const sum = (value ?? 0) + (state.getOption() ?? 0);
        state.update(sum);
        return sum;
      };
      return testOperation(inputData, StateSpec.function(mappingFunc), [[], [1], [2, 1], [3, 2, 1], [4, 3], [5], []], runningStates);
    });

    test("basic operations with advanced API (time, key, value, state)", () => {
      const mappingFunc = (_time: Time, key: string, value: number | undefined, state: State<number>) => {
        state.update((value ?? 0) + (state.getOption() ?? 0));
        return key + key;
      };
      return testOperation(
        inputData,
        StateSpec.function(mappingFunc),
        [[], ["aa"], ["aa", "bb"], ["aa", "bb", "cc"], ["aa", "bb"], ["aa"], []],
        runningStates,
      );
    });

    test("states as mapped data", () => {
      const mappingFunc = (_time: Time, key: string, value: number | undefined, state: State<number>) => {
        const sum = (value ?? 0) + (state.getOption() ?? 0);
        state.update(sum);
        return [key, sum] as [string, number];
      };
      return testOperation(
        inputData,
        StateSpec.function(mappingFunc),
        [[], [["a", 1]], [["a", 2], ["b", 1]], [["a", 3], ["b", 2], ["c", 1]], [["a", 4], ["b", 3]], [["a", 5]], []],
        runningStates,
      );
    });

    test("initial states, with nothing returned from the mapping function", () => {
      const mappingFunc = (_time: Time, _key: string, value: number | undefined, state: State<number>): number | undefined => {
        state.update((value ?? 0) + (state.getOption() ?? 0));
        return undefined;
      };
      const initial: Array<[string, number]> = [["a", 5], ["b", 10], ["c", -20], ["d", 0]];
      const spec = StateSpec.function(mappingFunc).initialState(h.sparkContext().parallelize(initial));
      return testOperation(inputData, spec, inputData.map(() => []), [
        [["a", 5], ["b", 10], ["c", -20], ["d", 0]],
        [["a", 6], ["b", 10], ["c", -20], ["d", 0]],
        [["a", 7], ["b", 11], ["c", -20], ["d", 0]],
        [["a", 8], ["b", 12], ["c", -19], ["d", 0]],
        [["a", 9], ["b", 13], ["c", -19], ["d", 0]],
        [["a", 10], ["b", 13], ["c", -19], ["d", 0]],
        [["a", 10], ["b", 13], ["c", -19], ["d", 0]],
      ]);
    });

    test("state removing takes effect in the same batch", () => {
      const mappingFunc = (_time: Time, key: string, value: number | undefined, state: State<number>) => {
        if (state.exists()) {
          state.remove();
          return key;
        }
        state.update(value!);
        return undefined;
      };
      return testOperation(
        [[], ["a"], ["a", "b"], ["a", "b", "c"], ["a", "b", "c"], ["a", "b"], ["a"], []],
        StateSpec.function(mappingFunc).numPartitions(1),
        [[], [], ["a"], ["b"], ["a", "c"], ["b"], ["a"], []],
        [[], [["a", 1]], [["b", 1]], [["a", 1], ["c", 1]], [["b", 1]], [["a", 1]], [], []],
      );
    });

    test("the mapping function is called once per record, never for keys without records", async () => {
      const calls: string[] = [];
      const { outputs, snapshots } = await run(
        [["k", "k"], [], ["k"]],
        StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
          state.update((state.getOption() ?? 0) + (value ?? 0));
          return `${key}:${state.get()}`;
        }).numPartitions(1),
        3,
      );
      void calls;
      assert.deepEqual(outputs, [["k:1", "k:2"], [], ["k:3"]]);
      assert.deepEqual(snapshots, [[["k", 2]], [["k", 2]], [["k", 3]]]);
    });

    test("state timing out: scanned on checkpoint batches, each expired key called once and removed", async () => {
      const input = [["a", "b", "c"], ["a", "b"], ["a"], [], [], ["a"], ...Array.from({ length: 20 }, () => ["a"])];
      const mappingFunc = (_time: Time, key: string, value: number | undefined, state: State<number>) => {
        if (value !== undefined) state.update(1);
        return state.isTimingOut() ? key : undefined;
      };
      const { outputs, snapshots } = await run(input, StateSpec.function(mappingFunc).timeout(Seconds(3)), 20);
      assert.deepEqual(outputs.flat().sort(), ["b", "c"]);
      // Both expire at batch 10, the first batch that checkpoints the state.
      assert.deepEqual(outputs[9]!.sort(), ["b", "c"]);
      assert.ok(snapshots.some((s) => JSON.stringify(sortBatch(s)) === JSON.stringify([["a", 1], ["b", 1], ["c", 1]])));
      assert.deepEqual(snapshots[snapshots.length - 1], [["a", 1]]);
    });

    test("timeouts: any record refreshes the timestamp; expiry is strict (lastUpdate < batchTime − timeout)", async () => {
      const seen: string[] = [];
      const mappingFunc = (time: Time, key: string, value: number | undefined, state: State<number>) => {
        if (state.isTimingOut()) return `${key} timed out at ${time.milliseconds}`;
        // "noop" never updates: its timestamp must still move with each record.
        if (key !== "noop" && value !== undefined) state.update((state.getOption() ?? 0) + value);
        else if (!state.exists()) state.update(0);
        return undefined;
      };
      const { outputs } = await run(
        [["a", "noop"], ["noop"], [], [], [], []],
        StateSpec.function(mappingFunc).timeout(Seconds(2)),
        6,
        (s) => {
          s.checkpoint(Seconds(1)); // scan every batch
        },
      );
      seen.push(...outputs.flat());
      // a: written at 1000; kept at 3000 (threshold 1000), expired at 4000 (threshold 2000).
      // noop: refreshed at 2000 by a record without update; expired at 5000 (threshold 3000).
      assert.deepEqual(outputs, [[], [], [], ["a timed out at 4000"], ["noop timed out at 5000"], []]);
    });

    test("checkpoint durations: 10 batches by default, or as set on the mapWithState stream", async () => {
      const cases: Array<[Duration, Duration, Duration | undefined]> = [
        [Milliseconds(100), Seconds(1), undefined],
        [Seconds(1), Seconds(10), undefined],
        [Seconds(10), Seconds(100), undefined],
        [Milliseconds(100), Seconds(2), Seconds(2)],
        [Seconds(1), Seconds(2), Seconds(2)],
        [Seconds(10), Seconds(20), Seconds(20)],
      ];
      for (const [batch, expected, explicit] of cases) {
        const ssc = new StreamingContext(h.sparkContext(), batch, { clock: new ManualClock() });
        try {
          const stream = new TestInputStream<number>(ssc, []).map((x) => [x, 1] as [number, number]).mapWithState(StateSpec.function(() => 0));
          if (explicit) stream.checkpoint(explicit);
          stream.foreachRDD(() => undefined);
          ssc.checkpoint(h.tempDir());
          ssc.start();
          const internal = stream as unknown as { checkpointDuration?: Duration; internalStream: { checkpointDuration?: Duration } };
          assert.equal(internal.checkpointDuration, undefined);
          assert.equal(internal.internalStream.checkpointDuration?.milliseconds, expected.milliseconds);
        } finally {
          await ssc.stop({ stopSparkContext: false });
        }
      }
    });

    test("state survives checkpointing: snapshots stay right across checkpoint batches", async () => {
      const input = Array.from({ length: 14 }, (_, i) => (i % 2 === 0 ? ["a", "b"] : ["a"]));
      const count = (_k: string, v: number | undefined, s: State<number>) => {
        s.update((s.getOption() ?? 0) + (v ?? 0));
        return s.get();
      };
      const { snapshots } = await run(input, StateSpec.function(count).numPartitions(2), 14, (s) => {
        s.checkpoint(Seconds(3));
      });
      snapshots.forEach((snap, i) => {
        const n = i + 1;
        assert.deepEqual(sortBatch(snap), [["a", n], ["b", Math.ceil(n / 2)]], `batch ${n}`);
      });
    });

    test("a lost state block is read back from its checkpoint", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const count = (_k: string, v: number | undefined, s: State<number>) => {
          s.update((s.getOption() ?? 0) + (v ?? 0));
          return s.get();
        };
        const stream = new TestInputStream(ssc, [["a", "b"], ["a"], ["a", "c"]])
          .map((x) => [x, 1] as [string, number])
          .mapWithState(StateSpec.function(count).numPartitions(2));
        stream.checkpoint(Seconds(1));
        const snapshots: Array<Array<[string, number]>> = [];
        stream.stateSnapshots().foreachRDD(async (rdd) => {
          snapshots.push(sortBatch(await rdd.collect()));
        });
        ssc.start();
        await clock.advance(2000);
        const internal = (stream as unknown as { internalStream: { generatedRDDs: Map<number, { isCheckpointed(): boolean; unpersist(): unknown }> } }).internalStream;
        const batch2 = internal.generatedRDDs.get(2000)!;
        assert.equal(batch2.isCheckpointed(), true);
        batch2.unpersist();
        await clock.advance(1000);
        assert.deepEqual(snapshots, [
          [["a", 1], ["b", 1]],
          [["a", 2], ["b", 1]],
          [["a", 3], ["b", 1], ["c", 1]],
        ]);
      });
    });
  });
}
