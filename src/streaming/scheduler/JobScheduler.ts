import { AsyncLocalStorage } from "node:async_hooks";
import { logger } from "../../core/log.js";
import { withoutOutputSpecValidation } from "../../core/rdd/outputSpecValidation.js";
import type { Time } from "../Time.js";
import type { Job } from "./Job.js";
import type { JobSet } from "./JobSet.js";
import type { StreamingListenerBus } from "./StreamingListenerBus.js";

/** Set while a streaming job runs, so `stop()` called from inside a job does not wait for that job. */
export const runningJob = new AsyncLocalStorage<Job>();

export interface JobSchedulerHooks {
  onBatchCompletion(time: Time): void;
  reportError(message: string, error: unknown): void;
}

/**
 * Runs the jobs of submitted batches, `spark.streaming.concurrentJobs` at a time (1 by default:
 * batches one after another, a batch's jobs in output-registration order), and posts their
 * listener events.
 */
export class JobScheduler {
  private readonly queue: Job[] = [];
  private readonly jobSets = new Map<number, JobSet>();
  private readonly runningJobs = new Set<Job>();
  private accepting = true;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly bus: StreamingListenerBus,
    private readonly concurrentJobs: number,
    private readonly hooks: JobSchedulerHooks,
  ) {}

  submitJobSet(jobSet: JobSet): void {
    if (!this.accepting) return;
    if (jobSet.jobs.length === 0) {
      logger().info(`No jobs added for time ${jobSet.time}`);
      return;
    }
    this.bus.post("onBatchSubmitted", { batchInfo: jobSet.toBatchInfo() });
    this.jobSets.set(jobSet.time.milliseconds, jobSet);
    this.queue.push(...jobSet.jobs);
    logger().info(`Added jobs for time ${jobSet.time}`);
    this.pump();
  }

  /** Resolves once no job is queued or running. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Batches submitted whose jobs have not all run. A batch whose job failed has run: as in
   * Spark, its failure is reported, and a restart from a checkpoint does not run it again.
   */
  get pendingBatchTimes(): number[] {
    return [...this.jobSets.values()].filter((s) => !s.hasCompleted).map((s) => s.time.milliseconds);
  }

  /**
   * Stops taking jobs. Gracefully, every queued job still runs; otherwise queued jobs are
   * dropped. Either way, jobs already running are awaited (up to `timeoutMs` if given), unless
   * the caller is itself one of them. Past the timeout, the jobs still queued are dropped and
   * those still running are left to themselves: the result lists them (empty when all ended).
   */
  async stop(graceful: boolean, timeoutMs?: number): Promise<Job[]> {
    this.accepting = graceful;
    if (!graceful) this.queue.length = 0;
    const inJob = runningJob.getStore() !== undefined;
    if (!inJob) {
      const idle = this.whenIdle();
      if (timeoutMs === undefined) await idle;
      else {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([idle, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
        clearTimeout(timer);
      }
    }
    this.accepting = false;
    this.queue.length = 0;
    const self = runningJob.getStore();
    return [...this.runningJobs].filter((j) => j !== self);
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.runningJobs.size === 0;
  }

  private pump(): void {
    while (this.runningJobs.size < this.concurrentJobs && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.runningJobs.add(job);
      void runningJob.run(job, () => this.runJob(job)).finally(() => {
        this.runningJobs.delete(job);
        this.pump();
        if (this.isIdle()) {
          const ws = this.idleWaiters;
          this.idleWaiters = [];
          for (const w of ws) w();
        }
      });
    }
  }

  private async runJob(job: Job): Promise<void> {
    const jobSet = this.jobSets.get(job.time.milliseconds);
    if (!jobSet) return;
    const first = !jobSet.hasStarted;
    jobSet.handleJobStart();
    if (first) this.bus.post("onBatchStarted", { batchInfo: jobSet.toBatchInfo() });
    job.startTime = Date.now();
    this.bus.post("onOutputOperationStarted", { outputOperationInfo: job.toOutputOperationInfo() });
    logger().info(`Starting job ${job} from job set of time ${jobSet.time}`);
    await withoutOutputSpecValidation(() => job.run());
    job.endTime = Date.now();
    jobSet.handleJobCompletion(job);
    this.bus.post("onOutputOperationCompleted", { outputOperationInfo: job.toOutputOperationInfo() });
    logger().info(`Finished job ${job} from job set of time ${jobSet.time}`);
    if (jobSet.hasCompleted) this.bus.post("onBatchCompleted", { batchInfo: jobSet.toBatchInfo() });
    if (job.hasFailed) {
      this.hooks.reportError(`Error running job ${job}`, job.error);
    } else if (jobSet.hasCompleted) {
      this.jobSets.delete(jobSet.time.milliseconds);
      try {
        this.hooks.onBatchCompletion(jobSet.time);
      } catch (e) {
        logger().error({ err: String(e) }, `Error clearing metadata of batch ${jobSet.time}`);
      }
    }
  }
}
