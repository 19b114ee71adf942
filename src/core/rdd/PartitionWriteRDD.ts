import { RDD } from "./RDD.js";
import { OneToOneDependency } from "./Dependency.js";
import { TaskContext } from "../scheduler/TaskContext.js";

/**
 * The `foreachPartition` write pattern as an RDD, for sinks that must write from the executors
 * whatever the serializer captures. Each task writes its partition of the parent in `prepare`
 * (the asynchronous step before the task's synchronous pipeline) and the RDD yields one record of
 * what the task wrote. A subclass says how to write a partition; it succeeds only once written.
 */
export abstract class PartitionWriteRDD<T, S> extends RDD<S> {
  private written: Map<number, S> | undefined;

  constructor(parent: RDD<T>) {
    super(parent.sc, [new OneToOneDependency(parent as RDD<unknown>)]);
  }

  protected parent(): RDD<T> {
    return this.dependencies()[0]!.rdd as RDD<T>;
  }

  getNumPartitions(): number {
    return this.parent().getNumPartitions();
  }

  /**
   * Writes partition `split` and says what was written. `forEach` runs the parent's pipeline for
   * the partition, handing each element to `each`, with the task as the current one, so that the
   * parent's functions see their task.
   */
  protected abstract writePartition(split: number, ctx: TaskContext, forEach: (each: (x: T) => void) => void): Promise<S>;

  override async prepare(split: number, ctx: TaskContext): Promise<void> {
    await super.prepare(split, ctx);
    this.written ??= new Map();
    if (this.written.has(split)) return;
    const forEach = (each: (x: T) => void): void => {
      const previous = TaskContext.get();
      TaskContext.setCurrent(ctx);
      try {
        this.parent().pushTo(split, ctx, each);
      } finally {
        TaskContext.setCurrent(previous);
      }
    };
    this.written.set(split, await this.writePartition(split, ctx, forEach));
    ctx.addTaskCompletionListener(() => this.written?.delete(split));
  }

  compute(split: number): Iterable<S> {
    const stats = this.written?.get(split);
    if (!stats) throw new Error(`${this.constructor.name}[${this.id}]: partition ${split} was computed without being written first`);
    return [stats];
  }
}
