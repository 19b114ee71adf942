import type { ErrorDescription } from "../errors.js";
import type { AccumulatorUpdate } from "../scheduler/TaskContext.js";

/** Times are milliseconds from the executor's high-resolution clock (fractions kept). */
export interface TaskMetrics {
  /** Rebuilding the stage's RDD chain and functions from its plan (the first task of a stage on an executor). */
  executorDeserializeTime: number;
  /** Computing the partition: reading its input and shuffle blocks, the user's functions, writing shuffle output. */
  executorRunTime: number;
  /** Packing the task's result for the driver. */
  resultSerializationTime: number;
  recordsRead: number;
}

/** The metrics of a task that never ran (the context stopped, or its executor was lost). */
export function noMetrics(): TaskMetrics {
  return { executorDeserializeTime: 0, executorRunTime: 0, resultSerializationTime: 0, recordsRead: 0 };
}

/** What a task reports back to the scheduler, from any executor. */
export type TaskResult =
  | {
      ok: true;
      value: unknown;
      accumUpdates: AccumulatorUpdate[];
      blocksAdded: Array<[rddId: number, split: number, memSize: number, diskSize: number]>;
      metrics: TaskMetrics;
    }
  | { ok: false; error: ErrorDescription; metrics: TaskMetrics };
