import type { StreamingContext, Time } from "../../index.js";
import type { ReducerBatch, ReducerCommit, ReducerRuntime } from "./RepartitionReader.js";
import { ReducerInputDStream } from "./ReducerInputDStream.js";

/**
 * The reduce side of a repartition: on each copy, every record of the keys that hash to the
 * partitions it runs, whichever copy read them. Batch t holds the records of batch t − 1, once
 * every upstream task has marked that batch's end (see RepartitionReader).
 */
export class RepartitionInputDStream<K, V> extends ReducerInputDStream<K, V, [K, V]> {
  constructor(
    ssc: StreamingContext,
    readonly operator: string,
    readonly topic: string,
    taskCount: () => number,
    runtime: ReducerRuntime,
    params: Readonly<Record<string, unknown>>,
  ) {
    super(ssc, operator, topic, taskCount, runtime, params);
  }

  override get name(): string {
    return `repartition stream [${this.id}] (${this.topic})`;
  }

  protected async emit(validTime: Time, batch: ReducerBatch<K, V>): Promise<{ elements: Array<[K, V]>; commit: ReducerCommit }> {
    const pairs: Array<[K, V]> = [];
    for (const part of batch.byPartition.values()) for (const p of part) pairs.push(p);
    this.reportInputInfo(validTime, pairs.length, { repartition: this.topic, tasks: batch.state.tasks });
    return { elements: pairs, commit: batch.commit };
  }
}
