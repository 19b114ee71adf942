import type { LocalExecutor, LocalTask } from "../executor/LocalExecutor.js";
import type { WorkerExecutor } from "../executor/WorkerExecutor.js";
import type { StagePlan } from "../executor/messages.js";
import { noMetrics, type TaskResult } from "../executor/TaskResult.js";
import { transferable } from "../shuffle/BlockRef.js";
import { describeError } from "../errors.js";

export interface TaskSubmission {
  local: LocalTask;
  /** The stage as data for a worker; absent when some function of the stage cannot travel. */
  plan: StagePlan | undefined;
  /** The executor holding a cached block or state this task reads. */
  preferred: string | undefined;
  /** Called when the task is handed to an executor (it may first wait for a free one). */
  launched?: (executorId: string) => void;
}

export interface TaskOutcome {
  result: TaskResult;
  executorId: string;
}

interface Queued {
  sub: TaskSubmission;
  since: number;
  resolve: (o: TaskOutcome) => void;
}

/**
 * Hands tasks to executor slots: one task per worker thread at a time. A task that prefers an
 * executor (its cached partition or state is there) waits for it up to the locality wait, as
 * Spark's `spark.locality.wait`, then runs anywhere and recomputes from lineage.
 */
export class TaskScheduler {
  private readonly queue: Queued[] = [];
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly driver: LocalExecutor,
    private readonly workers: WorkerExecutor[],
    private readonly localityWaitMs: number,
  ) {}

  get hasWorkers(): boolean {
    return this.workers.length > 0;
  }

  submit(sub: TaskSubmission): Promise<TaskOutcome> {
    if (this.stopped && sub.plan && this.workers.length > 0) return Promise.resolve(shutDown());
    // A task whose cached input the driver's own executor holds runs there, next to its data.
    if (!sub.plan || this.workers.length === 0 || sub.preferred === this.driver.id) {
      return this.driver.run(sub.local, () => sub.launched?.(this.driver.id)).then((result) => ({ result, executorId: this.driver.id }));
    }
    return new Promise((resolve) => {
      this.queue.push({ sub, since: performance.now(), resolve });
      this.pump();
    });
  }

  private pump(): void {
    const now = performance.now();
    let nextExpiry = Infinity;
    for (const w of this.workers) {
      if (!w.alive || this.busy.has(w.id) || this.queue.length === 0) continue;
      let pick = this.queue.findIndex((q) => q.sub.preferred === w.id);
      if (pick < 0) {
        pick = this.queue.findIndex((q) => {
          const pref = q.sub.preferred;
          if (pref === undefined || pref === w.id) return true;
          if (!this.workers.some((x) => x.id === pref && x.alive)) return true;
          const expires = q.since + this.localityWaitMs;
          if (expires <= now) return true;
          nextExpiry = Math.min(nextExpiry, expires);
          return false;
        });
      }
      if (pick >= 0) this.dispatch(w, this.queue.splice(pick, 1)[0]!);
    }
    if (this.queue.length > 0 && nextExpiry < Infinity && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, Math.max(1, nextExpiry - now));
    }
  }

  private dispatch(w: WorkerExecutor, q: Queued): void {
    this.busy.add(w.id);
    q.sub.launched?.(w.id);
    const t = q.sub.local;
    const done = (result: TaskResult): void => {
      this.busy.delete(w.id);
      q.resolve({ result, executorId: w.id });
      this.pump();
    };
    w.run({
      type: "task",
      taskId: t.taskId,
      stageId: t.stageId,
      stageAttempt: t.stageAttempt,
      partition: t.partition,
      attempt: t.attempt,
      plan: q.sub.plan!,
      shuffleInputs: [...t.shuffleInputs.entries()].map(([k, refs]) => [k, refs.map(transferable)]),
    }).then(done, (e: unknown) => done({ ok: false, error: describeError(e), metrics: noMetrics() }));
  }

  /** Called when a worker is replaced, so queued tasks can use the new one. */
  executorsChanged(): void {
    this.pump();
  }

  /** Fails the queued tasks: no worker will run them once the context stops. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const q of this.queue.splice(0)) q.resolve(shutDown());
  }
}

function shutDown(): TaskOutcome {
  return {
    result: { ok: false, error: { name: "SparkException", message: "SparkContext was shut down" }, metrics: noMetrics() },
    executorId: "driver",
  };
}
