import { Time } from "../Time.js";
import { isSteppedClock, type Clock } from "../util/Clock.js";
import { RecurringTimer } from "../util/RecurringTimer.js";
import type { DStreamGraph } from "../DStreamGraph.js";
import { JobSet } from "./JobSet.js";
import type { JobScheduler } from "./JobScheduler.js";
import type { InputInfoTracker } from "./InputInfoTracker.js";
import { cleanForgottenShuffles } from "./ShuffleCleaner.js";
import type { SparkContext } from "../../core/SparkContext.js";
import { logger } from "../../core/log.js";
import type { BatchCheckpointer } from "../checkpoint/CheckpointWriter.js";
import type { RestartPoint } from "../checkpoint/Recovery.js";

/**
 * Generates each batch's jobs on the batch grid, at the clock's pace. The first batch is the
 * first multiple of the batch interval after start, and the zero time one interval before it.
 * On a stepped (manual) clock, a move generates every batch it made due and settles when the
 * scheduler has run them all.
 */
export class JobGenerator {
  private readonly period: number;
  private readonly timer: RecurringTimer;
  private unsubscribe: (() => void) | undefined;
  private nextTime = 0;
  private running = false;
  /** The latest batch still waiting for its input streams' `prepareBatch`, if any. */
  private preparing: Promise<void> | undefined = undefined;
  /**
   * Batches whose generation has begun but whose jobs are not yet with the scheduler: those a
   * restart still has to regenerate, and one waiting for its inputs' `prepareBatch`. A
   * checkpoint counts them as pending, or a crash before they are submitted would lose them.
   */
  private readonly owed = new Set<number>();
  /** The last batch whose jobs completed and whose metadata was cleared. */
  lastProcessedBatch: Time | undefined = undefined;

  constructor(
    private readonly clock: Clock,
    private readonly graph: DStreamGraph,
    private readonly scheduler: JobScheduler,
    private readonly inputInfo: InputInfoTracker,
    private readonly reportError: (message: string, error: unknown) => void,
    private readonly sc: SparkContext,
    private readonly checkpointer: BatchCheckpointer | undefined = undefined,
  ) {
    this.period = graph.batchDuration!.milliseconds;
    this.timer = new RecurringTimer(clock, this.period, (t) => this.generateJobs(new Time(t)));
  }

  /**
   * `zeroTime`: a grid other processes already run on (copies of a scaled-out application). The
   * first batch is then the first time of that grid after now, as on a restart.
   */
  start(zeroTime?: Time): void {
    let startTime = this.timer.getStartTime();
    if (zeroTime === undefined) {
      this.graph.start(new Time(startTime - this.period));
    } else {
      const zero = zeroTime.milliseconds;
      const now = this.clock.getTimeMillis();
      startTime = zero + Math.max(1, Math.floor((now - zero) / this.period) + 1) * this.period;
      this.graph.start(zeroTime);
      this.graph.startTime = new Time(startTime);
    }
    this.running = true;
    this.nextTime = startTime;
    const clock = this.clock;
    if (isSteppedClock(clock)) {
      this.unsubscribe = clock.onTimeChanged((now) => this.catchUp(now));
    } else {
      this.timer.start(startTime);
    }
  }

  /**
   * Resumes from a checkpoint (Spark's JobGenerator.restart): the graph keeps the checkpoint's
   * zero time, so batches stay on the same grid; the batches that were pending and those the
   * clock passed while the driver was down are generated and queued first, in time order; then
   * the clock's pace resumes at the next batch time. A manual clock behind the checkpoint is
   * set forward to it, as Spark does.
   */
  restart(from: RestartPoint): void {
    const period = this.period;
    const zero = from.zeroTime.milliseconds;
    this.graph.start(from.zeroTime);
    from.restoreStreams();
    const last = from.lastGeneratedTime?.milliseconds ?? zero;
    const clock = this.clock;
    if (isSteppedClock(clock) && clock.getTimeMillis() < last) {
      const settable = clock as Partial<{ setTime(t: number): Promise<void> }>;
      if (typeof settable.setTime === "function") void settable.setTime(last);
    }
    const now = clock.getTimeMillis();
    const restartTime = Math.max(zero + (Math.floor((now - zero) / period) + 1) * period, last + period);
    this.graph.startTime = new Time(restartTime);
    const missed: number[] = [];
    for (let t = last + period; t < restartTime; t += period) missed.push(t);
    const times = [...new Set([...from.pendingTimes.map((t) => t.milliseconds), ...missed])].filter((t) => t < restartTime).sort((a, b) => a - b);
    logger().info(
      `Restarting the job generator at ${restartTime} ms: ${from.pendingTimes.length} batch(es) pending and ${missed.length} missed while down; rescheduling ${times.join(", ") || "none"}`,
    );
    this.running = true;
    this.nextTime = restartTime;
    // All of them are owed before the first is generated: generating it writes a checkpoint.
    for (const t of times) this.owed.add(t);
    for (const t of times) this.generateJobs(new Time(t));
    if (isSteppedClock(clock)) this.unsubscribe = clock.onTimeChanged((t) => this.catchUp(t));
    else this.timer.start(restartTime);
  }

  /** Batch times begun but not yet submitted to the scheduler (see `owed`). */
  get ungeneratedTimes(): number[] {
    return [...this.owed];
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.timer.stop();
  }

  private async catchUp(now: number): Promise<void> {
    while (this.running && this.nextTime <= now) {
      const t = this.nextTime;
      this.nextTime += this.period;
      this.generateJobs(new Time(t));
    }
    while (this.preparing) await this.preparing;
    return this.scheduler.whenIdle();
  }

  /**
   * Input streams may need I/O to fix what a batch reads (a Kafka stream asks the brokers for
   * offsets, and waits while they are down): generation then waits for their `prepareBatch`,
   * and later batches queue behind it, so batches are still generated one at a time, in order.
   */
  private generateJobs(time: Time): void {
    this.owed.add(time.milliseconds);
    const run = (): void | Promise<void> => {
      const ready = this.prepareInputs(time);
      if (ready instanceof Promise) return ready.then((ok) => (ok ? this.generatePreparedJobs(time) : undefined));
      if (ready) this.generatePreparedJobs(time);
    };
    const waiting = this.preparing;
    const next = waiting ? waiting.then(run) : run();
    if (next instanceof Promise) {
      const tracked: Promise<void> = next.finally(() => {
        if (this.preparing === tracked) this.preparing = undefined;
      });
      this.preparing = tracked;
    }
  }

  private prepareInputs(time: Time): boolean | Promise<boolean> {
    if (!this.running) return false;
    const pending: Array<Promise<void>> = [];
    const failed = (e: unknown): false => {
      if (this.running) {
        this.owed.delete(time.milliseconds);
        this.reportError(`Error generating jobs for time ${time}`, e);
      }
      return false;
    };
    try {
      for (const input of this.graph.inputStreams) {
        const r = input.prepareBatch(time);
        if (r instanceof Promise) pending.push(r);
      }
    } catch (e) {
      for (const p of pending) p.catch(() => undefined);
      return failed(e);
    }
    if (pending.length === 0) return true;
    return Promise.all(pending).then(() => true, failed);
  }

  private generatePreparedJobs(time: Time): void {
    if (!this.running) return;
    let jobSet: JobSet;
    try {
      const jobs = this.graph.generateJobs(time);
      jobSet = new JobSet(time, jobs, this.inputInfo.getInfo(time.milliseconds));
    } catch (e) {
      // As in Spark, a batch that cannot be generated is reported and skipped, not retried.
      this.owed.delete(time.milliseconds);
      this.reportError(`Error generating jobs for time ${time}`, e);
      return;
    }
    this.scheduler.submitJobSet(jobSet);
    this.owed.delete(time.milliseconds);
    this.checkpointer?.batchGenerated(time);
  }

  /** After a batch's jobs all succeed: forget what later batches cannot need. */
  onBatchCompletion(time: Time): void {
    const forgotten = this.graph.clearMetadata(time);
    cleanForgottenShuffles(this.sc, forgotten, this.graph.rememberedRDDs());
    const keep = this.graph.maxInputStreamRememberDuration();
    if (keep) this.inputInfo.cleanup(time.milliseconds - keep.milliseconds);
    this.lastProcessedBatch = time;
    this.checkpointer?.batchCompleted(time);
  }
}
