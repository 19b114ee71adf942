import type { SparkListener } from "../../core/scheduler/SparkListener.js";

export interface ExecutorRecord {
  executorId: string;
  addTime: number;
  removeTime: number | undefined;
  removeReason: string | undefined;
  totalCores: number;
  /** Bytes available for cached blocks. */
  maxMemory: number;
  activeTasks: number;
  failedTasks: number;
  completedTasks: number;
  /** Sum of the durations of its finished tasks, launch to finish, as Spark's totalDuration. */
  totalDuration: number;
  totalShuffleRead: number;
  totalShuffleWrite: number;
}

/**
 * The executors of one SparkContext and the tasks each ran, as Spark's AppStatusListener keeps
 * them for the Executors page: the driver's own thread ("driver") and each worker thread.
 * Executors that died stay listed, up to `retainedDead`, as `spark.ui.retainedDeadExecutors`.
 */
export class ExecutorStatusStore {
  private readonly executors = new Map<string, ExecutorRecord>();

  constructor(
    private readonly retainedDead: number,
    private readonly changed: () => void = () => undefined,
  ) {}

  readonly listener: SparkListener = {
    onExecutorAdded: (e) => {
      this.executors.set(e.executorId, {
        executorId: e.executorId,
        addTime: e.time,
        removeTime: undefined,
        removeReason: undefined,
        totalCores: e.totalCores,
        maxMemory: e.maxMemory,
        activeTasks: 0,
        failedTasks: 0,
        completedTasks: 0,
        totalDuration: 0,
        totalShuffleRead: 0,
        totalShuffleWrite: 0,
      });
      this.changed();
    },
    onExecutorRemoved: (e) => {
      const x = this.executors.get(e.executorId);
      if (!x) return;
      x.removeTime = e.time;
      x.removeReason = e.reason;
      x.activeTasks = 0;
      this.evictDead();
      this.changed();
    },
    onTaskStart: (e) => {
      const x = this.executors.get(e.taskInfo.executorId);
      if (x) x.activeTasks++;
    },
    onTaskEnd: (e) => {
      const t = e.taskInfo;
      const x = this.executors.get(t.executorId);
      if (!x) return;
      x.activeTasks = Math.max(0, x.activeTasks - 1);
      if (t.successful) x.completedTasks++;
      else x.failedTasks++;
      if (t.finishTime !== undefined) x.totalDuration += t.finishTime - t.launchTime;
      x.totalShuffleRead += t.shuffleReadBytes ?? 0;
      x.totalShuffleWrite += t.shuffleWriteBytes ?? 0;
      this.changed();
    },
  };

  private evictDead(): void {
    const dead = [...this.executors.values()].filter((x) => x.removeTime !== undefined);
    for (const x of dead.slice(0, Math.max(0, dead.length - this.retainedDead))) this.executors.delete(x.executorId);
  }

  /** The driver first, then workers by id, as Spark lists them. */
  list(activeOnly: boolean): ExecutorRecord[] {
    const order = (id: string): number => (id === "driver" ? -1 : Number(id));
    return [...this.executors.values()].filter((x) => !activeOnly || x.removeTime === undefined).sort((a, b) => order(a.executorId) - order(b.executorId));
  }
}
