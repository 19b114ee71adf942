import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { HashPartitioner, IllegalArgumentException, UnsupportedOperationException } from "../../src/index.js";
import { forEachMaster, tempDir } from "../helpers/masters.js";

/** Catches a validation error whether it is thrown when the RDD is defined or when the action runs. */
async function failsWith(make: () => Promise<unknown>, check: (e: Error) => boolean): Promise<void> {
  await assert.rejects(async () => make(), check);
}

/** Deterministic pseudo-random text: lines of 0..maxLen characters, some empty, some multi-byte. */
function makeLines(count: number, seed: number, maxLen = 40): string[] {
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

forEachMaster("parallelize", (env) => {
  it("slices by position, exactly as Spark does", async () => {
    const sc = env.sc;
    assert.deepEqual(await sc.parallelize([1, 2, 3, 4, 5], 3).glom().collect(), [[1], [2, 3], [4, 5]]);
    const ten = await sc.parallelize([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4).glom().collect();
    assert.deepEqual(ten.map((p) => p.length), [2, 3, 2, 3]);
    assert.deepEqual(ten.flat(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(await sc.parallelize(["a", "b", "c"], 5).glom().collect(), [[], ["a"], [], ["b"], ["c"]]);
    assert.deepEqual(await sc.parallelize([], 3).glom().collect(), [[], [], []]);
    assert.deepEqual(await sc.parallelize([7], 1).glom().collect(), [[7]]);
  });

  it("defaults to defaultParallelism slices and keeps element values and order", async () => {
    const sc = env.sc;
    const data = [{ a: 1, b: [1, 2] }, ["t", 2], "s", null, 3.5, true, [1, [2, [3]]]];
    const rdd = sc.parallelize(data);
    assert.equal(rdd.getNumPartitions(), sc.defaultParallelism);
    assert.deepEqual(await rdd.collect(), data);
    assert.deepEqual(await sc.makeRDD([3, 2, 1], 2).glom().collect(), [[3], [2, 1]]);
    // Any iterable is accepted.
    assert.deepEqual(await sc.parallelize(new Set([1, 2, 3]), 2).collect(), [1, 2, 3]);
    assert.equal(rdd.partitioner, undefined);
  });

  it("rejects numSlices < 1 with Spark's message", async () => {
    const sc = env.sc;
    for (const n of [0, -1]) {
      await failsWith(
        () => sc.parallelize([1, 2, 3], n).collect(),
        (e) => e instanceof IllegalArgumentException && e.message === "Positive number of partitions required",
      );
    }
    await failsWith(() => sc.parallelize([1, 2, 3], 1.5).collect(), (e) => /numSlices|partitions/.test(e.message));
    assert.throws(() => sc.parallelize(5 as unknown as number[]), TypeError);
  });
});

forEachMaster("range and emptyRDD", (env) => {
  it("range slices positions like parallelize and supports steps in both directions", async () => {
    const sc = env.sc;
    assert.deepEqual(await sc.range(0, 10, 1, 3).glom().collect(), [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]);
    assert.deepEqual(await sc.range(5).collect(), [0, 1, 2, 3, 4]);
    assert.equal(sc.range(5).getNumPartitions(), sc.defaultParallelism);
    assert.deepEqual(await sc.range(1, 11, 3, 2).glom().collect(), [[1, 4], [7, 10]]);
    assert.deepEqual(await sc.range(10, 0, -3, 2).collect(), [10, 7, 4, 1]);
    assert.deepEqual(await sc.range(5, 5, 1, 2).glom().collect(), [[], []]);
    assert.deepEqual(await sc.range(5, 0, 1, 2).collect(), []);
    assert.equal(await sc.range(0, 1_000_000, 1, 4).count(), 1_000_000);
    assert.equal(await sc.range(0, 1_000, 1, 4).sum(), 499_500);
    await failsWith(
      () => sc.range(0, 10, 0).collect(),
      (e) => e instanceof IllegalArgumentException && e.message === "requirement failed: step cannot be 0",
    );
    await failsWith(() => sc.range(0, 10, 1, 0).collect(), (e) => e.message === "Positive number of partitions required");
  });

  it("emptyRDD has no partitions and behaves as an empty collection in actions", async () => {
    const sc = env.sc;
    const e = sc.emptyRDD<number>();
    assert.equal(e.getNumPartitions(), 0);
    assert.deepEqual(await e.collect(), []);
    assert.equal(await e.count(), 0);
    assert.equal(await e.isEmpty(), true);
    assert.deepEqual(await e.take(3), []);
    assert.equal(await e.fold(7, (a, b) => a + b), 7);
    assert.deepEqual(await e.aggregate([0, 0], (acc, x) => [acc[0]! + x, acc[1]! + 1], (a, b) => [a[0]! + b[0]!, a[1]! + b[1]!]), [0, 0]);
    assert.equal(await e.sum(), 0);
    const emptyCollection = (err: Error) => err instanceof UnsupportedOperationException && err.message === "empty collection";
    await assert.rejects(e.reduce((a, b) => a + b), emptyCollection);
    await assert.rejects(e.first(), emptyCollection);
    await assert.rejects(e.max(), emptyCollection);
    assert.deepEqual(await e.map((x) => x * 2).collect(), []);
    assert.deepEqual(await e.union(sc.parallelize([1, 2], 2)).collect(), [1, 2]);
  });
});

forEachMaster("union", (env) => {
  it("sc.union and rdd.union lay the parents' partitions end to end, keeping duplicates", async () => {
    const sc = env.sc;
    const a = sc.parallelize([1, 2, 3], 2);
    const b = sc.parallelize([3, 4], 1);
    const c = sc.parallelize([5, 6, 7, 8], 3);
    const u = sc.union([a, b, c]);
    assert.equal(u.getNumPartitions(), 6);
    assert.deepEqual(await u.glom().collect(), [[1], [2, 3], [3, 4], [5], [6], [7, 8]]);
    assert.deepEqual(await a.union(b).collect(), [1, 2, 3, 3, 4]);
    assert.deepEqual(await a.union(a).collect(), [1, 2, 3, 1, 2, 3]);
    assert.equal(u.partitioner, undefined);
    assert.equal(await u.count(), 9);
    assert.throws(() => sc.union([]), TypeError);
  });

  it("keeps a common partitioner and unions partition by partition", async () => {
    const sc = env.sc;
    const p = new HashPartitioner(3);
    const a = sc.parallelize([[1, "a"], [2, "b"], [3, "c"]] as Array<[number, string]>, 2).partitionBy(p);
    const b = sc.parallelize([[4, "d"], [5, "e"], [6, "f"]] as Array<[number, string]>, 2).partitionBy(p);
    const u = a.union(b);
    assert.equal(u.getNumPartitions(), 3);
    assert.ok(u.partitioner?.equals(p));
    const parts = await u.glom().collect();
    assert.deepEqual(parts, [
      [[3, "c"], [6, "f"]],
      [[1, "a"], [4, "d"]],
      [[2, "b"], [5, "e"]],
    ]);
    // A different partitioner on one side: concatenated, no partitioner.
    const c = sc.parallelize([[7, "g"]] as Array<[number, string]>, 1).partitionBy(new HashPartitioner(2));
    const mixed = sc.union([a, c]);
    assert.equal(mixed.getNumPartitions(), 5);
    assert.equal(mixed.partitioner, undefined);
  });
});

forEachMaster("textFile", (env) => {
  const dir = tempDir();
  const lines = makeLines(400, 7);
  const bigFile = join(dir, "big.txt");
  writeFileSync(bigFile, lines.join("\n") + "\n");
  const noTrailing = join(dir, "no-trailing-newline.txt");
  writeFileSync(noTrailing, "first\n\nthird\nlast without newline");
  const crlf = join(dir, "crlf.txt");
  writeFileSync(crlf, "one\r\ntwo\r\n\r\nfour\r\n");
  const cr = join(dir, "cr.txt");
  writeFileSync(cr, "one\rtwo\r\rfour\r\nfive\nsix");
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
  writeFileSync(mixedFile, mixed);

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
    writeFileSync(f, ten.join("\n") + "\n");
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
    mkdirSync(d);
    writeFileSync(join(d, "part-00000"), "a\nb\n");
    writeFileSync(join(d, "part-00001"), "c\n");
    writeFileSync(join(d, "part-00002"), "");
    writeFileSync(join(d, "part-00003.log"), "d\ne\n");
    writeFileSync(join(d, "_SUCCESS"), "hidden\n");
    writeFileSync(join(d, ".part-00000.crc"), "hidden\n");
    assert.deepEqual(await sc.textFile(d).collect(), ["a", "b", "c", "d", "e"]);
    assert.equal(sc.textFile(d).name, d);
    assert.deepEqual(await sc.textFile(`file:${d}`).collect(), ["a", "b", "c", "d", "e"]);
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
    await failsWith(() => sc.textFile(missing).collect(), (e) => e.message.includes(`Input path does not exist: file:${missing}`));
    await failsWith(
      () => sc.textFile(join(dir, "*.nothing")).collect(),
      (e) => e.message.includes(`Input Pattern file:${join(dir, "*.nothing")} matches 0 files`),
    );
    const nested = join(dir, "nested");
    mkdirSync(join(nested, "sub"), { recursive: true });
    writeFileSync(join(nested, "f.txt"), "x\n");
    await failsWith(() => sc.textFile(nested).collect(), (e) => e.message.includes(`${join(nested, "sub")} is a directory, which is not supported by the record reader`));
  });
});

forEachMaster("wholeTextFiles", (env) => {
  const dir = tempDir();
  const files: Array<[string, string]> = [
    ["a.txt", "alpha\nbeta\n"],
    ["b.txt", ""],
    ["c.txt", "gamma é"],
    ["d.txt", "x\r\ny"],
  ];
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  writeFileSync(join(dir, "_hidden"), "no");
  writeFileSync(join(dir, ".dot"), "no");

  it("gives one [file:/abs/path, content] pair per file, hidden files ignored", async () => {
    const sc = env.sc;
    const rdd = sc.wholeTextFiles(dir);
    assert.equal(rdd.getNumPartitions(), Math.min(sc.defaultParallelism, 2));
    assert.deepEqual(
      await rdd.collect(),
      files.map(([name, content]) => [`file:${join(dir, name)}`, content]),
    );
    const four = await sc.wholeTextFiles(`${dir}/*.txt`, 4).glom().collect();
    assert.equal(four.length, 4);
    assert.deepEqual(four.map((p) => p.length), [1, 1, 1, 1]);
    assert.deepEqual(await sc.wholeTextFiles(join(dir, "c.txt")).collect(), [[`file:${join(dir, "c.txt")}`, "gamma é"]]);
    assert.deepEqual(
      await sc.wholeTextFiles(dir).mapValues((v) => v.length).collect(),
      files.map(([name, content]) => [`file:${join(dir, name)}`, content.length]),
    );
  });
});
