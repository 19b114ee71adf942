/**
 * The entry point of a worker-thread executor. It rebuilds each stage's RDD chain from its plan
 * once, runs tasks one at a time, and answers with packed results.
 */
import { FileSystems } from "../fs/FileSystems.js";
import { parentPort, workerData } from "node:worker_threads";
import { BlockManager } from "../storage/BlockManager.js";
import { BroadcastStore } from "../Broadcast.js";
import { reviveAccumulator } from "../Accumulator.js";
import { TaskContext } from "../scheduler/TaskContext.js";
import { compareKeys } from "../util/compareKeys.js";
import { copyValue } from "../util/copyValue.js";
import { JsonFieldExtractor } from "../util/JsonFieldExtractor.js";
import { describeError } from "../errors.js";
import { packRecords, packValue } from "../serialization/blockCodec.js";
import { decodeFields, rebuildPlan, type ReviveEnv } from "./plan.js";
import { runTask, type TaskWork } from "./runTask.js";
import type { TaskMetrics } from "./TaskResult.js";
import { runExecutorShutdownHooks } from "./executorShutdown.js";
import type { DriverToWorker, ExecutorWorkerData, StagePlan, WorkerToDriver } from "./messages.js";
import type { Aggregator } from "../rdd/Dependency.js";
import type { Partitioner } from "../partitioner/Partitioner.js";
import { setExecutorMode, registrySnapshot, resetFunctionRegistry } from "../closure/index.js";
import { awaitExecutorGraph } from "./executorModeSignal.js";

const data = workerData as ExecutorWorkerData;
// An executor thread is never the driver: isDriver() is false here, and a SparkContext or
// StreamingContext built in this thread (by the reloaded application) starts nothing.
setExecutorMode(true);
const port = parentPort!;
const broadcasts = new BroadcastStore();
const blockManager = new BlockManager(data.executorId, data.localDir, data.storageMemory);
const env: ReviveEnv = {
  handles: new Map<string, (d: unknown) => unknown>([
    ["broadcast", (d) => broadcasts.revive(d)],
    ["accumulator", (d) => reviveAccumulator(d)],
    ["taskContext", () => TaskContext],
    ["compareKeys", () => compareKeys],
    ["copyValue", () => copyValue],
    ["jsonFieldExtractor", (d) => new JsonFieldExtractor(d as string[])],
  ]),
};
const stages = new Map<string, Promise<TaskWork>>();

function post(msg: WorkerToDriver, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function buildWork(plan: StagePlan): Promise<TaskWork> {
  await FileSystems.load(plan.fileSystems);
  const rdd = await rebuildPlan(plan.rdd, env);
  if (plan.op) return { kind: "result", rdd, op: { name: plan.op.name, args: decodeFields(plan.op.args, env) as unknown[] } };
  const s = plan.shuffle!;
  return {
    kind: "shuffleMap",
    rdd,
    shuffle: {
      shuffleId: s.shuffleId,
      numPartitions: s.numPartitions,
      partitioner: decodeFields(s.partitioner, env) as Partitioner,
      aggregator: s.aggregator && (decodeFields(s.aggregator, env) as Aggregator<unknown, unknown>),
      mapSideCombine: s.mapSideCombine,
    },
  };
}

async function onTask(msg: Extract<DriverToWorker, { type: "task" }>): Promise<void> {
  const t0 = performance.now();
  const ctx = new TaskContext(
    msg.stageId,
    msg.stageAttempt,
    msg.partition,
    msg.attempt,
    msg.taskId,
    data.executorId,
    blockManager,
    new Map(msg.shuffleInputs),
  );
  // Spark's split of a task's time: deserializing it, running it, serializing its result.
  const metrics: TaskMetrics = { executorDeserializeTime: 0, executorRunTime: 0, resultSerializationTime: 0, recordsRead: 0 };
  let t1 = t0;
  try {
    let work = stages.get(msg.plan.key);
    if (!work) {
      work = buildWork(msg.plan);
      stages.set(msg.plan.key, work);
      // A stage's plan is only needed while its tasks run; keep a few for concurrent jobs.
      if (stages.size > 32) stages.delete(stages.keys().next().value!);
    }
    const live = await work;
    t1 = performance.now();
    metrics.executorDeserializeTime = t1 - t0;
    const value = await runTask(live, msg.partition, ctx, true);
    const t2 = performance.now();
    metrics.executorRunTime = t2 - t1;
    metrics.recordsRead = ctx.recordsRead;
    const base = { ok: true as const, accumUpdates: ctx.collectAccumulatorUpdates(), blocksAdded: blockManager.drainAdded(), metrics };
    if (msg.plan.op) {
      // Results travel as one packed buffer, moved (not copied) to the driver.
      const bytes = packValue(value);
      const owned = new Uint8Array(bytes.byteLength);
      owned.set(bytes);
      metrics.resultSerializationTime = performance.now() - t2;
      post({ type: "result", taskId: msg.taskId, result: { ...base, value: undefined }, packed: owned }, [owned.buffer]);
    } else {
      post({ type: "result", taskId: msg.taskId, result: { ...base, value } });
    }
  } catch (e) {
    if (metrics.executorRunTime === 0) metrics.executorRunTime = performance.now() - t1;
    metrics.recordsRead = ctx.recordsRead;
    post({ type: "result", taskId: msg.taskId, result: { ok: false, error: describeError(e), metrics } });
  }
}

let queue: Promise<void> = Promise.resolve();

port.on("message", (msg: DriverToWorker) => {
  switch (msg.type) {
    case "task":
      queue = queue.then(() => onTask(msg));
      break;
    case "broadcast":
      broadcasts.put(msg.id, msg.buf);
      break;
    case "removeBroadcast":
      broadcasts.remove(msg.id);
      break;
    case "removeRdd":
      blockManager.removeRdd(msg.rddId);
      break;
    case "getBlock": {
      const data = blockManager.get(msg.rddId, msg.split);
      if (!data) post({ type: "block", requestId: msg.requestId });
      else {
        const owned = new Uint8Array(packRecords(data));
        post({ type: "block", requestId: msg.requestId, packed: owned }, [owned.buffer as ArrayBuffer]);
      }
      break;
    }
    case "reload":
      queue = queue.then(async () => post({ type: "reloaded", registry: await reloadEntry() }));
      break;
    case "dropStage":
      stages.delete(msg.key);
      break;
    case "stop":
      // Connectors' cached clients close first, so no socket is cut mid-request.
      void runExecutorShutdownHooks().finally(() => {
        post({ type: "stopped" });
        blockManager.clear();
        port.close();
      });
      break;
  }
});

let reloaded: Promise<Array<[number, string]>> | undefined;

/**
 * Imports the application module, which rebuilds every closure it defines in the same order as
 * on the driver; its actions never resolve here. Its top-level statements do run, which is why
 * the driver asks for this only when a stage needs a function that no other way can ship.
 */
function reloadEntry(): Promise<Array<[number, string]>> {
  reloaded ??= (async () => {
    if (!data.entry) return [];
    // Revived plans register nothing, but ids must count from the application's first function.
    resetFunctionRegistry();
    const imported = import(data.entry).catch((e: unknown) => {
      // The stages still run: functions fall back to shipping by source or to the driver.
      post({ type: "fatal", error: `reloading ${data.entry} in executor ${data.executorId} failed: ${describeError(e).message}` });
    });
    await awaitExecutorGraph(imported, data.entryReadyTimeoutMs);
    return registrySnapshot();
  })();
  return reloaded;
}

async function start(): Promise<void> {
  post({ type: "ready", registry: data.reloadAtStart ? await reloadEntry() : [] });
  // Not awaited: a task that needs one of these modules awaits the same import.
  void Promise.allSettled(data.preload.map((m) => import(m))).then(() => {
    Atomics.store(data.preloaded, 0, 1);
    Atomics.notify(data.preloaded, 0);
  });
}

start().catch((e: unknown) => {
  post({ type: "fatal", error: describeError(e).stack ?? String(e) });
});
