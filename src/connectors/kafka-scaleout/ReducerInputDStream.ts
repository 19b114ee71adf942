import type { RDD } from "../../core/rdd/RDD.js";
import { InputDStream, type StreamingContext, type Time } from "../../index.js";
import { RepartitionReader, type Reducer, type ReducerBatch, type ReducerCommit, type ReducerRuntime } from "./RepartitionReader.js";

/**
 * A reduce side as an input stream: each batch, `emit` turns what the repartition reader read
 * into the batch's elements and what to commit with them; the coordinator commits or resets it
 * with the copy's transaction of the batch.
 */
export abstract class ReducerInputDStream<K, V, T> extends InputDStream<T> implements Reducer {
  protected readonly reader: RepartitionReader<K, V>;
  private readonly emitted = new Map<number, { elements: T[]; commit: ReducerCommit }>();

  constructor(ssc: StreamingContext, operator: string, repartitionTopic: string, taskCount: () => number, runtime: ReducerRuntime, params: Readonly<Record<string, unknown>>) {
    super(ssc);
    this.reader = new RepartitionReader<K, V>(operator, repartitionTopic, taskCount, ssc.batchDuration.milliseconds, runtime, params);
  }

  start(): void {}

  async stop(): Promise<void> {
    await this.reader.close();
  }

  reset(): void {
    this.reader.reset();
  }

  commitFor(time: Time): ReducerCommit | undefined {
    return this.emitted.get(time.milliseconds)?.commit;
  }

  /** The batch's elements and commit, from what the reader read for it. */
  protected abstract emit(validTime: Time, batch: ReducerBatch<K, V>): Promise<{ elements: T[]; commit: ReducerCommit }>;

  override async prepareBatch(validTime: Time): Promise<void> {
    const t = validTime.milliseconds;
    if (this.emitted.has(t)) return;
    this.emitted.set(t, await this.emit(validTime, await this.reader.read(validTime)));
  }

  compute(validTime: Time): RDD<T> | undefined {
    const e = this.emitted.get(validTime.milliseconds);
    if (e === undefined) return undefined;
    return this.context.sparkContext.parallelize(e.elements, Math.max(1, this.reader.partitionCount));
  }

  override clearMetadata(time: Time, dropped: Array<RDD<unknown>> = []): void {
    super.clearMetadata(time, dropped);
    const limit = time.milliseconds - (this.rememberDuration?.milliseconds ?? 0);
    for (const t of [...this.emitted.keys()]) if (t <= limit) this.emitted.delete(t);
  }
}
