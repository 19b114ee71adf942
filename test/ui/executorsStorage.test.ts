/**
 * The Executors and Storage pages and their REST endpoints (Spark's /executors, /allexecutors,
 * /storage/rdd), and task metrics measured per task: shuffle records counted after map-side
 * combining, as Spark counts them, and the executor's own run time.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkContext, SparkUI, type TaskInfo } from "../../src/index.js";
import type { ExecutorSummary, RDDStorageInfo } from "../../src/ui/api/types.js";
import { getJson } from "./support.js";

type Executor = ExecutorSummary;
type RddInfo = RDDStorageInfo;
interface Task {
  index: number;
  taskMetrics: { shuffleWriteMetrics: { recordsWritten: number; bytesWritten: number }; shuffleReadMetrics: { recordsRead: number; localBytesRead: number } };
}

async function page(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return res.text();
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

async function withContext(body: (sc: SparkContext, url: string, api: string, tasks: TaskInfo[]) => Promise<void>): Promise<void> {
  const sc = new SparkContext({ master: "local[2]", appName: "executors-test", conf: { "spark.ui.enabled": "true", "spark.ui.port": "0" } });
  const tasks: TaskInfo[] = [];
  sc.addSparkListener({ onTaskEnd: (e) => void tasks.push(e.taskInfo) });
  try {
    const url = await SparkUI.get(sc)!.whenBound();
    await body(sc, url, `${url}/api/v1/applications/${sc.applicationId}`, tasks);
  } finally {
    await sc.stop();
  }
}

test("each map task reports the records it wrote after map-side combining, and each task its own run time", async () => {
  await withContext(async (sc, url, api, tasks) => {
    // Partition 0 holds 60 records of 2 keys, partition 1 60 records of 5 keys.
    const words = [...Array.from({ length: 60 }, (_, i) => ["a", "b"][i % 2]!), ...Array.from({ length: 60 }, (_, i) => ["c", "d", "e", "f", "g"][i % 5]!)];
    const counts = await sc
      .parallelize(words, 2)
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b, 2)
      .collect();
    assert.equal(counts.length, 7);

    const stages = await getJson<Array<{ stageId: number; name: string; shuffleWriteRecords: number; shuffleReadRecords: number; shuffleWriteBytes: number }>>(`${api}/stages`);
    const mapStage = stages.find((s) => s.shuffleWriteRecords > 0)!;
    const reduceStage = stages.find((s) => s.shuffleReadRecords > 0)!;
    assert.equal(mapStage.shuffleWriteRecords, 7, "Spark counts the combined records a map task writes");
    const mapTasks = Object.values((await getJson<{ tasks: Record<string, Task> }>(`${api}/stages/${mapStage.stageId}/0`)).tasks).sort((a, b) => a.index - b.index);
    assert.deepEqual(
      mapTasks.map((t) => t.taskMetrics.shuffleWriteMetrics.recordsWritten),
      [2, 5],
    );
    for (const t of mapTasks) assert.ok(t.taskMetrics.shuffleWriteMetrics.bytesWritten > 0);
    assert.notEqual(mapTasks[0]!.taskMetrics.shuffleWriteMetrics.bytesWritten, mapTasks[1]!.taskMetrics.shuffleWriteMetrics.bytesWritten);
    const reduceTasks = Object.values((await getJson<{ tasks: Record<string, Task> }>(`${api}/stages/${reduceStage.stageId}/0`)).tasks);
    assert.equal(sum(reduceTasks.map((t) => t.taskMetrics.shuffleReadMetrics.recordsRead)), 7);
    assert.equal(sum(reduceTasks.map((t) => t.taskMetrics.shuffleReadMetrics.localBytesRead)), mapStage.shuffleWriteBytes);

    // The executor's clock is high-resolution: even a sub-millisecond task has a run time.
    assert.equal(tasks.length, 4);
    for (const t of tasks) assert.ok((t.executorRunTime ?? 0) > 0, `task ${t.taskId} has executor run time ${t.executorRunTime}`);

    // The stage page shows each task's own numbers, without JavaScript.
    const html = await page(`${url}/stages/stage/?id=${mapStage.stageId}&attempt=0`);
    const writes = [...html.matchAll(/data-metric="shuffle-write">([^<]*)</g)].map((m) => m[1]);
    assert.equal(writes.length, 2);
    assert.match(writes[0]!, / \/ 2$/);
    assert.match(writes[1]!, / \/ 5$/);
    assert.match(html, /Scheduler Delay/);
    assert.doesNotMatch([...html.matchAll(/data-metric="duration">([^<]*)</g)].map((m) => m[1]).join(","), /^$|(^|,)0 ms/);
  });
});

test("executors, cached RDDs and their blocks, in Spark's REST shapes and on the Executors and Storage pages", async () => {
  await withContext(async (sc, url, api, tasks) => {
    const cached = sc
      .parallelize(Array.from({ length: 400 }, (_, i) => i), 4)
      .map((x) => x * 2)
      .setName("doubled")
      .cache();
    assert.equal(await cached.count(), 400);
    await sc
      .parallelize([1, 2, 3, 4], 2)
      .map((x) => [x % 2, x] as [number, number])
      .reduceByKey((a, b) => a + b)
      .collect();

    const rdds = await getJson<RddInfo[]>(`${api}/storage/rdd`);
    assert.equal(rdds.length, 1);
    const r = rdds[0]!;
    assert.deepEqual(
      { id: r.id, name: r.name, numPartitions: r.numPartitions, numCachedPartitions: r.numCachedPartitions, storageLevel: r.storageLevel, diskUsed: r.diskUsed },
      { id: cached.id, name: "doubled", numPartitions: 4, numCachedPartitions: 4, storageLevel: "Memory Deserialized 1x Replicated", diskUsed: 0 },
    );
    assert.ok(r.memoryUsed > 0);
    assert.equal(r.partitions, undefined, "the list leaves out each RDD's partitions, as Spark's does");

    const one = await getJson<RddInfo>(`${api}/storage/rdd/${cached.id}`);
    assert.deepEqual(
      one.partitions!.map((p) => p.blockName),
      [0, 1, 2, 3].map((i) => `rdd_${cached.id}_${i}`),
    );
    assert.equal(sum(one.partitions!.map((p) => p.memoryUsed)), r.memoryUsed);
    assert.equal(sum(one.dataDistribution!.map((d) => d.memoryUsed)), r.memoryUsed);
    for (const p of one.partitions!) assert.equal(p.storageLevel, "Memory Deserialized 1x Replicated");
    assert.equal((await fetch(`${api}/storage/rdd/999`)).status, 404);

    const executors = await getJson<Executor[]>(`${api}/executors`);
    assert.deepEqual(
      executors.map((x) => x.id),
      ["driver", "0", "1"],
    );
    const holders = new Set(one.partitions!.flatMap((p) => p.executors));
    for (const x of executors) {
      assert.equal(x.isActive, true);
      assert.equal(x.totalCores, 1);
      assert.equal(x.activeTasks, 0);
      assert.equal(x.totalTasks, x.completedTasks + x.failedTasks);
      assert.ok(x.maxMemory > 0);
      assert.equal(x.rddBlocks, one.partitions!.filter((p) => p.executors.includes(x.id)).length);
      if (!holders.has(x.id)) assert.equal(x.memoryUsed, 0);
    }
    assert.equal(sum(executors.map((x) => x.rddBlocks)), 4);
    assert.equal(sum(executors.map((x) => x.memoryUsed)), r.memoryUsed);
    assert.equal(sum(executors.map((x) => x.completedTasks)), tasks.filter((t) => t.successful).length);
    const stages = await getJson<Array<{ shuffleWriteBytes: number; shuffleReadBytes: number }>>(`${api}/stages`);
    assert.equal(sum(executors.map((x) => x.totalShuffleWrite)), sum(stages.map((s) => s.shuffleWriteBytes)));
    assert.equal(sum(executors.map((x) => x.totalShuffleRead)), sum(stages.map((s) => s.shuffleReadBytes)));
    for (const x of executors) {
      const own = tasks.filter((t) => t.executorId === x.id);
      assert.equal(x.completedTasks, own.length, `executor ${x.id}`);
      assert.equal(x.totalDuration, sum(own.map((t) => t.finishTime! - t.launchTime)));
    }
    assert.deepEqual(
      (await getJson<Executor[]>(`${api}/allexecutors`)).map((x) => x.id),
      ["driver", "0", "1"],
    );

    // The pages carry the same numbers in their HTML.
    const execPage = await page(`${url}/executors/`);
    for (const x of executors) assert.match(execPage, new RegExp(`<tr data-executor-id="${x.id}">\\s*<td>${x.id}</td>`));
    assert.match(execPage, /Active\(3\)/);
    assert.match(execPage, new RegExp(`<td class="num">4</td>`), "the summary counts the 4 cached blocks");
    const storage = await page(`${url}/storage/`);
    assert.match(storage, new RegExp(`<tr data-rdd-id="${cached.id}">`));
    assert.match(storage, /doubled<\/a><\/td><td>Memory Deserialized 1x Replicated<\/td>\s*<td class="num">4<\/td><td class="num">100%<\/td>/);
    const rddPage = await page(`${url}/storage/rdd/?id=${cached.id}`);
    for (let i = 0; i < 4; i++) assert.match(rddPage, new RegExp(`<code>rdd_${cached.id}_${i}</code>`));

    cached.unpersist();
    assert.deepEqual(await getJson(`${api}/storage/rdd`), []);
    assert.equal(sum((await getJson<Executor[]>(`${api}/executors`)).map((x) => x.rddBlocks)), 0);
  });
});
