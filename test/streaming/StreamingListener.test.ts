import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { InputDStream, type BatchInfo, type RDD, type StreamingListener, type Time } from "../../src/index.js";
import { MASTERS, StreamingHarness, TestInputStream } from "./harness.js";

/** An input stream that reports its record counts, as receiver-based and direct streams do. */
class CountingInput extends InputDStream<number> {
  constructor(
    ssc: ConstructorParameters<typeof InputDStream<number>>[0],
    private readonly batches: number[][],
  ) {
    super(ssc);
  }
  start(): void {}
  stop(): void {}
  compute(validTime: Time): RDD<number> {
    const i = (validTime.milliseconds - this.zeroTime!.milliseconds) / this.slideDuration.milliseconds - 1;
    const data = this.batches[i] ?? [];
    this.reportInputInfo(validTime, data.length, { source: "test" });
    return this.context.sparkContext.parallelize(data, 2);
  }
}

function recorder(): { events: string[]; completed: BatchInfo[]; listener: StreamingListener } {
  const events: string[] = [];
  const completed: BatchInfo[] = [];
  const listener: StreamingListener = {
    onStreamingStarted: () => events.push("streamingStarted"),
    onBatchSubmitted: (e) => events.push(`submitted ${e.batchInfo.batchTime.milliseconds}`),
    onBatchStarted: (e) => events.push(`started ${e.batchInfo.batchTime.milliseconds}`),
    onOutputOperationStarted: (e) => events.push(`opStarted ${e.outputOperationInfo.batchTime.milliseconds}#${e.outputOperationInfo.id}`),
    onOutputOperationCompleted: (e) =>
      events.push(`opCompleted ${e.outputOperationInfo.batchTime.milliseconds}#${e.outputOperationInfo.id}${e.outputOperationInfo.failureReason ? " failed" : ""}`),
    onBatchCompleted: (e) => {
      events.push(`completed ${e.batchInfo.batchTime.milliseconds}`);
      completed.push(e.batchInfo);
    },
  };
  return { events, completed, listener };
}

for (const master of MASTERS) {
  describe(`StreamingListener [${master}]`, () => {
    const h = new StreamingHarness(master);
    after(() => h.close());

    test("batch and output operation events arrive in order before advance settles", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const { events, completed, listener } = recorder();
        ssc.addStreamingListener(listener);
        const input = new CountingInput(ssc, [[1, 2, 3], [4]]);
        input.foreachRDD(async (rdd) => {
          await rdd.count();
        });
        input.map((x) => x * 2).print();
        ssc.start();
        await clock.advance(1000);
        await clock.advance(1000);
        assert.deepEqual(events, [
          "streamingStarted",
          "submitted 1000",
          "started 1000",
          "opStarted 1000#0",
          "opCompleted 1000#0",
          "opStarted 1000#1",
          "opCompleted 1000#1",
          "completed 1000",
          "submitted 2000",
          "started 2000",
          "opStarted 2000#0",
          "opCompleted 2000#0",
          "opStarted 2000#1",
          "opCompleted 2000#1",
          "completed 2000",
        ]);
        const [b1, b2] = completed;
        assert.equal(b1!.numRecords, 3);
        assert.equal(b2!.numRecords, 1);
        assert.deepEqual(b1!.streamIdToInputInfo.get(input.id), { inputStreamId: input.id, numRecords: 3, metadata: { source: "test" } });
        for (const b of completed) {
          assert.ok(b.schedulingDelay! >= 0 && b.processingDelay! >= 0);
          assert.equal(b.totalDelay, b.schedulingDelay! + b.processingDelay!);
          assert.equal(b.outputOperationInfos.size, 2);
          const op0 = b.outputOperationInfos.get(0)!;
          assert.equal(op0.name, "foreachRDD");
          assert.match(op0.description, /^foreachRDD at StreamingListener\.test\.ts:\d+$/);
          assert.equal(op0.failureReason, undefined);
          assert.ok(op0.endTime! >= op0.startTime!);
          assert.equal(b.outputOperationInfos.get(1)!.name, "print");
        }
      });
    });

    test("advancing several batches at once submits them all, then runs them one after another", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const { events, listener } = recorder();
        ssc.addStreamingListener(listener);
        new TestInputStream(ssc, [[1], [2], [3]]).foreachRDD(async (rdd) => {
          await rdd.count();
        });
        ssc.start();
        await clock.advance(3000);
        const batchEvents = events.filter((e) => !e.startsWith("submitted") && e !== "streamingStarted");
        assert.deepEqual(
          batchEvents,
          [1000, 2000, 3000].flatMap((t) => [`started ${t}`, `opStarted ${t}#0`, `opCompleted ${t}#0`, `completed ${t}`]),
        );
        assert.equal(events.filter((e) => e.startsWith("submitted")).length, 3);
      });
    });

    test("a failed output operation carries its failure reason; the batch still completes", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const { events, completed, listener } = recorder();
        ssc.addStreamingListener(listener);
        const input = new TestInputStream(ssc, [[1], [2]]);
        input.foreachRDD((_rdd, time) => {
          if (time.milliseconds === 1000) throw new Error("boom");
        });
        input.foreachRDD(() => undefined);
        ssc.start();
        await clock.advance(2000);
        assert.ok(events.includes("opCompleted 1000#0 failed"));
        assert.ok(events.includes("opCompleted 1000#1"));
        assert.deepEqual(
          completed.map((b) => b.batchTime.milliseconds),
          [1000, 2000],
        );
        assert.match(completed[0]!.outputOperationInfos.get(0)!.failureReason!, /boom/);
        await assert.rejects(ssc.awaitTerminationOrTimeout(0), /boom/);
      });
    });

    test("batches in which no output runs post no events; a throwing listener is skipped", async () => {
      await h.withContext(async ({ ssc, clock }) => {
        const { events, listener } = recorder();
        ssc.addStreamingListener({
          onBatchCompleted: () => {
            throw new Error("listener bug");
          },
        });
        ssc.addStreamingListener(listener);
        new TestInputStream(ssc, [null, [1]]).foreachRDD(() => undefined);
        ssc.start();
        await clock.advance(2000);
        assert.deepEqual(
          events.filter((e) => e.startsWith("completed") || e.startsWith("submitted")),
          ["submitted 2000", "completed 2000"],
        );
        ssc.removeStreamingListener(listener);
        await clock.advance(1000);
        assert.ok(!events.includes("completed 3000"));
      });
    });

    test("receiver events reach listeners through the bus", async () => {
      await h.withContext(async ({ ssc }) => {
        const seen: string[] = [];
        ssc.addStreamingListener({
          onReceiverStarted: (e) => seen.push(`started ${e.receiverInfo.name}`),
          onReceiverError: (e) => seen.push(`error ${e.receiverInfo.lastErrorMessage}`),
          onReceiverStopped: (e) => seen.push(`stopped ${e.receiverInfo.streamId}`),
        });
        const info = { streamId: 0, name: "r", active: true, location: "localhost", executorId: "driver", lastErrorMessage: "", lastError: "", lastErrorTime: -1 };
        ssc.listenerBus.post("onReceiverStarted", { receiverInfo: info });
        ssc.listenerBus.post("onReceiverError", { receiverInfo: { ...info, lastErrorMessage: "lost" } });
        ssc.listenerBus.post("onReceiverStopped", { receiverInfo: { ...info, active: false } });
        assert.deepEqual(seen, ["started r", "error lost", "stopped 0"]);
      });
    });
  });
}
