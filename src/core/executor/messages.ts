import type { FileSystemRef } from "../fs/FileSystem.js";
import type { PlanNode, EncodedPartitioner } from "./plan.js";
import type { BlockRef } from "../shuffle/BlockRef.js";
import type { TaskResult } from "./TaskResult.js";

/** A stage's work as plain data: built once per stage attempt on the driver, rebuilt once per worker. */
export interface StagePlan {
  key: string;
  rdd: PlanNode;
  op?: { name: string; args: unknown[] };
  shuffle?: {
    shuffleId: number;
    /** The driver's count of reduce partitions, which a revived range partitioner may not know. */
    numPartitions: number;
    partitioner: EncodedPartitioner;
    aggregator?: { createCombiner: unknown; mergeValue: unknown; mergeCombiners: unknown };
    mapSideCombine: boolean;
  };
  /** The remote filesystems registered on the driver, for the task to register too. */
  fileSystems?: FileSystemRef[];
}

export type DriverToWorker =
  | {
      type: "task";
      taskId: number;
      stageId: number;
      stageAttempt: number;
      partition: number;
      attempt: number;
      plan: StagePlan;
      shuffleInputs: Array<[string, BlockRef[]]>;
    }
  | { type: "broadcast"; id: number; buf: SharedArrayBuffer }
  | { type: "removeBroadcast"; id: number }
  | { type: "removeRdd"; rddId: number }
  | { type: "dropStage"; key: string }
  /** The driver reads a partition this executor cached, for a task it runs itself. */
  | { type: "getBlock"; requestId: number; rddId: number; split: number }
  /** Import the application module in executor mode (the first stage that needs a function by id). */
  | { type: "reload" }
  | { type: "stop" };

export type WorkerToDriver =
  | { type: "ready"; registry: Array<[number, string]> }
  /** The application module was imported: its user functions as `[id, sourceHash]`. */
  | { type: "reloaded"; registry: Array<[number, string]> }
  | { type: "result"; taskId: number; result: TaskResult; packed?: Uint8Array }
  | { type: "block"; requestId: number; packed?: Uint8Array }
  | { type: "fatal"; error: string }
  /** The executor closed what it holds (shutdown hooks) and can be terminated. */
  | { type: "stopped" };

export interface ExecutorWorkerData {
  executorId: string;
  localDir: string;
  storageMemory: number;
  /**
   * The application's entry module, imported in executor mode so closures can be rebuilt by id.
   * Imported only on a "reload" message, or at start when `reloadAtStart` (a replacement executor
   * after the other executors reloaded).
   */
  entry?: string;
  reloadAtStart?: boolean;
  entryReadyTimeoutMs: number;
  /** Modules imported right after the executor is ready (see `preloadOnExecutors`). */
  preload: string[];
  /**
   * One Int32 over shared memory, set to 1 once the preloads have settled, so that the driver can
   * wait for them synchronously (`StreamingContext.start` does).
   */
  preloaded: Int32Array;
}
