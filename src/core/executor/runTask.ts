import type { RDD } from "../rdd/RDD.js";
import { TaskContext } from "../scheduler/TaskContext.js";
import { resultOps, type ResultOpCall } from "../scheduler/resultOps.js";
import { writeShuffle, type ShuffleWriteSpec } from "../shuffle/ShuffleWriter.js";

/** The work of one task, with its functions already live (on the driver, or revived in a worker). */
export type TaskWork =
  | { kind: "result"; rdd: RDD<unknown>; op: ResultOpCall }
  | { kind: "shuffleMap"; rdd: RDD<unknown>; shuffle: ShuffleWriteSpec };

/**
 * Runs one task the same way in every executor: fetch asynchronous inputs, then compute
 * synchronously with the task's context visible to user code through `TaskContext.get()`.
 */
export async function runTask(work: TaskWork, split: number, ctx: TaskContext, packedShuffle: boolean): Promise<unknown> {
  await work.rdd.prepare(split, ctx);
  TaskContext.setCurrent(ctx);
  try {
    if (work.kind === "shuffleMap") return writeShuffle(work.rdd, split, ctx, work.shuffle, packedShuffle);
    const op = resultOps[work.op.name];
    if (!op) throw new Error(`executor: unknown result operation '${work.op.name}'`);
    return await op(work.rdd, split, ctx, work.op.args);
  } finally {
    TaskContext.setCurrent(undefined);
    ctx.markTaskCompleted();
  }
}
