/**
 * The write-ahead log itself: checksummed records in segments, durable appends by group
 * commit, torn tails and damaged records, rolling and cleaning; and the received-block log
 * built on it, whose replay gives back exactly the tracker's state.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkConf } from "../../../src/index.js";
import { WriteAheadLog, type WalRecordHandle } from "../../../src/streaming/wal/WriteAheadLog.js";
import { ReceivedBlockWriteAheadLog, RECEIVED_DATA_DIR, RECEIVED_METADATA_DIR } from "../../../src/streaming/wal/ReceivedBlockWriteAheadLog.js";
import { decodeLines, type ReceivedBlock } from "../../../src/streaming/receiver/ReceivedBlock.js";
import { captureLog } from "./inProcessApp.js";

function tempDir(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), "dstream-wal-"));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const big = { rollingIntervalMs: 60_000, maxSegmentBytes: 1 << 20 };

test("appends become durable together (group commit) and read back in order, by handle or in full", async (t) => {
  const dir = tempDir(t);
  const log = new WriteAheadLog(dir, big);
  const appended = Array.from({ length: 50 }, (_, i) => log.append(Buffer.from(`record ${i}`)));
  await Promise.all(appended.map((a) => a.durable));
  for (const [i, a] of appended.entries()) assert.equal(log.read(a.handle).toString(), `record ${i}`);
  await log.close();
  const reread = new WriteAheadLog(dir, big);
  assert.deepEqual([...reread.readAll()].map((r) => r.payload.toString()), appended.map((_, i) => `record ${i}`));
});

test("a torn tail left by a crash ends its segment with a warning; the records before it are kept", async (t) => {
  const dir = tempDir(t);
  const log = new WriteAheadLog(dir, big);
  for (let i = 0; i < 3; i++) await log.append(Buffer.from(`r${i}`)).durable;
  await log.close();
  const [segment] = readdirSync(dir);
  const path = join(dir, segment!);
  truncateSync(path, readFileSync(path).length - 1);
  const { value: records, log: warnings } = await captureLog(async () => [...new WriteAheadLog(dir, big).readAll()].map((r) => r.payload.toString()));
  assert.deepEqual(records, ["r0", "r1"]);
  assert.match(warnings, new RegExp(`Write-ahead log segment ${path} ends with a record of 2 bytes cut short at offset \\d+, left by a crash`));
});

test("a damaged record fails its checksum: reading it by handle says so, and a scan stops before it", async (t) => {
  const dir = tempDir(t);
  const log = new WriteAheadLog(dir, big);
  const handles: WalRecordHandle[] = [];
  for (let i = 0; i < 3; i++) {
    const a = log.append(Buffer.from(`record-${i}`));
    await a.durable;
    handles.push(a.handle);
  }
  await log.close();
  const path = join(dir, handles[1]!.segment);
  const bytes = readFileSync(path);
  bytes[handles[1]!.offset + 8 + 2] ^= 1;
  writeFileSync(path, bytes);
  const reread = new WriteAheadLog(dir, big);
  assert.throws(() => reread.read(handles[1]!), /the record at offset \d+ fails its checksum/);
  assert.equal(reread.read(handles[2]!).toString(), "record-2");
  const { value } = await captureLog(async () => [...reread.readAll()].map((r) => r.payload.toString()));
  assert.deepEqual(value, ["record-0"]);
});

test("segments roll by size, each new one announced first; cleaning never deletes the one being written", async (t) => {
  const dir = tempDir(t);
  const rolled: string[] = [];
  const log = new WriteAheadLog(dir, { rollingIntervalMs: 60_000, maxSegmentBytes: 64, onRoll: (s) => rolled.push(s) });
  for (let i = 0; i < 10; i++) await log.append(Buffer.alloc(40, i)).durable;
  assert.equal(rolled.length, 10, "every 48-byte record fills a 64-byte segment");
  assert.deepEqual(log.segments(), rolled);
  const deleted = log.deleteSegments(() => true);
  assert.equal(deleted.length, 9);
  assert.deepEqual(log.segments(), [log.activeSegment]);
  await log.close();
});

test("a segment that is not dstream's is skipped with a warning naming it", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "log-1-0"), "something else entirely");
  const { value, log } = await captureLog(async () => [...new WriteAheadLog(dir, big).readAll()]);
  assert.deepEqual(value, []);
  assert.match(log, /Skipping write-ahead log segment .*log-1-0: .*not a dstream file/);
});

function block(streamId: number, time: number, lines: string[]): ReceivedBlock {
  return { streamId, format: "lines", bytes: Buffer.from(lines.map((l) => `${l}\n`).join("")), numRecords: lines.length, time };
}

test("the received-block log gives back exactly the tracker's blocks and allocations, across snapshots and cleanups", async (t) => {
  const root = tempDir(t);
  // Every event rolls the metadata log, so each segment starts with a snapshot and older ones go.
  const conf = new SparkConf({ "spark.streaming.driver.writeAheadLog.rollingIntervalSecs": "0", "dstream.streaming.writeAheadLog.maxSegmentBytes": "200" });
  const wal = new ReceivedBlockWriteAheadLog(root, conf);
  const logged = [
    wal.logBlock(block(0, 900, ["a", "b"]), "input-0-0"),
    wal.logBlock(block(0, 1500, ["c"]), "input-0-1"),
    wal.logBlock(block(1, 1900, ["x"]), "input-1-2"),
    wal.logBlock(block(0, 2500, ["d"]), "input-0-3"),
  ];
  await Promise.all(logged.map((l) => l.durable));
  wal.logAllocation(0, 1000, [logged[0]!.key]);
  wal.logAllocation(0, 2000, [logged[1]!.key]);
  wal.logAllocation(1, 2000, [logged[2]!.key]);
  wal.logCleanup(0, 2000);
  await wal.close();
  assert.ok(readdirSync(join(root, RECEIVED_METADATA_DIR)).length <= 2, "older metadata segments are deleted once a snapshot covers them");

  const recovered = new ReceivedBlockWriteAheadLog(root, conf).recover();
  const text = (bs: Array<{ location: { kind: string; buf?: SharedArrayBuffer } }>) =>
    bs.map((b) => decodeLines(new Uint8Array((b.location as { buf: SharedArrayBuffer }).buf)).join(","));
  assert.deepEqual([...recovered.allocated.get(0)!.keys()], [2000], "batch 1000 was cleaned up");
  assert.deepEqual(text(recovered.allocated.get(0)!.get(2000)!), ["c"]);
  assert.deepEqual(text(recovered.allocated.get(1)!.get(2000)!), ["x"]);
  assert.deepEqual(text(recovered.unallocated.get(0)!), ["d"]);
  assert.equal(recovered.nextBlockId, 4);
  assert.deepEqual(
    recovered.unallocated.get(0)!.map((b) => ({ id: b.id, time: b.time, numRecords: b.numRecords })),
    [{ id: "input-0-3", time: 2500, numRecords: 1 }],
  );
});

test("data segments are deleted once none of their blocks is live", async (t) => {
  const root = tempDir(t);
  const conf = new SparkConf({ "dstream.streaming.writeAheadLog.maxSegmentBytes": "100" });
  const wal = new ReceivedBlockWriteAheadLog(root, conf);
  const keys = [];
  for (let i = 0; i < 6; i++) {
    const l = wal.logBlock(block(0, 100 * (i + 1), [`line ${i} `.repeat(6)]), `input-0-${i}`);
    await l.durable;
    keys.push(l.key);
  }
  const dataDir = join(root, RECEIVED_DATA_DIR, "0");
  assert.equal(readdirSync(dataDir).length, 6, "one block per 100-byte segment");
  wal.logAllocation(0, 1000, keys.slice(0, 4));
  wal.logCleanup(0, 2000);
  await (async () => {
    // The cleanup's deletions follow its own durability; the close waits for that.
    await wal.close();
  })();
  assert.equal(readdirSync(dataDir).length, 2, "the four cleaned blocks' segments are gone");
});

test("a fresh start discards the logs of a run whose checkpoint it does not resume", async (t) => {
  const root = tempDir(t);
  const wal = new ReceivedBlockWriteAheadLog(root, new SparkConf());
  await wal.logBlock(block(0, 1, ["old"]), "input-0-0").durable;
  await wal.close();
  assert.equal(ReceivedBlockWriteAheadLog.discardPrevious(root), 2);
  assert.deepEqual(readdirSync(root), []);
});
