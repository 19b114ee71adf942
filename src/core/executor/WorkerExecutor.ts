import { Worker } from "node:worker_threads";
import { logger } from "../log.js";
import type { DriverToWorker, ExecutorWorkerData, WorkerToDriver } from "./messages.js";
import type { TaskResult } from "./TaskResult.js";
import { unpackRecords, unpackValue } from "../serialization/blockCodec.js";

// The worker loads the executor from wherever this file was loaded: compiled JS from dist/,
// or TypeScript sources under tsx, in which case tsx must be registered inside the worker first.
const here = import.meta.url;
const mainUrl = new URL(here.endsWith(".ts") ? "./executorMain.ts" : "./executorMain.js", here).href;
const tsxApi = here.endsWith(".ts") ? import.meta.resolve("tsx/esm/api") : undefined;
// `dstream submit` names the loader its application runs under (tsx, and the module format for
// folders without "type": "module"); an executor reloading the application needs the same.
const appLoader = process.env.DSTREAM_APP_LOADER || undefined;
const bootstrap = `const { workerData } = require("node:worker_threads");
(async () => {
  if (workerData.appLoader) await import(workerData.appLoader);
  else if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
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
  private onStopped: (() => void) | undefined;
  private readonly blockRequests = new Map<number, (packed: Uint8Array | undefined) => void>();
  private nextBlockRequest = 0;
  private reloading: ((r: Array<[number, string]>) => void) | undefined;
  private readonly preloaded: Int32Array;

  constructor(
    readonly id: string,
    data: Omit<ExecutorWorkerData, "preloaded">,
    private readonly onLost: (executor: WorkerExecutor, reason: string) => void,
  ) {
    // Held until the executor is ready: a first job awaits that, and nothing else may keep the
    // process alive meanwhile. After that it is held only while tasks are outstanding.
    // The reloaded application sees the driver's arguments, as a forked cluster worker would.
    this.preloaded = new Int32Array(new SharedArrayBuffer(4));
    const workerData: ExecutorWorkerData = { ...data, preloaded: this.preloaded };
    this.worker = new Worker(bootstrap, { eval: true, argv: process.argv.slice(2), workerData: { ...workerData, mainUrl, tsxApi, appLoader } });
    let resolveReady!: (r: Array<[number, string]>) => void;
    this.ready = new Promise((r) => (resolveReady = r));
    this.worker.on("message", (msg: WorkerToDriver) => {
      switch (msg.type) {
        case "ready":
          if (this.pending.size === 0) this.worker.unref();
          resolveReady(msg.registry);
          break;
        case "reloaded":
          this.reloading?.(msg.registry);
          this.reloading = undefined;
          this.unrefIfIdle();
          break;
        case "fatal":
          logger().warn(msg.error);
          break;
        case "stopped":
          this.onStopped?.();
          break;
        case "result": {
          const p = this.pending.get(msg.taskId);
          if (!p) return;
          this.pending.delete(msg.taskId);
          this.unrefIfIdle();
          const result = msg.result;
          if (result.ok && msg.packed) result.value = unpackValue(msg.packed);
          p.resolve(result);
          break;
        }
        case "block": {
          const answer = this.blockRequests.get(msg.requestId);
          this.blockRequests.delete(msg.requestId);
          this.unrefIfIdle();
          answer?.(msg.packed);
          break;
        }
      }
    });
    const lost = (reason: string): void => {
      if (!this.alive) return;
      this.alive = false;
      resolveReady([]);
      this.reloading?.([]);
      this.reloading = undefined;
      for (const p of this.pending.values()) p.reject(new ExecutorLostError(this.id, reason));
      this.pending.clear();
      this.dropBlockRequests();
      if (!this.stopping) this.onLost(this, reason);
    };
    this.worker.on("error", (e) => lost(e.stack ?? e.message));
    this.worker.on("exit", (code) => lost(`worker thread exited with code ${code}`));
  }

  /**
   * Blocks this thread until the executor has imported its preloads, or until `deadline`
   * (performance.now() time); true if it has. The executor's thread does the work, so blocking
   * the driver's costs nothing but the wait.
   */
  waitPreloadedSync(deadline: number): boolean {
    const flag = this.preloaded;
    while (this.alive && Atomics.load(flag, 0) === 0) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(flag, 0, 0, left);
    }
    return true;
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

  /** Has the executor import the application module; resolves with the functions it registered. */
  reload(): Promise<Array<[number, string]>> {
    if (!this.alive) return Promise.resolve([]);
    return new Promise((resolve) => {
      this.reloading = resolve;
      this.worker.ref();
      this.worker.postMessage({ type: "reload" } satisfies DriverToWorker);
    });
  }

  /** A partition this executor cached, or undefined when it does not have it (any more). */
  fetchBlock(rddId: number, split: number): Promise<unknown[] | undefined> {
    if (!this.alive) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const requestId = this.nextBlockRequest++;
      this.blockRequests.set(requestId, (packed) => resolve(packed ? unpackRecords(packed) : undefined));
      this.worker.ref();
      this.worker.postMessage({ type: "getBlock", requestId, rddId, split } satisfies DriverToWorker);
    });
  }

  private unrefIfIdle(): void {
    if (this.pending.size === 0 && this.blockRequests.size === 0 && !this.reloading && !this.stopping) this.worker.unref();
  }

  private dropBlockRequests(): void {
    for (const answer of this.blockRequests.values()) answer(undefined);
    this.blockRequests.clear();
  }

  send(msg: DriverToWorker): void {
    if (this.alive) this.worker.postMessage(msg);
  }

  async stop(): Promise<void> {
    const wasAlive = this.alive;
    this.stopping = true;
    this.alive = false;
    for (const p of this.pending.values()) p.reject(new ExecutorLostError(this.id, "the SparkContext was stopped"));
    this.pending.clear();
    this.dropBlockRequests();
    // Referenced until the thread has exited: an unreferenced worker (idle, or whose last result
    // arrives while it stops) lets the event loop end first, and terminate() never settles.
    this.worker.ref();
    if (wasAlive) await this.requestStop(6_000);
    await this.worker.terminate();
  }

  /** Asks the executor to run its shutdown hooks (closing connectors' clients), waiting at most `timeoutMs`. */
  private requestStop(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.onStopped = done;
      this.worker.once("exit", done);
      this.worker.postMessage({ type: "stop" } satisfies DriverToWorker);
    });
  }
}
