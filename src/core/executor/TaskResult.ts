import type { ErrorDescription } from "../errors.js";
import type { AccumulatorUpdate } from "../scheduler/TaskContext.js";

export interface TaskMetrics {
  executorRunTime: number;
  recordsRead: number;
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
