import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { describe, it } from "node:test";
import { IllegalStateException, SparkConf, SparkContext, SparkException } from "../../src/index.js";
import { MASTERS, withContext } from "../helpers/masters.js";

describe("SparkConf", () => {
  it("is a chainable string map with Spark's getters", () => {
    const c = new SparkConf().setMaster("local[2]").setAppName("app").set("spark.x", 3).set("spark.flag", true);
    assert.equal(c.get("spark.master"), "local[2]");
    assert.equal(c.get("spark.app.name"), "app");
    assert.equal(c.get("spark.x"), "3");
    assert.equal(c.getInt("spark.x", 0), 3);
    assert.equal(c.getBoolean("spark.flag", false), true);
    assert.equal(c.get("spark.missing", "dflt"), "dflt");
    assert.equal(c.getOption("spark.missing"), undefined);
    assert.throws(() => c.get("spark.missing"), /spark\.missing/);
    assert.equal(c.getSizeAsBytes("spark.none", "64k"), 64 * 1024);
    assert.equal(c.getTimeAsMs("spark.none", "3s"), 3000);
    c.setIfMissing("spark.x", "9").setIfMissing("spark.y", "1");
    assert.deepEqual(c.getAll(), [
      ["spark.app.name", "app"],
      ["spark.flag", "true"],
      ["spark.master", "local[2]"],
      ["spark.x", "3"],
      ["spark.y", "1"],
    ]);
    assert.equal(c.remove("spark.y").contains("spark.y"), false);
  });
});

describe("SparkContext construction", () => {
  for (const master of MASTERS) {
    it(`accepts the options form and the SparkConf form [${master}]`, async () => {
      await withContext(master, { "spark.custom": "1" }, async (sc) => {
        assert.equal(sc.master, master);
        assert.equal(sc.appName, "test");
        assert.equal(sc.conf.get("spark.custom"), "1");
        assert.deepEqual(await sc.parallelize([1, 2, 3]).collect(), [1, 2, 3]);
      });
      const conf = new SparkConf().setMaster(master).setAppName("conf-form").set("spark.custom", "2");
      const sc = new SparkContext(conf);
      try {
        // The context keeps its own copy: later changes to the SparkConf do not reach it.
        conf.set("spark.custom", "3");
        assert.equal(sc.conf.get("spark.custom"), "2");
        assert.equal(sc.appName, "conf-form");
        assert.equal(sc.master, master);
        assert.deepEqual(await sc.parallelize([1, 2, 3]).map((x) => x * 2).collect(), [2, 4, 6]);
      } finally {
        await sc.stop();
      }
    });
  }

  it("requires a master and an application name", () => {
    assert.throws(() => new SparkContext({ appName: "x" }), (e: Error) => e instanceof SparkException && e.message.startsWith("A master URL must be set in your configuration"));
    assert.throws(() => new SparkContext({ master: "local" }), (e: Error) => e instanceof SparkException && e.message.startsWith("An application name must be set in your configuration"));
    assert.equal(SparkContext.getActive(), undefined);
  });

  it("parses local masters into a thread count (defaultParallelism)", async () => {
    const cases: Array<[string, number]> = [
      ["local", 1],
      ["local[1]", 1],
      ["local[3]", 3],
      ["local[*]", availableParallelism()],
      ["local[2,3]", 2],
      ["local[2, 4]", 2],
      ["local[*,2]", availableParallelism()],
    ];
    for (const [master, threads] of cases) {
      await withContext(master, {}, async (sc) => {
        assert.equal(sc.defaultParallelism, threads, master);
        assert.equal(sc.parallelize([1, 2, 3, 4, 5, 6]).getNumPartitions(), threads, master);
        assert.equal(sc.textFile(new URL(import.meta.url).pathname).getNumPartitions() >= Math.min(threads, 2), true);
      });
    }
  });

  it("takes spark.default.parallelism over the thread count", async () => {
    for (const master of MASTERS) {
      await withContext(master, { "spark.default.parallelism": "5" }, async (sc) => {
        assert.equal(sc.defaultParallelism, 5);
        assert.equal(sc.parallelize([1, 2, 3]).getNumPartitions(), 5);
        assert.deepEqual(await sc.parallelize([1, 2, 3]).glom().collect(), [[], [1], [], [2], [3]]);
      });
    }
  });

  it("refuses masters it cannot parse, listing the valid forms", () => {
    for (const master of ["local[-1]", "local[ 2]", "yarn", "spark://host:7077", "localhost:7077", "local[2,]", "local[x]", ""]) {
      assert.throws(
        () => new SparkContext({ master, appName: "bad" }),
        (e: Error) => {
          assert.ok(e instanceof SparkException, `${master}: ${e.name}`);
          assert.ok(e.message.startsWith(`Could not parse Master URL: '${master}'`), e.message);
          for (const form of ["'local'", "'local[N]'", "'local[*]'", "'local[N,F]'"]) assert.ok(e.message.includes(form), `${form} in ${e.message}`);
          return true;
        },
      );
    }
    assert.throws(() => new SparkContext({ master: "local[0]", appName: "bad" }), { name: "SparkException", message: "Asked to run locally with 0 threads" });
    assert.equal(SparkContext.getActive(), undefined, "a refused master leaves no active context");
  });
});

describe("SparkContext lifecycle", () => {
  for (const master of MASTERS) {
    it(`allows one active context at a time [${master}]`, async () => {
      const sc = new SparkContext({ master, appName: "first" });
      try {
        assert.equal(SparkContext.getActive(), sc);
        assert.equal(SparkContext.getOrCreate({ master, appName: "other" }), sc);
        assert.throws(
          () => new SparkContext({ master, appName: "second" }),
          (e: Error) => e instanceof SparkException && /^Only one SparkContext should be running in this (JVM|process) \(see SPARK-2243\)/.test(e.message),
        );
        // The refused context did not disturb the running one.
        assert.equal(await sc.parallelize([1, 2, 3], 2).count(), 3);
      } finally {
        await sc.stop();
      }
      assert.equal(SparkContext.getActive(), undefined);
      await withContext(master, {}, async (again) => {
        assert.equal(await again.parallelize([1, 2]).count(), 2);
      });
    });

    it(`stop() settles while tasks of a failed job are still running [${master}]`, async () => {
      for (let round = 0; round < 5; round++) {
        const sc = new SparkContext({ master, appName: `stop-${round}` });
        const failed = sc
          .parallelize(Array.from({ length: 8 }, (_, i) => i), 8)
          .foreachPartition(async (it) => {
            const [i] = [...it];
            await Promise.resolve();
            if (i === 0) throw new Error("first partition fails at once");
            let s = 0;
            for (let k = 0; k < 200_000; k++) s += k % 7;
            if (s < 0) throw new Error("unreachable");
          });
        await assert.rejects(failed, /first partition fails at once/);
        await sc.stop();
        assert.equal(SparkContext.getActive(), undefined);
      }
      await withContext(master, {}, async (sc) => assert.equal(await sc.parallelize([1, 2, 3], 3).count(), 3));
    });

    it(`fails methods and actions after stop() with Spark's messages [${master}]`, async () => {
      const sc = new SparkContext({ master, appName: "stopped" });
      const rdd = sc.parallelize([1, 2, 3], 2);
      assert.equal(await rdd.count(), 3);
      await sc.stop();
      assert.equal(sc.isStopped(), true);
      await sc.stop(); // a second stop is a no-op
      const stoppedMethod = (e: Error) => e instanceof IllegalStateException && e.message.startsWith("Cannot call methods on a stopped SparkContext.");
      assert.throws(() => sc.parallelize([1]), stoppedMethod);
      assert.throws(() => sc.range(0, 10), stoppedMethod);
      assert.throws(() => sc.textFile("/tmp"), stoppedMethod);
      assert.throws(() => sc.wholeTextFiles("/tmp"), stoppedMethod);
      assert.throws(() => sc.broadcast(1), stoppedMethod);
      // Transformations stay lazy; the action fails.
      const mapped = rdd.map((x) => x + 1);
      const shutdown = (e: Error) => e instanceof IllegalStateException && e.message === "SparkContext has been shutdown";
      await assert.rejects(mapped.collect(), shutdown);
      await assert.rejects(rdd.count(), shutdown);
      await assert.rejects(rdd.take(1), shutdown);
    });
  }
});
