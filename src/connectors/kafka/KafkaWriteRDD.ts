import type { RDD } from "../../core/rdd/RDD.js";
import { PartitionWriteRDD } from "../../core/rdd/PartitionWriteRDD.js";
import type { TaskContext } from "../../core/scheduler/TaskContext.js";
import type { PlanArgs, PlanBuilder } from "../../core/executor/plan.js";
import { preloadOnExecutors } from "../../core/executor/executorPreload.js";
import type { ProducerRecord } from "./client/KafkaProducerClient.js";
import { KafkaProducerCache } from "./KafkaProducerCache.js";
import type { ProducerSettings } from "./ProducerParams.js";
import { defaultSinkRecord, toProducerRecord, type SinkRecord } from "./SinkRecord.js";

// The sink's stage imports this module and the producer behind it on each executor; importing
// them when the executor starts keeps that out of the first batch's write.
preloadOnExecutors(import.meta.url);

/** What one task of a sink wrote. */
export interface KafkaWriteStats {
  readonly partition: number;
  readonly executorId: string;
  readonly records: number;
  /** Whether this task had to create its executor's producer (false: a cached one was reused). */
  readonly newProducer: boolean;
}

/** Records per produce request: large enough to batch well, small enough to bound a request. */
const CHUNK = 1_000;

/**
 * The `foreachPartition` producer pattern (see `PartitionWriteRDD`): each task serializes its
 * partition of the parent, sends it with its executor's cached producer and yields one
 * `KafkaWriteStats`. Sends are acknowledged before the task succeeds, so the output is
 * at-least-once.
 */
export class KafkaWriteRDD<T> extends PartitionWriteRDD<T, KafkaWriteStats> {
  static override planModule = import.meta.url;

  private readonly topic: string;
  private readonly settings: ProducerSettings;
  private readonly serializer: ((x: T) => SinkRecord) | undefined;

  constructor(parent: RDD<T>, topic: string, settings: ProducerSettings, serializer?: (x: T) => SinkRecord) {
    super(parent);
    this.topic = topic;
    this.settings = settings;
    this.serializer = serializer;
  }

  protected async writePartition(split: number, ctx: TaskContext, forEach: (each: (x: T) => void) => void): Promise<KafkaWriteStats> {
    const records: ProducerRecord[] = [];
    const serialize = this.serializer ?? (defaultSinkRecord as (x: T) => SinkRecord);
    forEach((x) => records.push(toProducerRecord(this.topic, serialize(x))));
    const { producer, created } = KafkaProducerCache.lookup(this.settings);
    for (let i = 0; i < records.length; i += CHUNK) await producer.send(records.slice(i, i + CHUNK));
    return { partition: split, executorId: ctx.executorId, records: records.length, newProducer: created };
  }

  override planArgs(b: PlanBuilder): PlanArgs {
    return this.planArgsWith({
      topic: this.topic,
      settings: this.settings,
      serializer: this.serializer ? b.fn(this.serializer, "Kafka sink serializer") : undefined,
    });
  }
}
