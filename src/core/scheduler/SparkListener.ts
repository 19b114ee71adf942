/** Engine events, for the UI, metrics and tests. Every callback is optional. */

/** Spark's RDDInfo: what the Storage page shows of an RDD that a stage computes. */
export interface RDDInfo {
  id: number;
  /** The name given with setName, else the class name, as Spark shows it. */
  name: string;
  numPartitions: number;
  /** Spark's StorageLevel.description, e.g. "Memory Deserialized 1x Replicated"; "" when not persisted. */
  storageLevel: string;
  callSite: string;
}

export interface StageInfo {
  stageId: number;
  attemptNumber: number;
  name: string;
  numTasks: number;
  rddIds: number[];
  parentIds: number[];
  /** The RDDs of the stage's narrow lineage that are persisted. */
  rddInfos?: RDDInfo[];
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
  /** Milliseconds (with fractions) as the executor measured them; see TaskMetrics. */
  executorDeserializeTime?: number;
  executorRunTime?: number;
  resultSerializationTime?: number;
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
  /** An executor that runs tasks: the driver's own thread ("driver") and each worker thread ("0", "1", ...). */
  onExecutorAdded?(e: { executorId: string; time: number; totalCores: number; maxMemory: number }): void;
  /** A worker thread died; its cached blocks are gone with it. */
  onExecutorRemoved?(e: { executorId: string; time: number; reason: string }): void;
  /** A cached partition was stored (Spark's SparkListenerBlockUpdated for an RDD block). */
  onBlockUpdated?(e: { rddId: number; split: number; executorId: string; memSize: number; diskSize: number }): void;
  /** Every block of an RDD was dropped: unpersist(), or the cleaner found the RDD unreachable. */
  onUnpersistRDD?(e: { rddId: number }): void;
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
