/**
 * The textFile and wholeTextFiles cases, run against local files (test/core/creation.test.ts)
 * and against HDFS (test/connectors/hdfs/rdd.test.ts).
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { displayPath } from "../../src/core/fs/fsPath.js";
import { forEachMaster } from "./masters.js";
import { join, mkdirs, put, type FileBase } from "./fileBase.js";

/** Catches a validation error whether it is thrown when the RDD is defined or when the action runs. */
async function failsWith(make: () => Promise<unknown>, check: (e: Error) => boolean): Promise<void> {
  await assert.rejects(async () => make(), check);
}

/** Deterministic pseudo-random text: lines of 0..maxLen characters, some empty, some multi-byte. */
export function makeLines(count: number, seed: number, maxLen = 40): string[] {
  let s = seed >>> 0;
  const rnd = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 é€😀";
  const chars = [...alphabet];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const len = rnd(7) === 0 ? 0 : rnd(maxLen);
    let l = `${i}:`;
    for (let j = 0; j < len; j++) l += chars[rnd(chars.length)];
    lines.push(l);
  }
  return lines;
}

export function textFileSuites(base: FileBase): void {
  forEachMaster(`textFile (${base.label})`, (env) => {
    const dir = base.newDir();
    const lines = makeLines(400, 7);
    const bigFile = join(dir, "big.txt");
    put(bigFile, lines.join("\n") + "\n");
    const noTrailing = join(dir, "no-trailing-newline.txt");
    put(noTrailing, "first\n\nthird\nlast without newline");
    const crlf = join(dir, "crlf.txt");
    put(crlf, "one\r\ntwo\r\n\r\nfour\r\n");
    const cr = join(dir, "cr.txt");
    put(cr, "one\rtwo\r\rfour\r\nfive\nsix");
    // The same lines with \n, \r\n and \r terminators mixed (an empty line never follows a lone \r,
    // which would make the pair read as one \r\n).
    const mixedLines = makeLines(300, 11);
    const mixedFile = join(dir, "mixed.txt");
    let mixed = "";
    let prev = "\n";
    mixedLines.forEach((l, i) => {
      const t = prev === "\r" && l === "" ? "\r" : ["\n", "\r\n", "\r"][i % 3]!;
      mixed += l + t;
      prev = t;
    });
    put(mixedFile, mixed);

    it("never loses or duplicates a line, whatever the split boundaries (minPartitions 1..60)", async () => {
      const sc = env.sc;
      for (let minPartitions = 1; minPartitions <= 60; minPartitions++) {
        const rdd = sc.textFile(bigFile, minPartitions);
        assert.ok(rdd.getNumPartitions() >= minPartitions, `minPartitions ${minPartitions}: ${rdd.getNumPartitions()} partitions`);
        assert.deepEqual(await rdd.collect(), lines, `minPartitions ${minPartitions}`);
      }
      for (let minPartitions = 1; minPartitions <= 60; minPartitions += 3) {
        assert.deepEqual(await sc.textFile(mixedFile, minPartitions).collect(), mixedLines, `mixed terminators, minPartitions ${minPartitions}`);
      }
      // Partitions are contiguous runs of lines, in file order.
      const parts = await sc.textFile(bigFile, 13).glom().collect();
      assert.deepEqual(parts.flat(), lines);
    });

    it("places a line in the split where its first byte falls (Hadoop's LineRecordReader rule)", async () => {
      const sc = env.sc;
      // 10 lines of 10 bytes (9 characters + \n): 100 bytes. minPartitions 3 → splits (0,33) (33,33) (66,34).
      const f = join(dir, "hundred.txt");
      const ten = Array.from({ length: 10 }, (_, i) => `line${i}xxxx`.slice(0, 9));
      put(f, ten.join("\n") + "\n");
      const three = sc.textFile(f, 3);
      assert.equal(three.getNumPartitions(), 3);
      // Lines start at 0,10,...,90. Split 0 = (0,33] ∪ {0}: 0,10,20,30; split 1 = (33,66]: 40,50,60; split 2 = (66,100]: 70,80,90.
      assert.deepEqual(await three.glom().collect(), [ten.slice(0, 4), ten.slice(4, 7), ten.slice(7)]);
      // minPartitions 2 → (0,50) (50,50): the line starting exactly at 50 belongs to the first split.
      assert.deepEqual(await sc.textFile(f, 2).glom().collect(), [ten.slice(0, 6), ten.slice(6)]);
      // minPartitions 10 → ten 10-byte splits: each line starting at a split's start belongs to the previous split.
      const tenParts = await sc.textFile(f, 10).glom().collect();
      assert.deepEqual(tenParts, [[ten[0], ten[1]], ...ten.slice(2).map((l) => [l]), []]);
    });

    it("handles a missing final newline, empty lines, CRLF and lone CR", async () => {
      const sc = env.sc;
      for (const n of [1, 2, 3, 5, 8, 13]) {
        assert.deepEqual(await sc.textFile(cr, n).collect(), ["one", "two", "", "four", "five", "six"], `${n}`);
        assert.deepEqual(await sc.textFile(noTrailing, n).collect(), ["first", "", "third", "last without newline"], `${n}`);
        assert.deepEqual(await sc.textFile(crlf, n).collect(), ["one", "two", "", "four"], `${n}`);
      }
    });

    it("reads directories, globs and comma-separated lists, ignoring hidden files", async () => {
      const sc = env.sc;
      const d = join(dir, "multi");
      mkdirs(d);
      put(join(d, "part-00000"), "a\nb\n");
      put(join(d, "part-00001"), "c\n");
      put(join(d, "part-00002"), "");
      put(join(d, "part-00003.log"), "d\ne\n");
      put(join(d, "_SUCCESS"), "hidden\n");
      put(join(d, ".part-00000.crc"), "hidden\n");
      assert.deepEqual(await sc.textFile(d).collect(), ["a", "b", "c", "d", "e"]);
      assert.equal(sc.textFile(d).name, d);
      if (base.label === "local") assert.deepEqual(await sc.textFile(`file:${d}`).collect(), ["a", "b", "c", "d", "e"]);
      assert.deepEqual(await sc.textFile(join(d, "part-0000[0-1]")).collect(), ["a", "b", "c"]);
      assert.deepEqual(await sc.textFile(join(d, "*.log")).collect(), ["d", "e"]);
      assert.deepEqual(await sc.textFile(join(d, "part-0000{1,3.log}")).collect(), ["c", "d", "e"]);
      assert.deepEqual(await sc.textFile(join(d, "*")).collect(), ["a", "b", "c", "d", "e"]);
      assert.deepEqual(await sc.textFile(`${join(d, "part-00001")},${join(d, "part-00000")}`).collect(), ["c", "a", "b"]);
      // Empty files give no partition; each non-empty file at least one.
      assert.equal(sc.textFile(d, 1).getNumPartitions(), 3);
    });

    it("reports missing paths and empty globs with Hadoop's messages", async () => {
      const sc = env.sc;
      const missing = join(dir, "does-not-exist");
      await failsWith(() => sc.textFile(missing).collect(), (e) => e.message.includes(`Input path does not exist: ${displayPath(missing)}`));
      await failsWith(
        () => sc.textFile(join(dir, "*.nothing")).collect(),
        (e) => e.message.includes(`Input Pattern ${displayPath(join(dir, "*.nothing"))} matches 0 files`),
      );
      const nested = join(dir, "nested");
      mkdirs(join(nested, "sub"));
      put(join(nested, "f.txt"), "x\n");
      await failsWith(() => sc.textFile(nested).collect(), (e) => e.message.includes(`${join(nested, "sub")} is a directory, which is not supported by the record reader`));
    });
    }, { conf: base.conf });

  forEachMaster(`wholeTextFiles (${base.label})`, (env) => {
    const dir = base.newDir();
    const files: Array<[string, string]> = [
      ["a.txt", "alpha\nbeta\n"],
      ["b.txt", ""],
      ["c.txt", "gamma é"],
      ["d.txt", "x\r\ny"],
    ];
    for (const [name, content] of files) put(join(dir, name), content);
    put(join(dir, "_hidden"), "no");
    put(join(dir, ".dot"), "no");

    it("gives one [file:/abs/path, content] pair per file, hidden files ignored", async () => {
      const sc = env.sc;
      const rdd = sc.wholeTextFiles(dir);
      assert.equal(rdd.getNumPartitions(), Math.min(sc.defaultParallelism, 2));
      assert.deepEqual(
        await rdd.collect(),
        files.map(([name, content]) => [displayPath(join(dir, name)), content]),
      );
      const four = await sc.wholeTextFiles(`${dir}/*.txt`, 4).glom().collect();
      assert.equal(four.length, 4);
      assert.deepEqual(four.map((p) => p.length), [1, 1, 1, 1]);
      assert.deepEqual(await sc.wholeTextFiles(join(dir, "c.txt")).collect(), [[displayPath(join(dir, "c.txt")), "gamma é"]]);
      assert.deepEqual(
        await sc.wholeTextFiles(dir).mapValues((v) => v.length).collect(),
        files.map(([name, content]) => [displayPath(join(dir, name)), content.length]),
      );
    });
  }, { conf: base.conf });
  }

