import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Seconds, type DStream, type StreamingContext } from "../../../src/index.js";
import { MASTERS, suiteContext, withStreaming } from "../receivers/support.js";
import { join, mkdirs, move, put, setTimes, type FileBase } from "../../helpers/fileBase.js";

/** Writes a file and sets its modification time, in milliseconds of the streaming clock. */
function writeFile(dir: string, name: string, content: string | Uint8Array, modTimeMs: number): string {
  return put(join(dir, name), content, modTimeMs);
}

/** Collects each batch's elements, sorted, so batches compare the same under every master. */
function collectBatches<T>(stream: DStream<T>): T[][] {
  const out: T[][] = [];
  stream.foreachRDD(async (rdd) => {
    const xs = await rdd.collect();
    out.push(xs.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0)));
  });
  return out;
}

const START = 10_000; // the manual clock's start: batches at 11000, 12000, ...

/**
 * The file stream cases, with the watched directories under `base`: local here, HDFS in
 * test/connectors/hdfs/fileStreams.test.ts.
 */
export function fileStreamSuites(base: FileBase): void {
for (const master of MASTERS) {
  describe(`file streams (${base.label}) [${master}]`, () => {
    const tempDir = (): string => base.newDir();
    const sc = suiteContext(master, base.conf);
    const run = <R>(body: (ctx: { ssc: StreamingContext; clock: { advance(ms: number): Promise<void> } }) => Promise<R>, batch = Seconds(1)) =>
      withStreaming(sc(), body, { startTime: START, batch });

    test("textFileStream: files older than the stream are ignored; each new file is read once, in the batch of its modification time", async () => {
      const dir = tempDir();
      writeFile(dir, "old.txt", "old\n", START - 1000);
      await run(async ({ ssc, clock }) => {
        const out = collectBatches(ssc.textFileStream(dir));
        ssc.start();
        writeFile(dir, "a.txt", "a1\na2\n", START + 500);
        await clock.advance(1000); // batch 11000: a.txt
        writeFile(dir, "b.txt", "b1\n", START + 1500);
        writeFile(dir, "late.txt", "late\n", START + 200); // appeared late, but inside the remember window
        writeFile(dir, "future.txt", "future\n", START + 2500); // not yet: its time is after this batch
        await clock.advance(1000); // batch 12000
        await clock.advance(1000); // batch 13000
        await clock.advance(1000); // batch 14000: nothing new
        assert.deepEqual(out, [["a1", "a2"], ["b1", "late"], ["future"], []]);
      });
    });

    test("newFilesOnly = false also reads files already there, within the remember window", async () => {
      const dir = tempDir();
      // Starting at 200000 (HDFS takes no modification time before the epoch), the first batch is
      // at 201000 and the remember window reaches back to 141000.
      writeFile(dir, "existing.txt", "existing\n", 195_000);
      writeFile(dir, "ancient.txt", "ancient\n", 80_000);
      await withStreaming(
        sc(),
        async ({ ssc, clock }) => {
          const out = collectBatches(ssc.fileStream(dir, { newFilesOnly: false }).map(([, line]) => line));
          ssc.start();
          await clock.advance(2000);
          assert.deepEqual(out, [["existing"], []]);
        },
        { startTime: 200_000, batch: Seconds(1) },
      );
    });

    test("the remember window is 60 s rounded up to whole batches, and no file is read twice as it slides", async () => {
      const dir = tempDir();
      // With 7 s batches the window is 9 batches = 63 s. Starting at 200000 the first batch is at
      // 203000 (the next multiple of 7000), so files modified after 203000 - 63000 = 140000 count;
      // a plain 60 s window would have dropped the one at 141000.
      writeFile(dir, "inside.txt", "inside\n", 141_000);
      writeFile(dir, "outside.txt", "outside\n", 140_000);
      await withStreaming(
        sc(),
        async ({ ssc, clock }) => {
          const out = collectBatches(ssc.fileStream(dir, { newFilesOnly: false }).map(([, line]) => line));
          ssc.start();
          await clock.advance(7000 * 12);
          assert.deepEqual(out[0], ["inside"]);
          assert.deepEqual(out.flat(), ["inside"]);
          assert.equal(out.length, 12);
        },
        { startTime: 200_000, batch: Seconds(7) },
      );
    });

    test("files moved in atomically are read once; hidden files (. and _) never are", async () => {
      const dir = tempDir();
      const staging = tempDir();
      await run(async ({ ssc, clock }) => {
        const out = collectBatches(ssc.textFileStream(dir));
        ssc.start();
        writeFile(dir, ".part-0001.tmp", "not yet\n", START + 100);
        writeFile(dir, "_COPYING_", "not yet either\n", START + 100);
        mkdirs(join(dir, "subdir"));
        await clock.advance(1000);
        const staged = writeFile(staging, "moved.txt", "moved in\n", START + 1200);
        move(staged, join(dir, "moved.txt"));
        move(join(dir, ".part-0001.tmp"), join(dir, "renamed.txt"));
        setTimes(join(dir, "renamed.txt"), START + 1300);
        await clock.advance(1000);
        await clock.advance(1000);
        assert.deepEqual(out, [[], ["moved in", "not yet"], []]);
      });
    });

    test("fileStream: the filter chooses files by path, and records are [byte offset, line]", async () => {
      const dir = tempDir();
      await run(async ({ ssc, clock }) => {
        const out = collectBatches(ssc.fileStream(dir, { filter: (p) => p.endsWith(".csv") }).map(([offset, line]) => `${offset}:${line}`));
        ssc.start();
        writeFile(dir, "data.csv", "ab\ncd\r\néf\nlast", START + 100);
        writeFile(dir, "notes.txt", "ignored\n", START + 100);
        await clock.advance(1000);
        assert.deepEqual(out, [["0:ab", "11:last", "3:cd", "7:éf"]]);
      });
    });

    test("a large text file is split over partitions and every line is read exactly once", async () => {
      const dir = tempDir();
      const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${"x".repeat(i % 37)}`);
      await run(async ({ ssc, clock }) => {
        const stream = ssc.textFileStream(dir);
        const stats: Array<[number, number, number]> = [];
        stream.foreachRDD(async (rdd) => {
          const all = await rdd.collect();
          stats.push([rdd.getNumPartitions(), all.length, new Set(all).size]);
        });
        ssc.start();
        writeFile(dir, "big.txt", lines.join("\n") + "\n", START + 100);
        await clock.advance(1000);
        assert.deepEqual(stats, [[2, 20_000, 20_000]]);
      });
    });

    test("binaryRecordsStream: fixed-length byte records", async () => {
      const dir = tempDir();
      await run(async ({ ssc, clock }) => {
        const out: number[][][] = [];
        ssc.binaryRecordsStream(dir, 4).foreachRDD(async (rdd) => {
          const records = await rdd.collect();
          for (const r of records) assert.equal(Object.getPrototypeOf(r), Uint8Array.prototype);
          out.push(records.map((r) => [...r]));
        });
        ssc.start();
        writeFile(dir, "records.bin", new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), START + 100);
        await clock.advance(1000);
        assert.deepEqual(out, [
          [
            [1, 2, 3, 4],
            [5, 6, 7, 8],
            [9, 10, 11, 12],
          ],
        ]);
      });
    });

    test("a binary file that is not a whole number of records fails its batch; later batches still run", async () => {
      const dir = tempDir();
      await run(async ({ ssc, clock }) => {
        const out: number[] = [];
        ssc.binaryRecordsStream(dir, 4).foreachRDD(async (rdd) => {
          out.push(await rdd.count());
        });
        ssc.start();
        writeFile(dir, "broken.bin", new Uint8Array([1, 2, 3, 4, 5, 6]), START + 100);
        await clock.advance(1000);
        writeFile(dir, "fine.bin", new Uint8Array([1, 2, 3, 4]), START + 1100);
        await clock.advance(1000);
        assert.deepEqual(out, [1]);
        await assert.rejects(ssc.awaitTerminationOrTimeout(0), /Byte array does not have correct length\. 2 did not equal recordLength: 4/);
      });
    });

    test("a directory that does not exist yet gives empty batches until it appears", async () => {
      const parent = tempDir();
      const dir = join(parent, "later");
      await run(async ({ ssc, clock }) => {
        const out = collectBatches(ssc.textFileStream(dir));
        ssc.start();
        await clock.advance(1000);
        mkdirs(dir);
        writeFile(dir, "first.txt", "hello\n", START + 1500);
        await clock.advance(1000);
        assert.deepEqual(out, [[], ["hello"]]);
      });
    });

    test("the input info of each batch names its files", async () => {
      const dir = tempDir();
      await run(async ({ ssc, clock }) => {
        const stream = ssc.textFileStream(dir);
        stream.foreachRDD(() => undefined);
        const seen: unknown[] = [];
        ssc.addStreamingListener({ onBatchCompleted: (e) => seen.push(e.batchInfo.streamIdToInputInfo.get(stream.id)?.metadata.files) });
        ssc.start();
        const path = writeFile(dir, "named.txt", "x\n", START + 100);
        await clock.advance(2000);
        assert.deepEqual(seen, [[path], []]);
      });
    });

    test("arguments are checked when the stream is defined", async () => {
      await run(async ({ ssc }) => {
        assert.throws(() => ssc.binaryRecordsStream("/tmp", 0), /recordLength must be a positive integer, got 0/);
        assert.throws(() => ssc.textFileStream(""), /directory must be a non-empty path/);
        assert.throws(() => ssc.fileStream("/tmp", { filter: "*.txt" as never }), /filter must be a function/);
      });
    });
  });
}
}
