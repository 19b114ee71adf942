import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Receiver, SparkException, type StreamingListener } from "../../../src/index.js";
import { pack } from "msgpackr";
import { MASTERS, recordReceiverEvents, suiteContext, waitFor, withStreaming } from "./support.js";

/** A receiver driven by the test: it counts its starts and stops and can be told to fail. */
class HandReceiver<T = string> extends Receiver<T> {
  starts = 0;
  stops = 0;
  failStart: "throw" | "reject" | undefined = undefined;
  onStart(): void | Promise<void> {
    this.starts++;
    if (this.failStart === "throw") throw new Error("cannot connect");
    if (this.failStart === "reject") return Promise.reject(new Error("cannot connect later"));
  }
  onStop(): void {
    this.stops++;
  }
}

async function collectEach<T>(stream: { foreachRDD(f: (rdd: { collect(): Promise<T[]> }) => Promise<void>): void }): Promise<T[][]> {
  const out: T[][] = [];
  stream.foreachRDD(async (rdd) => {
    out.push(await rdd.collect());
  });
  return out;
}

for (const master of MASTERS) {
  describe(`receiver lifecycle [${master}]`, () => {
    const sc = suiteContext(master);

    test("a custom receiver's records reach the first batch at or after they were stored", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const receiver = new HandReceiver();
        const stream = ssc.receiverStream(receiver);
        const out = await collectEach<string>(stream);
        const numRecords: number[] = [];
        ssc.addStreamingListener({ onBatchCompleted: (e) => numRecords.push(e.batchInfo.numRecords) });
        ssc.start();
        assert.equal(receiver.isStarted(), true);
        assert.equal(receiver.streamId, stream.id);
        receiver.store("a");
        receiver.store("b");
        await clock.advance(1000);
        await clock.advance(1000);
        receiver.store("c");
        await clock.advance(1000);
        assert.deepEqual(out, [["a", "b"], [], ["c"]]);
        assert.deepEqual(numRecords, [2, 0, 1]);
        assert.equal(stream.receivedRecords, 3);
      });
    });

    test("received blocks keep lone surrogates and -0", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const receiver = new HandReceiver<unknown>();
        const out = await collectEach<unknown>(ssc.receiverStream(receiver).map((x) => x));
        ssc.start();
        receiver.store("\ud83d2");
        receiver.store(-0);
        await clock.advance(1000);
        await receiver.store(["a\udc00b", `${"x".repeat(80)}\ud800`, { k: "\udfff", z: -0 }]);
        await clock.advance(1000);
        assert.deepStrictEqual(out, [["\ud83d2", -0], ["a\udc00b", `${"x".repeat(80)}\ud800`, { k: "\udfff", z: -0 }]]);
      });
    });

    test("listeners see the receiver start, then stop when the context stops", async () => {
      const receiver = new HandReceiver();
      let events: ReturnType<typeof recordReceiverEvents> = [];
      await withStreaming(sc(), async ({ ssc, clock }) => {
        events = recordReceiverEvents(ssc);
        ssc.receiverStream(receiver).foreachRDD(() => undefined);
        ssc.start();
        await clock.advance(1000);
        assert.deepEqual(events.map((e) => e.kind), ["started"]);
      });
      assert.deepEqual(
        events.map(({ kind, streamId, name, active, message }) => ({ kind, streamId, name, active, message })),
        [
          { kind: "started", streamId: 0, name: "HandReceiver-0", active: true, message: "" },
          { kind: "stopped", streamId: 0, name: "HandReceiver-0", active: false, message: "Stopped by driver" },
        ],
      );
      assert.equal(receiver.starts, 1);
      assert.equal(receiver.stops, 1);
      assert.equal(receiver.isStopped(), true);
      assert.equal(receiver.isStarted(), false);
    });

    test("restart(message, error) reports the error, stops, waits and starts again, keeping the data", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const events = recordReceiverEvents(ssc);
        const receiver = new HandReceiver();
        const out = await collectEach<string>(ssc.receiverStream(receiver));
        ssc.start();
        receiver.store("before");
        receiver.restart("lost the source", new Error("boom"));
        assert.equal(receiver.isStopped(), true);
        await waitFor(() => receiver.starts === 2, "the receiver to start again");
        assert.equal(receiver.isStarted(), true);
        receiver.store("after");
        await clock.advance(1000);
        assert.deepEqual(out, [["before", "after"]]);
        assert.equal(receiver.stops, 1);
        assert.deepEqual(
          events.map((e) => `${e.kind}: ${e.message}`),
          ["started: ", "error: lost the source", "stopped: Restarting receiver with delay 20ms: lost the source", "started: "],
        );
        assert.match(events[1]!.error, /Error: boom/);
        assert.equal(ssc.getState(), "ACTIVE");
      });
    });

    test("restart without an error posts no error event, and a given delay overrides the default", async () => {
      await withStreaming(sc(), async ({ ssc }) => {
        const events = recordReceiverEvents(ssc);
        const receiver = new HandReceiver();
        ssc.receiverStream(receiver).foreachRDD(() => undefined);
        ssc.start();
        receiver.restart("source ended", undefined, 1);
        await waitFor(() => receiver.starts === 2, "the receiver to start again");
        assert.deepEqual(events.map((e) => `${e.kind}: ${e.message}`), ["started: ", "stopped: Restarting receiver with delay 1ms: source ended", "started: "]);
        assert.equal(events[1]!.error, "");
      });
    });

    test("stop(message) from the receiver stops it for good; what it stored still arrives; later stores throw", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const events = recordReceiverEvents(ssc);
        const receiver = new HandReceiver();
        const out = await collectEach<string>(ssc.receiverStream(receiver));
        ssc.start();
        receiver.store("last words");
        receiver.stop("source is gone");
        await waitFor(() => events.some((e) => e.kind === "stopped"), "the receiver to stop");
        assert.throws(() => receiver.store("too late"), SparkException);
        assert.throws(() => receiver.store(["too", "late"]), /Cannot add data as the receiver of stream 0 has been stopped/);
        await clock.advance(2000);
        assert.deepEqual(out, [["last words"], []]);
        assert.deepEqual(events.map((e) => `${e.kind}: ${e.message}`), ["started: ", "stopped: source is gone"]);
        assert.equal(receiver.starts, 1);
        assert.equal(ssc.getState(), "ACTIVE");
      });
    });

    for (const failStart of ["throw", "reject"] as const) {
      test(`an onStart that fails (${failStart}) is reported and stopped; the application keeps running`, async () => {
        await withStreaming(sc(), async ({ ssc, clock }) => {
          const events = recordReceiverEvents(ssc);
          const receiver = new HandReceiver();
          receiver.failStart = failStart;
          const out = await collectEach<string>(ssc.receiverStream(receiver));
          ssc.start();
          await waitFor(() => events.some((e) => e.kind === "stopped"), "the receiver to be stopped");
          await clock.advance(2000);
          assert.deepEqual(out, [[], []]);
          assert.deepEqual(events.map((e) => `${e.kind}: ${e.message}`), ["started: ", "error: Error starting receiver 0", "stopped: Error starting receiver 0"]);
          assert.match(events[1]!.error, /cannot connect/);
          assert.equal(ssc.getState(), "ACTIVE");
          assert.equal(await ssc.awaitTerminationOrTimeout(0), false);
        });
      });
    }

    test("reportError tells listeners and keeps the receiver running", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const events = recordReceiverEvents(ssc);
        const receiver = new HandReceiver();
        const stream = ssc.receiverStream(receiver);
        const out = await collectEach<string>(stream);
        ssc.start();
        receiver.reportError("a record was malformed", new Error("bad byte"));
        receiver.store("ok");
        await clock.advance(1000);
        assert.deepEqual(out, [["ok"]]);
        assert.deepEqual(events.map((e) => `${e.kind}: ${e.message}`), ["started: ", "error: a record was malformed"]);
        assert.equal(receiver.isStarted(), true);
        assert.equal(stream.receiverInfo?.lastErrorMessage, "a record was malformed");
        assert.equal(stream.receiverInfo?.active, true);
      });
    });

    test("store takes one record, an array or iterator (one block each, resolved once stored) and packed bytes", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const receiver = new HandReceiver<number | number[]>();
        const stream = ssc.receiverStream(receiver);
        const parts: Array<Array<number | number[]>> = [];
        const counts: number[] = [];
        stream.foreachRDD(async (rdd) => {
          parts.push(...(await rdd.glom().collect()));
        });
        ssc.addStreamingListener({ onBatchCompleted: (e) => counts.push(e.batchInfo.numRecords) });
        ssc.start();
        receiver.store(1);
        await receiver.store([2, 3]);
        await receiver.store([4, 5][Symbol.iterator]());
        await receiver.store(pack([6, 7])); // any MessagePack array of records
        receiver.storeSingle([8, 9]);
        await receiver.storeMultiple(new Set([10]));
        await clock.advance(1000);
        const key = (x: unknown): string => JSON.stringify(x);
        const sorted = [...parts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        assert.deepEqual(sorted, [[1, [8, 9]], [10], [2, 3], [4, 5], [6, 7]]);
        // Packed bytes carry no record count, as in Spark.
        assert.deepEqual(counts, [7]);
        assert.equal(stream.receivedRecords, 7);
      });
    });

    test("storeLines: text split anywhere (inside a character, between \\r and \\n) gives the same lines", async () => {
      const text = "héllo wörld\r\n€uro\n\nlast\rcr only\n";
      const expected = ["héllo wörld", "€uro", "", "last", "cr only", "tail"];
      const bytes = Buffer.from(text + "tail", "utf8");
      class LineReceiver extends Receiver<string> {
        onStart(): void {}
        onStop(): void {}
      }
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const receivers = Array.from({ length: bytes.length - 1 }, () => new LineReceiver());
        const outs = receivers.map((r) => {
          const out: string[] = [];
          ssc.receiverStream(r).foreachRDD(async (rdd) => {
            out.push(...(await rdd.collect()));
          });
          return out;
        });
        ssc.start();
        receivers.forEach((r, i) => {
          // Receiver i gets the text in three chunks split at byte i+1 and in the middle.
          const cut = i + 1;
          const mid = Math.min(bytes.length, cut + 3);
          r.storeLines(bytes.subarray(0, cut));
          r.storeLines(bytes.subarray(cut, mid));
          r.storeLines(bytes.subarray(mid));
          r.finishLines();
        });
        await clock.advance(1000);
        for (const [i, out] of outs.entries()) assert.deepEqual(out, expected, `split at byte ${i + 1}`);
      });
    });

    test("two receivers feed their own streams", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const r1 = new HandReceiver();
        const r2 = new HandReceiver();
        const s1 = ssc.receiverStream(r1);
        const s2 = ssc.receiverStream(r2);
        const out: string[][] = [];
        s1.union(s2).foreachRDD(async (rdd) => {
          out.push(await rdd.collect());
        });
        ssc.start();
        r2.store("from 2");
        r1.store("from 1");
        await clock.advance(1000);
        assert.deepEqual(out, [["from 1", "from 2"]]);
        assert.deepEqual([r1.streamId, r2.streamId], [s1.id, s2.id]);
      });
    });

    test("a receiver can feed a new context once the old one has stopped", async () => {
      const receiver = new HandReceiver();
      for (const word of ["first", "second"]) {
        await withStreaming(sc(), async ({ ssc, clock }) => {
          const out = await collectEach<string>(ssc.receiverStream(receiver));
          ssc.start();
          receiver.store(word);
          await clock.advance(1000);
          assert.deepEqual(out, [[word]]);
        });
      }
      assert.equal(receiver.starts, 2);
    });

    test("a listener that throws does not disturb the receiver", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const throwing: StreamingListener = {
          onReceiverStarted: () => {
            throw new Error("listener bug");
          },
        };
        ssc.addStreamingListener(throwing);
        const receiver = new HandReceiver();
        const out = await collectEach<string>(ssc.receiverStream(receiver));
        ssc.start();
        receiver.store("fine");
        await clock.advance(1000);
        assert.deepEqual(out, [["fine"]]);
      });
    });
  });
}
