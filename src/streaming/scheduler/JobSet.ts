import type { Time } from "../Time.js";
import type { Job } from "./Job.js";
import type { BatchInfo, StreamInputInfo } from "./BatchInfo.js";

/** The jobs of one batch, and the batch's timing. */
export class JobSet {
  private readonly incomplete: Set<Job>;
  readonly submissionTime = Date.now();
  private processingStartTime: number | undefined = undefined;
  private processingEndTime: number | undefined = undefined;

  constructor(
    readonly time: Time,
    readonly jobs: readonly Job[],
    private readonly inputInfos: Map<number, StreamInputInfo> = new Map(),
  ) {
    jobs.forEach((j, i) => (j.outputOpId = i));
    this.incomplete = new Set(jobs);
  }

  handleJobStart(): void {
    this.processingStartTime ??= Date.now();
  }

  handleJobCompletion(job: Job): void {
    this.incomplete.delete(job);
    if (this.hasCompleted) this.processingEndTime = Date.now();
  }

  get hasStarted(): boolean {
    return this.processingStartTime !== undefined;
  }

  get hasCompleted(): boolean {
    return this.incomplete.size === 0;
  }

  toBatchInfo(): BatchInfo {
    const start = this.processingStartTime;
    const end = this.processingEndTime;
    const schedulingDelay = start === undefined ? undefined : start - this.submissionTime;
    const processingDelay = start === undefined || end === undefined ? undefined : end - start;
    let numRecords = 0;
    for (const info of this.inputInfos.values()) numRecords += info.numRecords;
    return {
      batchTime: this.time,
      streamIdToInputInfo: new Map(this.inputInfos),
      submissionTime: this.submissionTime,
      processingStartTime: start,
      processingEndTime: end,
      outputOperationInfos: new Map(this.jobs.map((j) => [j.outputOpId, j.toOutputOperationInfo()])),
      numRecords,
      schedulingDelay,
      processingDelay,
      totalDelay: schedulingDelay === undefined || processingDelay === undefined ? undefined : schedulingDelay + processingDelay,
    };
  }
}
