/**
 * dstream's durable file format: header (magic, kind, version, length, CRC-32s), atomic
 * replacement, and the errors that name what is wrong. The engine's RDD checkpoint files use it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { SparkContext } from "../../../src/index.js";
import { ChecksummedFileError, HEADER_BYTES, readChecksummedFileSync, writeChecksummedFile, writeChecksummedFileSync } from "../../../src/core/storage/ChecksummedFile.js";

function tempDir(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), "dstream-file-"));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test("the header: magic, kind, version, payload length and CRC-32, and its own CRC-32", async (t) => {
  const dir = tempDir(t);
  const payload = Buffer.from("hello, checkpoint");
  await writeChecksummedFile(join(dir, "f"), "META", payload, 1);
  const bytes = readFileSync(join(dir, "f"));
  assert.equal(bytes.subarray(0, 8).toString("latin1"), "dstream\0");
  assert.equal(bytes.subarray(8, 12).toString("latin1"), "META");
  assert.equal(bytes.readUInt32LE(12), 1);
  assert.equal(Number(bytes.readBigUInt64LE(16)), payload.length);
  assert.equal(bytes.readUInt32LE(24), crc32(payload));
  assert.equal(bytes.readUInt32LE(28), crc32(bytes.subarray(0, 28)));
  assert.deepEqual(bytes.subarray(HEADER_BYTES), payload);
  assert.deepEqual(readChecksummedFileSync(join(dir, "f"), "META").payload, payload);
  assert.deepEqual(readdirSync(dir), ["f"], "the temporary file was renamed into place");
});

test("replacing a file is atomic: the old contents or the new, never a mix; no temporary file stays", (t) => {
  const dir = tempDir(t);
  const path = join(dir, "f");
  writeChecksummedFileSync(path, "PART", Buffer.alloc(100_000, 1));
  writeChecksummedFileSync(path, "PART", Buffer.alloc(10, 2));
  assert.deepEqual(readChecksummedFileSync(path, "PART").payload, Buffer.alloc(10, 2));
  assert.deepEqual(readdirSync(dir), ["f"]);
});

test("each problem is named: missing, another kind, damaged, cut short, foreign", (t) => {
  const dir = tempDir(t);
  const path = join(dir, "f");
  const expect = (problem: string, message: RegExp): void =>
    void assert.throws(
      () => readChecksummedFileSync(path, "META"),
      (e: unknown) => e instanceof ChecksummedFileError && e.problem === problem && message.test(e.message),
    );
  expect("unreadable", /f: cannot be read: ENOENT/);
  writeChecksummedFileSync(path, "PART", Buffer.from("x"));
  expect("foreign", /a dstream file of another kind \("PART", expected "META"\): it is in the wrong place/);
  writeChecksummedFileSync(path, "META", Buffer.from("some payload"));
  const good = readFileSync(path);
  writeFileSync(path, good.subarray(0, good.length - 3));
  expect("truncated", /truncated: its header announces 12 bytes of data, but only 9 follow/);
  writeFileSync(path, good.subarray(0, 20));
  expect("truncated", /the file ends after 20 bytes, inside its 32-byte header/);
  writeFileSync(path, Buffer.concat([good, Buffer.from("!")]));
  expect("corrupt", /1 unexpected bytes follow its 12 bytes of data/);
  writeFileSync(path, "{\"json\": true}");
  expect("foreign", /not a dstream file: it starts with "\{\\"json\\":" instead of dstream's header/);
});

test("the engine's RDD checkpoint files carry the header, and a damaged one fails its task with the file's name", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dstream-rddcp-"));
  const sc = new SparkContext({ master: "local[1]", appName: "checksummed", conf: { "spark.ui.enabled": "false" } });
  try {
    sc.setCheckpointDir(dir);
    const rdd = sc.parallelize([1, 2, 3, 4], 2).map((x) => x * 10);
    rdd.checkpoint();
    assert.deepEqual(await rdd.collect(), [10, 20, 30, 40]);
    const cpDir = rdd.getCheckpointFile()!.replace(/^file:/, "");
    const part = join(cpDir, "part-00001");
    assert.equal(readFileSync(part).subarray(0, 12).toString("latin1"), "dstream\0PART");
    const bytes = readFileSync(part);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(part, bytes);
    // A new RDD reading the checkpoint files (as a restarted driver does).
    const { ReliableCheckpointRDD } = await import("../../../src/core/rdd/ReliableCheckpointRDD.js");
    const reread = new ReliableCheckpointRDD<number>(sc, cpDir, 2, undefined);
    await assert.rejects(reread.collect(), /part-00001: its data fails its checksum/);
  } finally {
    await sc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
