/**
 * Receiver.storeUnique, the deduplication by source id that broker receivers (Redis Streams,
 * RabbitMQ) build on and a user's receiver can too: an id is stored once while the driver holds
 * a block with it, in the run that stored it and, through the receiver write-ahead log, in the
 * run that recovered it; once the block is freed, the id is new again.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Receiver, SparkConf } from "../../../src/index.js";
import { ReceivedBlockWriteAheadLog } from "../../../src/streaming/wal/ReceivedBlockWriteAheadLog.js";
import { receivedBlockStorage, WAL_ENABLE_KEY } from "../../../src/streaming/wal/receivedBlockStorage.js";
import type { ReceivedBlock } from "../../../src/streaming/receiver/ReceivedBlock.js";
import { collectAll, suiteContext, withStreaming } from "./support.js";

class HandReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), "dstream-unique-"));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe("Receiver.storeUnique", () => {
  const sc = suiteContext("local[2]");

  test("an id is stored once while its block is held (a repeat in the same call too); records without an id always; a freed block's ids are new again", async () => {
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const receiver = new HandReceiver();
      const out = collectAll(ssc.receiverStream(receiver));
      ssc.start();
      assert.deepEqual(await receiver.storeUnique(["a", "b", "no-id"], ["1", "2", undefined]), { stored: 3, duplicates: 0 });
      assert.deepEqual(await receiver.storeUnique(["b again", "c", "c again", "no-id"], ["2", "3", "3", undefined]), { stored: 2, duplicates: 2 });
      await clock.advance(1000);
      assert.deepEqual(await receiver.storeUnique(["a again"], ["1"]), { stored: 0, duplicates: 1 }, "batch 1000's blocks are still held");
      // Batch 1000's blocks are freed once the stream no longer remembers that batch.
      await clock.advance(5000);
      assert.deepEqual(await receiver.storeUnique(["a later"], ["1"]), { stored: 1, duplicates: 0 });
      await clock.advance(1000);
      assert.deepEqual(out, ["a", "b", "no-id", "c", "no-id", "a later"]);
      assert.throws(() => receiver.storeUnique(["x"], []), /Receiver.storeUnique: give one id \(or undefined\) per record; got 0 ids for 1 records/);
    });
  });
});

describe("Receiver.storeUnique with the write-ahead log", () => {
  const sc = suiteContext("local[2]", { [WAL_ENABLE_KEY]: "true" });

  test("a repeat of an id whose block is still being written to the log waits for that block, and is not stored", async (t) => {
    const dir = tempDir(t);
    await withStreaming(sc(), async ({ ssc, clock }) => {
      ssc.checkpoint(dir);
      const receiver = new HandReceiver();
      const out = collectAll(ssc.receiverStream(receiver));
      ssc.start();
      let firstDone = false;
      const first = receiver.storeUnique(["a"], ["1"]).then((r) => ((firstDone = true), r));
      const again = receiver.storeUnique(["a again"], ["1"]).then((r) => {
        assert.ok(firstDone, "the repeat resolves only once the block holding its id is stored");
        return r;
      });
      assert.deepEqual(await Promise.all([first, again]), [
        { stored: 1, duplicates: 0 },
        { stored: 0, duplicates: 1 },
      ]);
      await clock.advance(1000);
      assert.deepEqual(out, ["a"]);
    });
  });

  test("a driver that recovers the log holds the ids of the recovered blocks, not of those already cleaned up", async (t) => {
    const root = tempDir(t);
    // Every event rolls the metadata log, so the ids must also survive the snapshots that begin each segment.
    const conf = new SparkConf({ [WAL_ENABLE_KEY]: "true", "spark.streaming.driver.writeAheadLog.rollingIntervalSecs": "0", "dstream.streaming.writeAheadLog.maxSegmentBytes": "200" });
    const block = (time: number, ids: string[]): ReceivedBlock => ({ streamId: 0, format: "lines", bytes: Buffer.from(ids.map((i) => `${i}\n`).join("")), numRecords: ids.length, time, recordIds: ids });
    const wal = new ReceivedBlockWriteAheadLog(root, conf);
    const logged = [wal.logBlock(block(900, ["e1", "e2"]), "input-0-0"), wal.logBlock(block(1900, ["e3"]), "input-0-1"), wal.logBlock(block(2900, ["e4"]), "input-0-2")];
    await Promise.all(logged.map((l) => l.durable));
    wal.logAllocation(0, 1000, [logged[0]!.key]);
    wal.logAllocation(0, 2000, [logged[1]!.key]);
    wal.logCleanup(0, 2000);
    await wal.close();

    const { tracker, handler } = receivedBlockStorage({ conf, checkpointDir: root, resumed: true });
    t.after(() => handler.stop());
    assert.deepEqual(["e1", "e2", "e3", "e4", "e5"].map((id) => tracker.hasRecordId(0, id)), [false, false, true, true, false]);
    assert.equal(tracker.hasRecordId(1, "e3"), false, "ids are per input stream");
    // Freed with their block, as in the run that stored them.
    tracker.cleanupOldBatches(0, 3000);
    assert.equal(tracker.hasRecordId(0, "e3"), false);
    assert.equal(tracker.hasRecordId(0, "e4"), true, "e4's block is not allocated yet");
  });
});
