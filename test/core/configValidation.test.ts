/**
 * Bad configuration is refused when the context is created, with a message naming the setting
 * and the value, and a refused context leaves nothing running: the next SparkContext starts.
 */
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { IllegalArgumentException, SparkConf, SparkContext, SparkException } from "../../src/index.js";
import { MASTERS, tempDir, withContext } from "../helpers/masters.js";

/** A new context on `master` runs a job: nothing a refused construction left behind is in the way. */
async function newContextWorks(master: string): Promise<void> {
  assert.equal(SparkContext.getActive(), undefined, "no context is left active");
  await withContext(master, {}, async (sc) => {
    assert.deepEqual(await sc.parallelize([1, 2, 3], 2).map((x) => x * 10).collect(), [10, 20, 30]);
  });
}

describe("local master thread counts", () => {
  const cores = availableParallelism();

  it("refuses more threads than dstream.local.maxThreads (8 per core by default), naming the setting", async () => {
    for (const master of ["local[100000]", `local[${8 * cores + 1}]`, "local[100000,2]", "local[99999999999999999999]"]) {
      assert.throws(
        () => new SparkContext({ master, appName: "many" }),
        (e: Error) => {
          assert.ok(e instanceof SparkException, `${master}: ${e.name}`);
          assert.match(e.message, /^Asked to run locally with \d+ threads/);
          assert.ok(e.message.includes("dstream.local.maxThreads"), e.message);
          assert.ok(e.message.includes(`(${8 * cores}, 8 per core by default)`), e.message);
          return true;
        },
      );
    }
    await newContextWorks("local[2]");
  });

  it("takes dstream.local.maxThreads from the configuration", async () => {
    assert.throws(() => new SparkContext({ master: "local[3]", appName: "x", conf: { "dstream.local.maxThreads": "2" } }), /more than dstream\.local\.maxThreads \(2,/);
    assert.throws(() => new SparkContext({ master: "local[1]", appName: "x", conf: { "dstream.local.maxThreads": "0" } }), /dstream\.local\.maxThreads must be at least 1, got 0/);
    await withContext("local[2]", { "dstream.local.maxThreads": "2" }, async (sc) => assert.equal(sc.defaultParallelism, 2));
    // local[*] asks for one thread per core, within the limit.
    await withContext("local[*]", { "dstream.local.maxThreads": "1" }, async (sc) => {
      assert.equal(sc.defaultParallelism, 1);
      assert.equal(sc.workerCount, 0);
    });
  });
});

describe("local[N,F] attempts per task", () => {
  it("refuses F = 0 at construction, naming spark.task.maxFailures", async () => {
    for (const master of ["local[2,0]", "local[1,0]", "local[*,0]"]) {
      assert.throws(
        () => new SparkContext({ master, appName: "f0" }),
        (e: Error) => e instanceof SparkException && e.message.startsWith(`Asked to run locally with 0 attempts per task in '${master}'`) && /spark\.task\.maxFailures/.test(e.message),
      );
    }
    assert.throws(() => new SparkContext({ master: "local[2]", appName: "f0", conf: { "spark.task.maxFailures": "0" } }), (e: Error) => e instanceof IllegalArgumentException && /spark\.task\.maxFailures must be at least 1, got 0/.test(e.message));
    await newContextWorks("local[2,1]");
  });
});

describe("configuration values from plain JavaScript", () => {
  it("converts booleans and numbers, in the constructor, set, setAll and the context's conf option", async () => {
    const fromObject = new SparkConf({ "spark.ui.enabled": false, "spark.default.parallelism": 3, "spark.x": "s" });
    assert.equal(fromObject.getBoolean("spark.ui.enabled", true), false);
    assert.equal(fromObject.get("spark.ui.enabled"), "false");
    assert.equal(fromObject.getInt("spark.default.parallelism", 1), 3);
    const pairs = new SparkConf().setAll([
      ["spark.a", true],
      ["spark.b", 2.5],
    ]);
    assert.deepEqual(pairs.getAll(), [
      ["spark.a", "true"],
      ["spark.b", "2.5"],
    ]);
    assert.equal(new SparkConf().setAll({ "spark.c": false }).get("spark.c"), "false");
    for (const master of MASTERS) {
      await withContext(master, { "spark.default.parallelism": 3 as unknown as string, "spark.ui.enabled": false as unknown as string }, async (sc) => {
        assert.equal(sc.defaultParallelism, 3);
        assert.equal(sc.conf.getBoolean("spark.ui.enabled", true), false);
        assert.equal(await sc.parallelize([1, 2, 3]).count(), 3);
      });
    }
  });

  it("refuses other types, naming the key and the type", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ a: 1 }, /value for 'spark.k' must be a string, a finite number or a boolean, got an object \(Object\)/],
      [[1, 2], /got an array/],
      [() => 1, /got a function/],
      [Number.NaN, /got the number NaN/],
      [Number.POSITIVE_INFINITY, /got the number Infinity/],
      [Symbol("s"), /got a symbol/],
      [undefined, /value for 'spark.k' is undefined; use remove\('spark.k'\)/],
      [null, /value for 'spark.k' is null/],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => new SparkConf().set("spark.k", value as string), (e: Error) => e instanceof TypeError && /^SparkConf\.set: /.test(e.message) && message.test(e.message), String(value));
      assert.throws(() => new SparkConf({ "spark.k": value as string }), (e: Error) => e instanceof TypeError && /^SparkConf: /.test(e.message) && message.test(e.message), String(value));
      assert.throws(() => new SparkConf().setAll([["spark.k", value as string]]), (e: Error) => e instanceof TypeError && /^SparkConf\.setAll: /.test(e.message) && message.test(e.message), String(value));
      assert.throws(() => new SparkContext({ master: "local[2]", appName: "bad", conf: { "spark.k": value as string } }), message, String(value));
    }
    assert.throws(() => new SparkConf().setAll([["spark.k"] as unknown as [string, string]]), /expected \[key, value\] pairs/);
    assert.equal(SparkContext.getActive(), undefined);
  });

  it("reads integers only from digits: an empty or blank value is no 0", () => {
    for (const v of ["", " ", "1.5", "1e3", "0x10", "12abc"]) {
      assert.throws(() => new SparkConf({ "spark.n": v }).getInt("spark.n", 7), /spark\.n must be an integer/, JSON.stringify(v));
    }
    assert.equal(new SparkConf({ "spark.n": " 42 " }).getInt("spark.n", 7), 42);
    assert.equal(new SparkConf({ "spark.n": "-3" }).getInt("spark.n", 7), -3);
  });
});

describe("a SparkContext refused part-way leaves nothing running", () => {
  for (const master of MASTERS) {
    it(`a bad setting read after the master is parsed [${master}]`, async () => {
      for (const conf of <Array<Record<string, string>>>[{ "spark.cleaner.referenceTracking": "maybe" }, { "spark.locality.wait": "soon" }, { "spark.executor.reloadModule": "sometimes" }, { "spark.default.parallelism": "0" }]) {
        assert.throws(() => new SparkContext({ master, appName: "partial", conf }), Error, JSON.stringify(conf));
        await newContextWorks(master);
      }
    });
  }
});

describe("directories that cannot be created", () => {
  const file = join(tempDir("dstream-dirs-"), "a-file");
  writeFileSync(file, "not a directory");
  const underProc = "/proc/dstream-no-such-dir/cp";

  for (const master of MASTERS) {
    it(`setCheckpointDir, saveAsTextFile and spark.local.dir fail with the path and why, never spin [${master}]`, async () => {
      await withContext(master, {}, async (sc) => {
        assert.throws(() => sc.setCheckpointDir(underProc), (e: Error) => e.name === "IOException" && /^setCheckpointDir: cannot create the directory \/proc\/dstream-no-such-dir\/cp\/.*: mkdir \/proc\/dstream-no-such-dir failed \(ENOENT\)/.test(e.message));
        assert.throws(() => sc.setCheckpointDir(join(file, "cp")), (e: Error) => e.name === "IOException" && e.message.includes(`${file} exists and is not a directory`));
        await assert.rejects(sc.parallelize([1, 2]).saveAsTextFile(join(underProc, "out")), (e: Error) => e.name === "IOException" && /^saveAsTextFile: cannot create the directory/.test(e.message));
        await assert.rejects(sc.parallelize([1, 2]).saveAsTextFile(join(file, "out")), /is not a directory/);
        assert.equal(await sc.parallelize([1, 2]).count(), 2, "the context still works");
      });
      for (const dir of [underProc, join(file, "local")]) {
        assert.throws(() => new SparkContext({ master, appName: "local-dir", conf: { "spark.local.dir": dir } }), (e: Error) => e.name === "IOException" && /^spark\.local\.dir: cannot create the directory/.test(e.message));
        await newContextWorks(master);
      }
    });
  }
});
