import { hostname, userInfo } from "node:os";
import type { SparkContext } from "../../core/SparkContext.js";
import type { AppStatusStore, JobRecord, StageRecord, TaskRecord } from "../status/AppStatusStore.js";
import { dstreamVersion } from "../version.js";
import { apiDate, apiDateOpt } from "./apiDate.js";
import { streamingJobDescription } from "../pages/format.js";
import { redactCommandLine, redactPair } from "./redaction.js";
import type { ApplicationEnvironmentInfo, ApplicationInfo, JobData, StageData, TaskData } from "./types.js";

/** The Spark user: the operating system's user name, as Spark defaults it. */
export function sparkUser(): string {
  try {
    return process.env.SPARK_USER ?? userInfo().username;
  } catch {
    return "unknown";
  }
}

export function applicationInfo(sc: SparkContext, now: number): ApplicationInfo {
  const ended = sc.isStopped();
  return {
    id: sc.applicationId,
    name: sc.appName,
    coresGranted: Math.max(1, sc.workerCount),
    attempts: [
      {
        startTime: apiDate(sc.startTime),
        endTime: apiDate(-1),
        lastUpdated: apiDate(now),
        duration: now - sc.startTime,
        sparkUser: sparkUser(),
        completed: ended,
        appSparkVersion: dstreamVersion(),
        startTimeEpoch: sc.startTime,
        endTimeEpoch: -1,
        lastUpdatedEpoch: now,
      },
    ],
  };
}

/** A job's description: which streaming batch and output operation ran it, as Spark's streaming jobs say. */
export function jobDescription(job: JobRecord, batchDurationMs: number): string | undefined {
  if (job.batchTime === undefined) return undefined;
  return streamingJobDescription(job.batchTime, job.outputOpId ?? 0, batchDurationMs);
}

export function jobData(store: AppStatusStore, job: JobRecord, batchDurationMs = 1000): JobData {
  const c = store.jobCounts(job);
  return {
    jobId: job.jobId,
    name: job.name,
    description: jobDescription(job, batchDurationMs),
    submissionTime: apiDate(job.submissionTime),
    completionTime: apiDateOpt(job.completionTime),
    stageIds: [...job.stageIds],
    status: job.status,
    numTasks: c.numTasks,
    numActiveTasks: c.numActiveTasks,
    numCompletedTasks: c.numCompletedTasks,
    numSkippedTasks: c.numSkippedTasks,
    numFailedTasks: c.numFailedTasks,
    numKilledTasks: 0,
    numCompletedIndices: c.numCompletedIndices,
    numActiveStages: c.numActiveStages,
    numCompletedStages: c.numCompletedStages,
    numSkippedStages: c.numSkippedStages,
    numFailedStages: c.numFailedStages,
    killedTasksSummary: {},
    failureReason: job.error,
  };
}

export function taskData(t: TaskRecord): TaskData {
  return {
    taskId: t.taskId,
    index: t.index,
    attempt: t.attempt,
    launchTime: apiDate(t.launchTime),
    duration: t.finishTime === undefined ? undefined : t.finishTime - t.launchTime,
    executorId: t.executorId,
    host: "localhost",
    status: t.status,
    taskLocality: "PROCESS_LOCAL",
    speculative: false,
    accumulatorUpdates: [],
    errorMessage: t.errorMessage,
    taskMetrics:
      t.status === "RUNNING"
        ? undefined
        : {
            executorDeserializeTime: Math.round(t.executorDeserializeTime),
            executorDeserializeCpuTime: 0,
            executorRunTime: Math.round(t.executorRunTime),
            executorCpuTime: 0,
            resultSize: 0,
            jvmGcTime: 0,
            resultSerializationTime: Math.round(t.resultSerializationTime),
            memoryBytesSpilled: 0,
            diskBytesSpilled: 0,
            peakExecutionMemory: 0,
            inputMetrics: { bytesRead: 0, recordsRead: 0 },
            outputMetrics: { bytesWritten: 0, recordsWritten: 0 },
            shuffleReadMetrics: {
              remoteBlocksFetched: 0,
              localBlocksFetched: 0,
              fetchWaitTime: 0,
              remoteBytesRead: 0,
              remoteBytesReadToDisk: 0,
              localBytesRead: t.shuffleReadBytes,
              recordsRead: t.shuffleReadRecords,
            },
            shuffleWriteMetrics: { bytesWritten: t.shuffleWriteBytes, writeTime: 0, recordsWritten: t.shuffleWriteRecords },
          },
  };
}

export function stageData(s: StageRecord, withTasks: boolean): StageData {
  let tasks: Record<string, TaskData> | undefined;
  if (withTasks) {
    tasks = {};
    for (const t of s.tasks.values()) tasks[String(t.taskId)] = taskData(t);
  }
  return {
    status: s.status,
    stageId: s.stageId,
    attemptId: s.attemptId,
    numTasks: s.numTasks,
    numActiveTasks: s.numActiveTasks,
    numCompleteTasks: s.numCompleteTasks,
    numFailedTasks: s.numFailedTasks,
    numKilledTasks: 0,
    numCompletedIndices: s.completedIndices.size,
    executorRunTime: Math.round(s.executorRunTime),
    executorCpuTime: 0,
    submissionTime: apiDateOpt(s.submissionTime),
    firstTaskLaunchedTime: apiDateOpt(s.firstTaskLaunchedTime),
    completionTime: apiDateOpt(s.completionTime),
    failureReason: s.failureReason,
    inputBytes: 0,
    inputRecords: 0,
    outputBytes: 0,
    outputRecords: 0,
    shuffleReadBytes: s.shuffleReadBytes,
    shuffleReadRecords: s.shuffleReadRecords,
    shuffleWriteBytes: s.shuffleWriteBytes,
    shuffleWriteRecords: s.shuffleWriteRecords,
    memoryBytesSpilled: 0,
    diskBytesSpilled: 0,
    name: s.name,
    details: s.name,
    schedulingPool: "default",
    rddIds: [...s.rddIds],
    accumulatorUpdates: [],
    tasks,
    killedTasksSummary: {},
    jobIds: [...s.jobIds].sort((a, b) => a - b),
  };
}

/** Spark's Environment tab: configuration (secrets redacted, as spark.redaction.regex says) and the process. */
export function environmentInfo(sc: SparkContext, redaction: RegExp): ApplicationEnvironmentInfo {
  const sparkProperties = sc.conf.getAll().map(([k, v]): [string, string] => [k, redactPair(redaction, k, v)]);
  // As Spark's Environment tab: the command line argument by argument, other properties by key or value.
  const commandLines: Array<[string, string]> = [
    ["node.execArgv", redactCommandLine(redaction, process.execArgv).join(" ")],
    ["process.argv", redactCommandLine(redaction, process.argv.slice(1)).join(" ")],
  ];
  const properties: Array<[string, string]> = [
    ["node.execPath", process.execPath],
    ["process.pid", String(process.pid)],
    ["process.cwd", process.cwd()],
    ["os.hostname", hostname()],
    ["os.platform", `${process.platform} ${process.arch}`],
    ["user.name", sparkUser()],
    ["dstream.version", dstreamVersion()],
  ];
  const systemProperties = [...commandLines, ...properties.map(([k, v]): [string, string] => [k, redactPair(redaction, k, v)])];
  return {
    runtime: { nodeVersion: process.version, v8Version: process.versions.v8, platform: `${process.platform} ${process.arch}`, dstreamVersion: dstreamVersion() },
    sparkProperties,
    hadoopProperties: [],
    systemProperties: systemProperties.sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    metricsProperties: [],
    classpathEntries: [],
  };
}
