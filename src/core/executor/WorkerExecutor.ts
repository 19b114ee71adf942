import { Worker } from "node:worker_threads";
import { logger } from "../log.js";
import type { DriverToWorker, ExecutorWorkerData, WorkerToDriver } from "./messages.js";
import type { TaskResult } from "./TaskResult.js";
import { unpackValue } from "../serialization/blockCodec.js";

// The worker loads the executor from wherever this file was loaded: compiled JS from dist/,
// or TypeScript sources under tsx, in which case tsx must be registered inside the worker first.
const here = import.meta.url;
const mainUrl = new URL(here.endsWith(".ts") ? "./executorMain.ts" : "./executorMain.js", here).href;
const tsxApi = here.endsWith(".ts") ? import.meta.resolve("tsx/esm/api") : undefined;
const bootstrap = `const { workerData } = require("node:worker_threads");
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  await import(workerData.mainUrl);
})().catch((e) => { console.error("dstream executor failed to start:", e); process.exit(1); });`;

export class ExecutorLostError extends Error {
  constructor(executorId: string, reason: string) {
    super(`Executor ${executorId} was lost: ${reason}`);
    this.name = "ExecutorLostError";
  }
}

/** The driver's handle on one worker-thread executor: one task at a time, answers matched by task id. */
export class WorkerExecutor {
  readonly ready: Promise<Array<[number, string]>>;
  alive = true;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: TaskResult) => void; reject: (e: Error) => void }>();
  private stopping = false;

  constructor(
    readonly id: string,
    data: ExecutorWorkerData,
    private readonly onLost: (executor: WorkerExecutor) => void,
  ) {
    // Held until the executor is ready: a first job awaits that, and nothing else may keep the
    // process alive meanwhile. After that it is held only while tasks are outstanding.
    this.worker = new Worker(bootstrap, { eval: true, workerData: { ...data, mainUrl, tsxApi } });
    let resolveReady!: (r: Array<[number, string]>) => void;
    this.ready = new Promise((r) => (resolveReady = r));
    this.worker.on("message", (msg: WorkerToDriver) => {
      switch (msg.type) {
        case "ready":
          if (this.pending.size === 0) this.worker.unref();
          resolveReady(msg.registry);
          break;
        case "fatal":
          logger().warn(msg.error);
          break;
        case "result": {
          const p = this.pending.get(msg.taskId);
          if (!p) return;
          this.pending.delete(msg.taskId);
          if (this.pending.size === 0) this.worker.unref();
          const result = msg.result;
          if (result.ok && msg.packed) result.value = unpackValue(msg.packed);
          p.resolve(result);
          break;
        }
      }
    });
    const lost = (reason: string): void => {
      if (!this.alive) return;
      this.alive = false;
      resolveReady([]);
      for (const p of this.pending.values()) p.reject(new ExecutorLostError(this.id, reason));
      this.pending.clear();
      if (!this.stopping) this.onLost(this);
    };
    this.worker.on("error", (e) => lost(e.stack ?? e.message));
    this.worker.on("exit", (code) => lost(`worker thread exited with code ${code}`));
  }

  run(msg: Extract<DriverToWorker, { type: "task" }>): Promise<TaskResult> {
    if (!this.alive) return Promise.reject(new ExecutorLostError(this.id, "it is not running"));
    return new Promise((resolve, reject) => {
      this.pending.set(msg.taskId, { resolve, reject });
      // Held only while work is outstanding, so an idle pool never keeps the process alive.
      this.worker.ref();
      this.worker.postMessage(msg);
    });
  }

  send(msg: DriverToWorker): void {
    if (this.alive) this.worker.postMessage(msg);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.alive = false;
    await this.worker.terminate();
  }
}
