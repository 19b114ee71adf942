import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SparkException, TaskContext } from "../../src/index.js";
import { forEachMaster, recordTasks } from "../helpers/masters.js";

const ABORT = /^Job aborted due to stage failure: Task (\d+) in stage (\d+)\.(\d+) failed (\d+) times, most recent failure: Lost task (\d+)\.(\d+) in stage (\d+)\.(\d+) \(TID (\d+)\) \(localhost executor ([\w-]+)\): (.*)$/s;

forEachMaster("task failures", (env) => {
  it("a throwing function fails the job with Spark's message and the original error as cause", async () => {
    const sc = env.sc;
    const rdd = sc.parallelize([1, 2, 3, 4], 2).map((x) => {
      if (x === 1) throw new RangeError(`bad element ${x}`);
      return x;
    });
    const { result: err, tasks } = await recordTasks(sc, () => rdd.collect().then(() => undefined, (e: unknown) => e));
    assert.ok(err instanceof SparkException, String(err));
    const m = ABORT.exec(err.message);
    assert.ok(m, err.message);
    const [, task, stage, stageAttempt, times, lostTask, attempt, stage2, , tid, executor, detail] = m;
    assert.equal(task, "0");
    assert.equal(lostTask, "0");
    assert.equal(times, "1");
    assert.equal(attempt, "0");
    assert.equal(stage, stage2);
    assert.equal(stageAttempt, "0");
    assert.equal(detail, "RangeError: bad element 1");
    const failed = tasks.find((t) => t.successful === false)!;
    assert.equal(String(failed.taskId), tid);
    assert.equal(String(failed.stageId), stage);
    assert.equal(failed.executorId, executor);
    assert.equal(executor === "driver", !env.parallel, `ran on executor ${executor}`);
    assert.equal(failed.errorMessage, "RangeError: bad element 1");
    const cause = err.cause as Error;
    assert.ok(cause instanceof Error);
    assert.equal(cause.name, "RangeError");
    assert.equal(cause.message, "bad element 1");
    assert.match(cause.stack ?? "", /bad element 1/);
  });

  it("names the failing partition, also in a shuffle's map stage", async () => {
    const sc = env.sc;
    const err = await sc
      .parallelize([1, 2, 3, 4, 5, 6], 3)
      .map((x) => {
        if (x === 6) throw new Error("map side");
        return [x % 2, x] as [number, number];
      })
      .reduceByKey((a, b) => a + b)
      .collect()
      .then(() => undefined, (e: unknown) => e as Error);
    assert.ok(err instanceof SparkException);
    const m = ABORT.exec(err.message)!;
    assert.equal(m[1], "2");
    assert.equal(m[11], "Error: map side");
    const reduceSide = await sc
      .parallelize([[1, 1], [1, 2], [2, 3]] as Array<[number, number]>, 2)
      .reduceByKey((a, b) => {
        throw new TypeError(`cannot merge ${a} and ${b}`);
      }, 1)
      .collect()
      .then(() => undefined, (e: unknown) => e as Error);
    assert.ok(reduceSide instanceof SparkException);
    assert.match(reduceSide.message, /TypeError: cannot merge/);
  });

  it("later jobs still work after a failed job, including over the same lineage", async () => {
    const sc = env.sc;
    let fail = true;
    const rdd = sc.parallelize([1, 2, 3], 3);
    await assert.rejects(rdd.map(() => {
      throw new Error("once");
    }).count(), SparkException);
    assert.equal(await rdd.count(), 3);
    const pairs = rdd.map((x) => [x % 2, x] as [number, number]);
    await assert.rejects(pairs.reduceByKey((a, b) => {
      if (fail) throw new Error("reduce");
      return a + b;
    }).collect(), /reduce/);
    fail = false;
    // The map output written before the failure is reused or rewritten; either way the answer is right.
    assert.deepEqual(new Map(await pairs.reduceByKey((a, b) => a + b).collect()), new Map([[1, 4], [0, 2]]));
    assert.deepEqual(await sc.parallelize(["ok"], 1).collect(), ["ok"]);
  });
});

for (const master of ["local[1,3]", "local[2,3]"]) {
  describe(`task retries [${master}]`, () => {
    forEachMaster(
      "retries",
      (env) => {
        it("retries a task that fails on its first attempt, and the job succeeds", async () => {
          const sc = env.sc;
          const rdd = sc.parallelize([1, 2, 3, 4, 5, 6], 3).map((x) => {
            const ctx = TaskContext.get()!;
            if (ctx.attemptNumber === 0 && ctx.partitionId === 1) throw new Error(`flaky ${x}`);
            return x * 10;
          });
          const { result, tasks } = await recordTasks(sc, () => rdd.collect());
          assert.deepEqual(result, [10, 20, 30, 40, 50, 60]);
          const failed = tasks.filter((t) => !t.successful);
          assert.equal(failed.length, 1);
          assert.equal(failed[0]!.index, 1);
          assert.equal(failed[0]!.attemptNumber, 0);
          assert.equal(failed[0]!.errorMessage, "Error: flaky 3");
          const retried = tasks.find((t) => t.index === 1 && t.successful)!;
          assert.equal(retried.attemptNumber, 1);
          assert.notEqual(retried.taskId, failed[0]!.taskId);
          // Functions using TaskContext.get() still run in executor threads.
          assert.equal(tasks.every((t) => (t.executorId === "driver") === !env.parallel), true, tasks.map((t) => t.executorId).join(","));
        });

        it("gives up after F attempts with 'failed F times' and the last attempt's number", async () => {
          const sc = env.sc;
          const err = await sc
            .parallelize([1, 2], 2)
            .map((x) => {
              if (x === 2) throw new Error(`always, attempt ${TaskContext.get()!.attemptNumber}`);
              return x;
            })
            .collect()
            .then(() => undefined, (e: unknown) => e as Error);
          assert.ok(err instanceof SparkException);
          const m = ABORT.exec(err.message)!;
          assert.ok(m, err.message);
          assert.equal(m[1], "1");
          assert.equal(m[4], "3");
          assert.equal(m[5], "1");
          assert.equal(m[6], "2");
          assert.equal(m[11], "Error: always, attempt 2");
        });

        it("counts accumulator updates of successful attempts only", async () => {
          const sc = env.sc;
          const acc = sc.longAccumulator("retried");
          const seen = sc.collectionAccumulator<string>("attempts");
          await sc.parallelize([1, 2, 3, 4], 2).foreach((x) => {
            const ctx = TaskContext.get()!;
            acc.add(x);
            seen.add(`${x}@${ctx.attemptNumber}`);
            if (ctx.attemptNumber === 0 && x === 4) throw new Error("after adding");
          });
          assert.equal(acc.value, 10);
          assert.equal(acc.count, 4);
          assert.deepEqual(seen.value.sort(), ["1@0", "2@0", "3@1", "4@1"]);
          // The same in a map stage feeding a shuffle.
          const mapped = sc.longAccumulator("map side");
          const total = await sc
            .parallelize([1, 2, 3, 4], 2)
            .map((x) => {
              mapped.add(1);
              if (TaskContext.get()!.attemptNumber === 0 && x === 1) throw new Error("map attempt 0");
              return [x % 2, x] as [number, number];
            })
            .reduceByKey((a, b) => a + b)
            .values()
            .sum();
          assert.equal(total, 10);
          assert.equal(mapped.value, 4);
        });
      },
      { masters: [master] },
    );
  });
}
