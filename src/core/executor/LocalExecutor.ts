import { BlockManager } from "../storage/BlockManager.js";
import { TaskContext } from "../scheduler/TaskContext.js";
import { describeError } from "../errors.js";
import { runTask, type TaskWork } from "./runTask.js";
import type { TaskMetrics, TaskResult } from "./TaskResult.js";
import type { BlockRef } from "../shuffle/BlockRef.js";
import type { RDD } from "../rdd/RDD.js";
import { NarrowDependency } from "../rdd/Dependency.js";
import { StorageLevel } from "../storage/StorageLevel.js";

export interface LocalTask {
  taskId: number;
  stageId: number;
  stageAttempt: number;
  partition: number;
  attempt: number;
  work: TaskWork;
  shuffleInputs: Map<string, BlockRef[]>;
}

/**
 * The executor inside the driver's own thread: all of `local[1]`, and in `local[N]` the tasks
 * whose functions cannot travel to a worker. It uses the live RDD objects. Shuffle output is
 * packed as in a worker: a reader gets fresh records each time it reads a block (a later job
 * reusing the shuffle, a retried task), so combiners it mutates never alter the stored output,
 * and the blocks count against `dstream.shuffle.memoryLimit`, spilling to disk past it.
 */
export class LocalExecutor {
  readonly id = "driver";
  readonly blockManager: BlockManager;
  private chain: Promise<unknown> = Promise.resolve();
  /**
   * Reads a partition that a worker cached (set in local[N]). A stage that must run here
   * (its functions cannot travel) reads worker-cached partitions instead of recomputing them.
   */
  fetchRemoteBlock: ((rddId: number, split: number) => Promise<unknown[] | undefined>) | undefined;

  constructor(localDir: string, storageMemory: number) {
    this.blockManager = new BlockManager(this.id, localDir, storageMemory);
  }

  /** Tasks run one after another: this executor is one core, like each worker. */
  run(task: LocalTask, started?: () => void): Promise<TaskResult> {
    const next = this.chain.then(() => {
      started?.();
      return this.execute(task);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async execute(task: LocalTask): Promise<TaskResult> {
    const ctx = new TaskContext(
      task.stageId,
      task.stageAttempt,
      task.partition,
      task.attempt,
      task.taskId,
      this.id,
      this.blockManager,
      task.shuffleInputs,
    );
    const t0 = performance.now();
    try {
      await this.borrowRemoteBlocks(task.work.rdd, task.partition, ctx);
      const value = await runTask(task.work, task.partition, ctx, true);
      return {
        ok: true,
        value,
        accumUpdates: ctx.collectAccumulatorUpdates(),
        blocksAdded: this.blockManager.drainAdded(),
        metrics: localMetrics(t0, ctx),
      };
    } catch (e) {
      return { ok: false, error: describeError(e), metrics: localMetrics(t0, ctx) };
    }
  }

  /** Borrows, for this task, the cached partitions of its narrow lineage that other executors hold. */
  private async borrowRemoteBlocks(rdd: RDD<unknown>, split: number, ctx: TaskContext): Promise<void> {
    const fetch = this.fetchRemoteBlock;
    if (!fetch) return;
    const visit = async (r: RDD<unknown>, p: number): Promise<void> => {
      if (r.storageLevel !== StorageLevel.NONE) {
        if (this.blockManager.has(r.id, p)) return;
        const data = await fetch(r.id, p);
        if (data) {
          this.blockManager.borrow(r.id, p, data);
          ctx.addTaskCompletionListener(() => this.blockManager.release(r.id, p));
          return;
        }
      }
      for (const dep of r.dependencies()) {
        if (dep instanceof NarrowDependency) for (const pp of dep.getParents(p)) await visit(dep.rdd, pp);
      }
    };
    await visit(rdd, split);
  }
}

/** The driver's executor uses the live RDDs and results: nothing to deserialize or pack. */
function localMetrics(t0: number, ctx: TaskContext): TaskMetrics {
  return { executorDeserializeTime: 0, executorRunTime: performance.now() - t0, resultSerializationTime: 0, recordsRead: ctx.recordsRead };
}
