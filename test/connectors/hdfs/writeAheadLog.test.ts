/**
 * The receivers' write-ahead log with its directory on the HDFS minicluster: segments created
 * and appended through WebHDFS (group commit: one request carries every record queued behind
 * the one in flight), read back by handle and in full, rolled and cleaned; a failed append is
 * never acknowledged and starts a new segment; the received-block log recovers from HDFS.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FileSystems, SparkConf } from "../../../src/index.js";
import { WriteAheadLog } from "../../../src/streaming/wal/WriteAheadLog.js";
import { ReceivedBlockWriteAheadLog, RECEIVED_DATA_DIR } from "../../../src/streaming/wal/ReceivedBlockWriteAheadLog.js";
import { decodeLines, type ReceivedBlock } from "../../../src/streaming/receiver/ReceivedBlock.js";
import { hdfsDir } from "./cluster.js";
import { names } from "../../helpers/fileBase.js";

const big = { rollingIntervalMs: 60_000, maxSegmentBytes: 1 << 20 };

test("on HDFS, appends become durable together and read back in order, by handle or in full", async () => {
  const dir = `${hdfsDir("wal")}/log`;
  const log = new WriteAheadLog(dir, big);
  const appended = Array.from({ length: 50 }, (_, i) => log.append(Buffer.from(`record ${i}`)));
  await Promise.all(appended.map((a) => a.durable));
  for (const [i, a] of appended.entries()) assert.equal(log.read(a.handle).toString(), `record ${i}`);
  // 50 records in far fewer requests: a CREATE, then an APPEND per group.
  assert.equal(names(dir).length, 1);
  await log.close();
  const reread = new WriteAheadLog(dir, big);
  assert.deepEqual([...reread.readAll()].map((r) => r.payload.toString()), appended.map((_, i) => `record ${i}`));
  await reread.close();
});

test("on HDFS, segments roll by size and cleaning never deletes the one being written", async () => {
  const dir = `${hdfsDir("wal-roll")}/log`;
  const rolled: string[] = [];
  const log = new WriteAheadLog(dir, { rollingIntervalMs: 60_000, maxSegmentBytes: 64, onRoll: (s) => rolled.push(s) });
  for (let i = 0; i < 5; i++) await log.append(Buffer.alloc(40, i)).durable;
  assert.equal(rolled.length, 5, "every 48-byte record fills a 64-byte segment");
  assert.deepEqual(log.segments(), rolled);
  assert.equal(log.deleteSegments(() => true).length, 4);
  assert.deepEqual(log.segments(), [log.activeSegment]);
  await log.close();
});

test("on HDFS, a failed append is refused, never acknowledged, and the log goes on in a new segment", async () => {
  const dir = `${hdfsDir("wal-fail")}/log`;
  const log = new WriteAheadLog(dir, big);
  const first = log.append(Buffer.from("kept"));
  await first.durable;
  // The segment vanishes under the log, so its next APPEND fails.
  FileSystems.get(dir).delete(`${dir}/${first.handle.segment}`, false);
  const lost = log.append(Buffer.from("refused"));
  await assert.rejects(lost.durable, /APPEND/);
  const next = log.append(Buffer.from("after"));
  await next.durable;
  assert.notEqual(next.handle.segment, first.handle.segment, "the failed segment is not appended to again");
  assert.equal(log.read(next.handle).toString(), "after");
  await log.close();
});

function block(streamId: number, time: number, lines: string[]): ReceivedBlock {
  return { streamId, format: "lines", bytes: Buffer.from(lines.map((l) => `${l}\n`).join("")), numRecords: lines.length, time };
}

test("on HDFS, the received-block log gives back the tracker's blocks and allocations, and cleans its data segments", async () => {
  const root = hdfsDir("wal-blocks");
  const conf = new SparkConf({ "dstream.streaming.writeAheadLog.maxSegmentBytes": "100" });
  const wal = new ReceivedBlockWriteAheadLog(root, conf);
  const logged = [];
  for (let i = 0; i < 4; i++) {
    const l = wal.logBlock(block(0, 500 * (i + 1), [`line ${i} `.repeat(6)]), `input-0-${i}`);
    await l.durable;
    logged.push(l);
  }
  wal.logAllocation(0, 1000, [logged[0]!.key, logged[1]!.key]);
  wal.logAllocation(0, 2000, [logged[2]!.key]);
  wal.logCleanup(0, 2000);
  await wal.close();
  assert.equal(names(`${root}/${RECEIVED_DATA_DIR}/0`).length, 2, "the segments of the two cleaned blocks are gone");

  const again = new ReceivedBlockWriteAheadLog(root, conf);
  const recovered = again.recover();
  const text = (bs: Array<{ location: { kind: string; buf?: SharedArrayBuffer } }>) =>
    bs.map((b) => decodeLines(new Uint8Array((b.location as { buf: SharedArrayBuffer }).buf)).join(",").trim());
  assert.deepEqual([...recovered.allocated.get(0)!.keys()], [2000]);
  assert.deepEqual(text(recovered.allocated.get(0)!.get(2000)!), ["line 2 ".repeat(6).trim()]);
  assert.deepEqual(text(recovered.unallocated.get(0)!), ["line 3 ".repeat(6).trim()]);
  assert.equal(recovered.nextBlockId, 4);
  await again.close();
});
