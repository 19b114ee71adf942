import type { BlockRef } from "../shuffle/BlockRef.js";
import type { BlockManager } from "../storage/BlockManager.js";

/** Accumulator updates made by one task, merged on the driver only when the task succeeds. */
export interface AccumulatorUpdate {
  id: number;
  value: unknown;
}

export interface TaskAccumulator {
  readonly id: number;
  drainUpdate(): unknown;
}

export function shuffleInputKey(shuffleId: number, reduceId: number): string {
  return `${shuffleId}:${reduceId}`;
}

/** What a running task can see of where it runs. The same shape in the driver thread and in a worker. */
export class TaskContext {
  readonly accumulators = new Map<number, TaskAccumulator>();
  private readonly completionCallbacks: Array<() => void> = [];
  recordsRead = 0;

  constructor(
    readonly stageId: number,
    readonly stageAttemptNumber: number,
    readonly partitionId: number,
    readonly attemptNumber: number,
    readonly taskAttemptId: number,
    readonly executorId: string,
    readonly blockManager: BlockManager,
    private readonly shuffleInputs: ReadonlyMap<string, BlockRef[]>,
  ) {}

  /** The map outputs this task reads for one shuffle (its own reduce partition only). */
  shuffleBlocks(shuffleId: number, reduceId: number): BlockRef[] {
    const blocks = this.shuffleInputs.get(shuffleInputKey(shuffleId, reduceId));
    if (!blocks) {
      throw new Error(`TaskContext: no map output for shuffle ${shuffleId} partition ${reduceId} was given to this task`);
    }
    return blocks;
  }

  addTaskCompletionListener(cb: () => void): void {
    this.completionCallbacks.push(cb);
  }

  markTaskCompleted(): void {
    for (const cb of this.completionCallbacks.splice(0)) cb();
  }

  collectAccumulatorUpdates(): AccumulatorUpdate[] {
    return [...this.accumulators.values()].map((a) => ({ id: a.id, value: a.drainUpdate() }));
  }

  /** Functions that call `TaskContext.get()` still run in executors: the class travels by name. */
  static [Symbol.for("dstream.ship")](): { handle: string; data: null } {
    return { handle: "taskContext", data: null };
  }

  private static current: TaskContext | undefined;
  /** Spark's `TaskContext.get()`: the context of the task running on this thread, if any. */
  static get(): TaskContext | undefined {
    return TaskContext.current;
  }
  static setCurrent(ctx: TaskContext | undefined): void {
    TaskContext.current = ctx;
  }
}
