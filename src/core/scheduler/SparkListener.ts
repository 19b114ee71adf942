/** Engine events, for the UI, metrics and tests. Every callback is optional. */
export interface StageInfo {
  stageId: number;
  attemptNumber: number;
  name: string;
  numTasks: number;
  rddIds: number[];
  parentIds: number[];
  submissionTime?: number;
  completionTime?: number;
  failureReason?: string;
}

export interface TaskInfo {
  taskId: number;
  index: number;
  attemptNumber: number;
  stageId: number;
  executorId: string;
  launchTime: number;
  finishTime?: number;
  successful?: boolean;
  errorMessage?: string;
  executorRunTime?: number;
  /** Records this task read from shuffle output. */
  recordsRead?: number;
  /** Bytes of packed shuffle blocks this task read. */
  shuffleReadBytes?: number;
  shuffleWriteRecords?: number;
  shuffleWriteBytes?: number;
}

export interface SparkListener {
  onJobStart?(e: { jobId: number; time: number; stageIds: number[]; callSite: string }): void;
  onJobEnd?(e: { jobId: number; time: number; succeeded: boolean; error?: string }): void;
  onStageSubmitted?(e: { stageInfo: StageInfo }): void;
  onStageCompleted?(e: { stageInfo: StageInfo }): void;
  onTaskStart?(e: { taskInfo: TaskInfo }): void;
  onTaskEnd?(e: { taskInfo: TaskInfo }): void;
}

export class ListenerBus {
  private readonly listeners: SparkListener[] = [];
  add(l: SparkListener): void {
    this.listeners.push(l);
  }
  remove(l: SparkListener): void {
    const i = this.listeners.indexOf(l);
    if (i >= 0) this.listeners.splice(i, 1);
  }
  post<K extends keyof SparkListener>(event: K, payload: Parameters<NonNullable<SparkListener[K]>>[0]): void {
    for (const l of this.listeners) {
      const fn = l[event] as ((p: typeof payload) => void) | undefined;
      if (!fn) continue;
      try {
        fn.call(l, payload);
      } catch {
        // A listener's failure must never fail a job.
      }
    }
  }
}
