import type { SparkListener, StageInfo, TaskInfo } from "../../core/scheduler/SparkListener.js";

export type JobStatus = "RUNNING" | "SUCCEEDED" | "FAILED";
export type StageStatus = "ACTIVE" | "COMPLETE" | "FAILED" | "PENDING" | "SKIPPED";
export type TaskStatus = "RUNNING" | "SUCCESS" | "FAILED";

export interface JobRecord {
  jobId: number;
  /** The action's call site, e.g. "count at app.ts:12". */
  name: string;
  submissionTime: number;
  completionTime: number | undefined;
  stageIds: number[];
  status: JobStatus;
  error: string | undefined;
  /** The streaming batch and output operation that ran this job, when a streaming job did. */
  batchTime: number | undefined;
  outputOpId: number | undefined;
}

export interface TaskRecord {
  taskId: number;
  index: number;
  attempt: number;
  stageId: number;
  stageAttemptId: number;
  executorId: string;
  launchTime: number;
  finishTime: number | undefined;
  status: TaskStatus;
  errorMessage: string | undefined;
  /** Milliseconds with fractions, as the executor measured them. */
  executorDeserializeTime: number;
  executorRunTime: number;
  resultSerializationTime: number;
  shuffleReadRecords: number;
  shuffleReadBytes: number;
  shuffleWriteRecords: number;
  shuffleWriteBytes: number;
}

export interface StageRecord {
  stageId: number;
  attemptId: number;
  name: string;
  numTasks: number;
  rddIds: number[];
  parentIds: number[];
  status: StageStatus;
  submissionTime: number | undefined;
  firstTaskLaunchedTime: number | undefined;
  completionTime: number | undefined;
  failureReason: string | undefined;
  jobIds: Set<number>;
  /** The most recent tasks, up to spark.ui.retainedTasks; the counters below cover every task. */
  tasks: Map<number, TaskRecord>;
  numActiveTasks: number;
  numCompleteTasks: number;
  numFailedTasks: number;
  completedIndices: Set<number>;
  executorRunTime: number;
  shuffleReadRecords: number;
  shuffleReadBytes: number;
  shuffleWriteRecords: number;
  shuffleWriteBytes: number;
}

/** The job counters Spark's JobData carries, derived from the job's stages. */
export interface JobCounts {
  numTasks: number;
  numActiveTasks: number;
  numCompletedTasks: number;
  numSkippedTasks: number;
  numFailedTasks: number;
  numCompletedIndices: number;
  numActiveStages: number;
  numCompletedStages: number;
  numSkippedStages: number;
  numFailedStages: number;
}

export interface RetentionLimits {
  retainedJobs: number;
  retainedStages: number;
  retainedTasks: number;
}

export type AppChange = { kind: "job"; jobId: number } | { kind: "stage"; stageId: number; attemptId: number };

/**
 * The jobs, stages and tasks of one SparkContext, as its listener bus reports them, kept within
 * Spark's retention limits so that a long-running stream holds a bounded history.
 */
export class AppStatusStore {
  private readonly jobs = new Map<number, JobRecord>();
  private readonly stages = new Map<string, StageRecord>();
  /** A task reports only its stage id; its attempt is the one most recently submitted. */
  private readonly latestAttempt = new Map<number, number>();
  /** Counts since the context started, unaffected by retention, for /metrics. */
  readonly counters = { jobsSucceeded: 0, jobsFailed: 0, stagesCompleted: 0, stagesFailed: 0, tasksSucceeded: 0, tasksFailed: 0, activeJobs: 0, activeTasks: 0 };
  private readonly jobTagger: Array<(jobId: number) => { batchTime: number; outputOpId: number } | undefined> = [];

  constructor(
    private readonly limits: RetentionLimits,
    private readonly changed: (change: AppChange) => void = () => undefined,
  ) {}

  /** Tags jobs with the streaming batch that runs them, as Spark's job properties do. */
  addJobTagger(tagger: (jobId: number) => { batchTime: number; outputOpId: number } | undefined): () => void {
    this.jobTagger.push(tagger);
    return () => {
      const i = this.jobTagger.indexOf(tagger);
      if (i >= 0) this.jobTagger.splice(i, 1);
    };
  }

  readonly listener: SparkListener = {
    onJobStart: (e) => {
      let tag: { batchTime: number; outputOpId: number } | undefined;
      for (const t of this.jobTagger) tag ??= t(e.jobId);
      this.jobs.set(e.jobId, {
        jobId: e.jobId,
        name: e.callSite,
        submissionTime: e.time,
        completionTime: undefined,
        stageIds: [...e.stageIds],
        status: "RUNNING",
        error: undefined,
        batchTime: tag?.batchTime,
        outputOpId: tag?.outputOpId,
      });
      this.counters.activeJobs++;
      this.evictJobs();
      this.changed({ kind: "job", jobId: e.jobId });
    },
    onJobEnd: (e) => {
      this.counters.activeJobs = Math.max(0, this.counters.activeJobs - 1);
      if (e.succeeded) this.counters.jobsSucceeded++;
      else this.counters.jobsFailed++;
      const job = this.jobs.get(e.jobId);
      if (!job) return;
      job.completionTime = e.time;
      job.status = e.succeeded ? "SUCCEEDED" : "FAILED";
      job.error = e.error;
      for (const id of job.stageIds) {
        const s = this.latestStage(id);
        if (s && s.status === "PENDING") s.status = "SKIPPED";
      }
      this.changed({ kind: "job", jobId: e.jobId });
    },
    onStageSubmitted: (e) => this.stageSubmitted(e.stageInfo),
    onStageCompleted: (e) => {
      const s = this.stageRecord(e.stageInfo);
      s.completionTime = e.stageInfo.completionTime;
      s.failureReason = e.stageInfo.failureReason;
      s.status = e.stageInfo.failureReason === undefined ? "COMPLETE" : "FAILED";
      if (s.status === "COMPLETE") this.counters.stagesCompleted++;
      else this.counters.stagesFailed++;
      this.changed({ kind: "stage", stageId: s.stageId, attemptId: s.attemptId });
    },
    onTaskStart: (e) => this.taskStarted(e.taskInfo),
    onTaskEnd: (e) => this.taskEnded(e.taskInfo),
  };

  private stageSubmitted(info: StageInfo): void {
    const s = this.stageRecord(info);
    s.status = "ACTIVE";
    s.submissionTime = info.submissionTime;
    this.latestAttempt.set(info.stageId, info.attemptNumber);
    for (const job of this.jobs.values()) if (job.status === "RUNNING" && job.stageIds.includes(info.stageId)) s.jobIds.add(job.jobId);
    this.evictStages();
    this.changed({ kind: "stage", stageId: s.stageId, attemptId: s.attemptId });
  }

  private stageRecord(info: StageInfo): StageRecord {
    const key = stageKey(info.stageId, info.attemptNumber);
    let s = this.stages.get(key);
    if (!s) {
      s = {
        stageId: info.stageId,
        attemptId: info.attemptNumber,
        name: info.name,
        numTasks: info.numTasks,
        rddIds: [...info.rddIds],
        parentIds: [...info.parentIds],
        status: "PENDING",
        submissionTime: info.submissionTime,
        firstTaskLaunchedTime: undefined,
        completionTime: undefined,
        failureReason: undefined,
        jobIds: new Set(),
        tasks: new Map(),
        numActiveTasks: 0,
        numCompleteTasks: 0,
        numFailedTasks: 0,
        completedIndices: new Set(),
        executorRunTime: 0,
        shuffleReadRecords: 0,
        shuffleReadBytes: 0,
        shuffleWriteRecords: 0,
        shuffleWriteBytes: 0,
      };
      this.stages.set(key, s);
    }
    return s;
  }

  private taskStarted(info: TaskInfo): void {
    this.counters.activeTasks++;
    const s = this.latestStage(info.stageId);
    if (!s) return;
    s.numActiveTasks++;
    s.firstTaskLaunchedTime ??= info.launchTime;
    s.tasks.set(info.taskId, {
      taskId: info.taskId,
      index: info.index,
      attempt: info.attemptNumber,
      stageId: info.stageId,
      stageAttemptId: s.attemptId,
      executorId: info.executorId,
      launchTime: info.launchTime,
      finishTime: undefined,
      status: "RUNNING",
      errorMessage: undefined,
      executorDeserializeTime: 0,
      executorRunTime: 0,
      resultSerializationTime: 0,
      shuffleReadRecords: 0,
      shuffleReadBytes: 0,
      shuffleWriteRecords: 0,
      shuffleWriteBytes: 0,
    });
    this.evictTasks(s);
  }

  private taskEnded(info: TaskInfo): void {
    const ok = info.successful === true;
    this.counters.activeTasks = Math.max(0, this.counters.activeTasks - 1);
    if (ok) this.counters.tasksSucceeded++;
    else this.counters.tasksFailed++;
    const s = this.latestStage(info.stageId);
    if (!s) return;
    s.numActiveTasks = Math.max(0, s.numActiveTasks - 1);
    if (ok) {
      s.numCompleteTasks++;
      s.completedIndices.add(info.index);
    } else s.numFailedTasks++;
    const runTime = info.executorRunTime ?? 0;
    s.executorRunTime += runTime;
    s.shuffleReadRecords += info.recordsRead ?? 0;
    s.shuffleReadBytes += info.shuffleReadBytes ?? 0;
    s.shuffleWriteRecords += info.shuffleWriteRecords ?? 0;
    s.shuffleWriteBytes += info.shuffleWriteBytes ?? 0;
    const t = s.tasks.get(info.taskId);
    if (t) {
      t.executorId = info.executorId;
      t.finishTime = info.finishTime;
      t.status = ok ? "SUCCESS" : "FAILED";
      t.errorMessage = info.errorMessage;
      t.executorDeserializeTime = info.executorDeserializeTime ?? 0;
      t.executorRunTime = runTime;
      t.resultSerializationTime = info.resultSerializationTime ?? 0;
      t.shuffleReadRecords = info.recordsRead ?? 0;
      t.shuffleReadBytes = info.shuffleReadBytes ?? 0;
      t.shuffleWriteRecords = info.shuffleWriteRecords ?? 0;
      t.shuffleWriteBytes = info.shuffleWriteBytes ?? 0;
    }
  }

  private latestStage(stageId: number): StageRecord | undefined {
    const attempt = this.latestAttempt.get(stageId);
    return attempt === undefined ? undefined : this.stages.get(stageKey(stageId, attempt));
  }

  /** Spark drops the oldest finished jobs first; running ones stay whatever the limit. */
  private evictJobs(): void {
    if (this.jobs.size <= this.limits.retainedJobs) return;
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= this.limits.retainedJobs) break;
      if (job.status !== "RUNNING") this.jobs.delete(id);
    }
  }

  private evictStages(): void {
    if (this.stages.size <= this.limits.retainedStages) return;
    for (const [key, s] of this.stages) {
      if (this.stages.size <= this.limits.retainedStages) break;
      if (s.status === "ACTIVE") continue;
      this.stages.delete(key);
      if (this.latestAttempt.get(s.stageId) === s.attemptId) this.latestAttempt.delete(s.stageId);
    }
  }

  private evictTasks(s: StageRecord): void {
    if (s.tasks.size <= this.limits.retainedTasks) return;
    for (const [id, t] of s.tasks) {
      if (s.tasks.size <= this.limits.retainedTasks) break;
      if (t.status !== "RUNNING") s.tasks.delete(id);
    }
  }

  /** Jobs, newest first. */
  jobList(): JobRecord[] {
    return [...this.jobs.values()].reverse();
  }

  job(jobId: number): JobRecord | undefined {
    return this.jobs.get(jobId);
  }

  /** Stage attempts, newest first. */
  stageList(): StageRecord[] {
    return [...this.stages.values()].sort((a, b) => b.stageId - a.stageId || b.attemptId - a.attemptId);
  }

  stageAttempts(stageId: number): StageRecord[] {
    return this.stageList().filter((s) => s.stageId === stageId);
  }

  stage(stageId: number, attemptId: number): StageRecord | undefined {
    return this.stages.get(stageKey(stageId, attemptId));
  }

  /** The job's stages that ran (their latest attempts), and the ids of those that did not. */
  jobStages(job: JobRecord): { ran: StageRecord[]; notRun: number[] } {
    const ran: StageRecord[] = [];
    const notRun: number[] = [];
    for (const id of job.stageIds) {
      const s = this.latestStage(id);
      if (s && s.status !== "PENDING" && s.status !== "SKIPPED") ran.push(s);
      else notRun.push(id);
    }
    return { ran, notRun };
  }

  jobCounts(job: JobRecord): JobCounts {
    const { ran, notRun } = this.jobStages(job);
    const c: JobCounts = {
      numTasks: 0,
      numActiveTasks: 0,
      numCompletedTasks: 0,
      numSkippedTasks: 0,
      numFailedTasks: 0,
      numCompletedIndices: 0,
      numActiveStages: 0,
      numCompletedStages: 0,
      numSkippedStages: job.status === "RUNNING" ? 0 : notRun.length,
      numFailedStages: 0,
    };
    for (const s of ran) {
      c.numTasks += s.numTasks;
      c.numActiveTasks += s.numActiveTasks;
      c.numCompletedTasks += s.numCompleteTasks;
      c.numFailedTasks += s.numFailedTasks;
      c.numCompletedIndices += s.completedIndices.size;
      if (s.status === "ACTIVE") c.numActiveStages++;
      else if (s.status === "COMPLETE") c.numCompletedStages++;
      else if (s.status === "FAILED") c.numFailedStages++;
    }
    return c;
  }
}

function stageKey(stageId: number, attemptId: number): string {
  return `${stageId}.${attemptId}`;
}
