/**
 * The entry point of a worker-thread executor. It rebuilds each stage's RDD chain from its plan
 * once, runs tasks one at a time, and answers with packed results.
 */
import { parentPort, workerData } from "node:worker_threads";
import { BlockManager } from "../storage/BlockManager.js";
import { BroadcastStore } from "../Broadcast.js";
import { reviveAccumulator } from "../Accumulator.js";
import { TaskContext } from "../scheduler/TaskContext.js";
import { compareKeys } from "../util/compareKeys.js";
import { copyValue } from "../util/copyValue.js";
import { describeError } from "../errors.js";
import { packRecords, packValue } from "../serialization/blockCodec.js";
import { decodeFields, rebuildPlan, type ReviveEnv } from "./plan.js";
import { runTask, type TaskWork } from "./runTask.js";
import { runExecutorShutdownHooks } from "./executorShutdown.js";
import type { DriverToWorker, ExecutorWorkerData, StagePlan, WorkerToDriver } from "./messages.js";
import type { Aggregator } from "../rdd/Dependency.js";
import type { Partitioner } from "../partitioner/Partitioner.js";
import { setExecutorMode, registrySnapshot } from "../closure/index.js";
import { awaitExecutorGraph } from "./executorModeSignal.js";

const data = workerData as ExecutorWorkerData;
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
  ]),
};
const stages = new Map<string, Promise<TaskWork>>();

function post(msg: WorkerToDriver, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function buildWork(plan: StagePlan): Promise<TaskWork> {
  const rdd = await rebuildPlan(plan.rdd, env);
  if (plan.op) return { kind: "result", rdd, op: { name: plan.op.name, args: decodeFields(plan.op.args, env) as unknown[] } };
  const s = plan.shuffle!;
  return {
    kind: "shuffleMap",
    rdd,
    shuffle: {
      shuffleId: s.shuffleId,
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
  try {
    let work = stages.get(msg.plan.key);
    if (!work) {
      work = buildWork(msg.plan);
      stages.set(msg.plan.key, work);
      // A stage's plan is only needed while its tasks run; keep a few for concurrent jobs.
      if (stages.size > 32) stages.delete(stages.keys().next().value!);
    }
    const value = await runTask(await work, msg.partition, ctx, true);
    const metrics = { executorRunTime: performance.now() - t0, recordsRead: ctx.recordsRead };
    const base = { ok: true as const, accumUpdates: ctx.collectAccumulatorUpdates(), blocksAdded: blockManager.drainAdded(), metrics };
    if (msg.plan.op) {
      // Results travel as one packed buffer, moved (not copied) to the driver.
      const bytes = packValue(value);
      const owned = new Uint8Array(bytes.byteLength);
      owned.set(bytes);
      post({ type: "result", taskId: msg.taskId, result: { ...base, value: undefined }, packed: owned }, [owned.buffer]);
    } else {
      post({ type: "result", taskId: msg.taskId, result: { ...base, value } });
    }
  } catch (e) {
    post({
      type: "result",
      taskId: msg.taskId,
      result: { ok: false, error: describeError(e), metrics: { executorRunTime: performance.now() - t0, recordsRead: ctx.recordsRead } },
    });
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

async function start(): Promise<void> {
  if (data.entry) {
    // Reloading the application module rebuilds every closure it defines, in the same order
    // as on the driver; its actions never resolve here, so driver-side effects do not run.
    setExecutorMode(true);
    const imported = import(data.entry).catch((e: unknown) => {
      // The stages still run: functions fall back to shipping by source or to the driver.
      post({ type: "fatal", error: `reloading ${data.entry} in executor ${data.executorId} failed: ${describeError(e).message}` });
    });
    await awaitExecutorGraph(imported, data.entryReadyTimeoutMs);
  }
  post({ type: "ready", registry: data.entry ? registrySnapshot() : [] });
  // Not awaited: a task that needs one of these modules awaits the same import.
  for (const m of data.preload) import(m).catch(() => undefined);
}

start().catch((e: unknown) => {
  post({ type: "fatal", error: describeError(e).stack ?? String(e) });
});
