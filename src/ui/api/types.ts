/**
 * The REST API's JSON shapes, field for field those of Spark's `status.api.v1` classes. Dates are
 * strings such as "2015-02-03T16:42:59.720GMT"; an optional field Spark would write as None is
 * left out.
 */

export interface ApplicationAttemptInfo {
  attemptId?: string;
  startTime: string;
  endTime: string;
  lastUpdated: string;
  duration: number;
  sparkUser: string;
  completed: boolean;
  appSparkVersion: string;
  startTimeEpoch: number;
  endTimeEpoch: number;
  lastUpdatedEpoch: number;
}

export interface ApplicationInfo {
  id: string;
  name: string;
  coresGranted?: number;
  maxCores?: number;
  coresPerExecutor?: number;
  memoryPerExecutorMB?: number;
  attempts: ApplicationAttemptInfo[];
}

export interface JobData {
  jobId: number;
  name: string;
  description?: string;
  submissionTime?: string;
  completionTime?: string;
  stageIds: number[];
  jobGroup?: string;
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "UNKNOWN";
  numTasks: number;
  numActiveTasks: number;
  numCompletedTasks: number;
  numSkippedTasks: number;
  numFailedTasks: number;
  numKilledTasks: number;
  numCompletedIndices: number;
  numActiveStages: number;
  numCompletedStages: number;
  numSkippedStages: number;
  numFailedStages: number;
  killedTasksSummary: Record<string, number>;
  /** dstream: why the job failed. */
  failureReason?: string;
}

export interface ShuffleReadMetrics {
  remoteBlocksFetched: number;
  localBlocksFetched: number;
  fetchWaitTime: number;
  remoteBytesRead: number;
  remoteBytesReadToDisk: number;
  localBytesRead: number;
  recordsRead: number;
}

export interface ShuffleWriteMetrics {
  bytesWritten: number;
  writeTime: number;
  recordsWritten: number;
}

export interface TaskMetrics {
  executorDeserializeTime: number;
  executorDeserializeCpuTime: number;
  executorRunTime: number;
  executorCpuTime: number;
  resultSize: number;
  jvmGcTime: number;
  resultSerializationTime: number;
  memoryBytesSpilled: number;
  diskBytesSpilled: number;
  peakExecutionMemory: number;
  inputMetrics: { bytesRead: number; recordsRead: number };
  outputMetrics: { bytesWritten: number; recordsWritten: number };
  shuffleReadMetrics: ShuffleReadMetrics;
  shuffleWriteMetrics: ShuffleWriteMetrics;
}

export interface TaskData {
  taskId: number;
  index: number;
  attempt: number;
  launchTime: string;
  duration?: number;
  executorId: string;
  host: string;
  status: "RUNNING" | "SUCCESS" | "FAILED";
  taskLocality: string;
  speculative: boolean;
  accumulatorUpdates: unknown[];
  errorMessage?: string;
  taskMetrics?: TaskMetrics;
}

export interface StageData {
  status: "ACTIVE" | "COMPLETE" | "FAILED" | "PENDING" | "SKIPPED";
  stageId: number;
  attemptId: number;
  numTasks: number;
  numActiveTasks: number;
  numCompleteTasks: number;
  numFailedTasks: number;
  numKilledTasks: number;
  numCompletedIndices: number;
  executorRunTime: number;
  executorCpuTime: number;
  submissionTime?: string;
  firstTaskLaunchedTime?: string;
  completionTime?: string;
  failureReason?: string;
  inputBytes: number;
  inputRecords: number;
  outputBytes: number;
  outputRecords: number;
  shuffleReadBytes: number;
  shuffleReadRecords: number;
  shuffleWriteBytes: number;
  shuffleWriteRecords: number;
  memoryBytesSpilled: number;
  diskBytesSpilled: number;
  name: string;
  description?: string;
  details: string;
  schedulingPool: string;
  rddIds: number[];
  accumulatorUpdates: unknown[];
  tasks?: Record<string, TaskData>;
  killedTasksSummary: Record<string, number>;
  /** dstream: the jobs this stage ran for. */
  jobIds: number[];
}

export interface ApplicationEnvironmentInfo {
  /** Spark reports the JVM here; dstream reports Node.js. */
  runtime: { nodeVersion: string; v8Version: string; platform: string; dstreamVersion: string };
  sparkProperties: Array<[string, string]>;
  hadoopProperties: Array<[string, string]>;
  systemProperties: Array<[string, string]>;
  metricsProperties: Array<[string, string]>;
  classpathEntries: Array<[string, string]>;
}

export interface StreamingStatistics {
  startTime: string;
  batchDuration: number;
  numReceivers: number;
  numActiveReceivers: number;
  numInactiveReceivers: number;
  numTotalCompletedBatches: number;
  numRetainedCompletedBatches: number;
  numActiveBatches: number;
  numProcessedRecords: number;
  numReceivedRecords: number;
  avgInputRate?: number;
  avgSchedulingDelay?: number;
  avgProcessingTime?: number;
  avgTotalDelay?: number;
}

export interface StreamingReceiverInfo {
  streamId: number;
  streamName: string;
  isActive?: boolean;
  executorId?: string;
  executorHost?: string;
  lastErrorTime?: string;
  lastErrorMessage?: string;
  lastError?: string;
  avgEventRate?: number;
  /** (batch time in epoch ms, records per second) for each retained batch. */
  eventRates: Array<[number, number]>;
}

export interface OutputOperationInfo {
  outputOpId: number;
  name: string;
  description: string;
  startTime?: string;
  endTime?: string;
  duration?: number;
  failureReason?: string;
  jobIds: number[];
}

export interface StreamingBatchInfo {
  /** The batch time in epoch milliseconds. */
  batchId: number;
  batchTime: string;
  status: "QUEUED" | "PROCESSING" | "COMPLETED";
  batchDuration: number;
  inputSize: number;
  schedulingDelay?: number;
  processingTime?: number;
  totalDelay?: number;
  numActiveOutputOps: number;
  numCompletedOutputOps: number;
  numFailedOutputOps: number;
  numTotalOutputOps: number;
  firstFailureReason?: string;
  /** dstream, in `batches/{batchId}` only: the batch's output operations, as `/operations` lists them. */
  outputOperations?: OutputOperationInfo[];
}

export interface MemoryMetrics {
  usedOnHeapStorageMemory: number;
  usedOffHeapStorageMemory: number;
  totalOnHeapStorageMemory: number;
  totalOffHeapStorageMemory: number;
}

/** Spark's ExecutorSummary. An executor is a thread; the host is always "localhost". */
export interface ExecutorSummary {
  id: string;
  hostPort: string;
  isActive: boolean;
  rddBlocks: number;
  memoryUsed: number;
  diskUsed: number;
  totalCores: number;
  maxTasks: number;
  activeTasks: number;
  failedTasks: number;
  completedTasks: number;
  totalTasks: number;
  totalDuration: number;
  totalGCTime: number;
  totalInputBytes: number;
  totalShuffleRead: number;
  totalShuffleWrite: number;
  isBlacklisted: boolean;
  maxMemory: number;
  addTime: string;
  removeTime?: string;
  removeReason?: string;
  executorLogs: Record<string, string>;
  memoryMetrics?: MemoryMetrics;
  blacklistedInStages: number[];
  attributes: Record<string, string>;
  resources: Record<string, never>;
  resourceProfileId: number;
  isExcluded: boolean;
  excludedInStages: number[];
}

/** Spark's RDDDataDistribution: one executor's share of a cached RDD. */
export interface RDDDataDistribution {
  address: string;
  memoryUsed: number;
  memoryRemaining: number;
  diskUsed: number;
  onHeapMemoryUsed?: number;
  offHeapMemoryUsed?: number;
  onHeapMemoryRemaining?: number;
  offHeapMemoryRemaining?: number;
}

/** Spark's RDDPartitionInfo: one cached partition. */
export interface RDDPartitionInfo {
  blockName: string;
  storageLevel: string;
  memoryUsed: number;
  diskUsed: number;
  executors: string[];
}

/** Spark's RDDStorageInfo; the distribution and partitions only for one RDD's endpoint. */
export interface RDDStorageInfo {
  id: number;
  name: string;
  numPartitions: number;
  numCachedPartitions: number;
  storageLevel: string;
  memoryUsed: number;
  diskUsed: number;
  dataDistribution?: RDDDataDistribution[];
  partitions?: RDDPartitionInfo[];
}
