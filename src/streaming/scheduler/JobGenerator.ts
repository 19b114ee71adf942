import { Time } from "../Time.js";
import { isSteppedClock, type Clock } from "../util/Clock.js";
import { RecurringTimer } from "../util/RecurringTimer.js";
import type { DStreamGraph } from "../DStreamGraph.js";
import { JobSet } from "./JobSet.js";
import type { JobScheduler } from "./JobScheduler.js";
import type { InputInfoTracker } from "./InputInfoTracker.js";
import { cleanForgottenShuffles } from "./ShuffleCleaner.js";
import type { SparkContext } from "../../core/SparkContext.js";

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
  /** The last batch whose jobs completed and whose metadata was cleared. */
  lastProcessedBatch: Time | undefined = undefined;

  constructor(
    private readonly clock: Clock,
    private readonly graph: DStreamGraph,
    private readonly scheduler: JobScheduler,
    private readonly inputInfo: InputInfoTracker,
    private readonly reportError: (message: string, error: unknown) => void,
    private readonly sc: SparkContext,
  ) {
    this.period = graph.batchDuration!.milliseconds;
    this.timer = new RecurringTimer(clock, this.period, (t) => this.generateJobs(new Time(t)));
  }

  start(): void {
    const startTime = this.timer.getStartTime();
    this.graph.start(new Time(startTime - this.period));
    this.running = true;
    this.nextTime = startTime;
    const clock = this.clock;
    if (isSteppedClock(clock)) {
      this.unsubscribe = clock.onTimeChanged((now) => this.catchUp(now));
    } else {
      this.timer.start(startTime);
    }
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.timer.stop();
  }

  private catchUp(now: number): Promise<void> {
    while (this.running && this.nextTime <= now) {
      const t = this.nextTime;
      this.nextTime += this.period;
      this.generateJobs(new Time(t));
    }
    return this.scheduler.whenIdle();
  }

  private generateJobs(time: Time): void {
    if (!this.running) return;
    let jobSet: JobSet;
    try {
      const jobs = this.graph.generateJobs(time);
      jobSet = new JobSet(time, jobs, this.inputInfo.getInfo(time.milliseconds));
    } catch (e) {
      this.reportError(`Error generating jobs for time ${time}`, e);
      return;
    }
    this.scheduler.submitJobSet(jobSet);
  }

  /** After a batch's jobs all succeed: forget what later batches cannot need. */
  onBatchCompletion(time: Time): void {
    const forgotten = this.graph.clearMetadata(time);
    cleanForgottenShuffles(this.sc, forgotten, this.graph.rememberedRDDs());
    const keep = this.graph.maxInputStreamRememberDuration();
    if (keep) this.inputInfo.cleanup(time.milliseconds - keep.milliseconds);
    this.lastProcessedBatch = time;
  }
}
