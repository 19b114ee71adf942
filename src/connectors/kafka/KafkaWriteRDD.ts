import { RDD } from "../../core/rdd/RDD.js";
import { OneToOneDependency } from "../../core/rdd/Dependency.js";
import { TaskContext } from "../../core/scheduler/TaskContext.js";
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
 * The `foreachPartition` producer pattern as an RDD, so that it runs in the executors whatever
 * the serializer captures: each task serializes its partition of the parent and sends it with
 * its executor's cached producer, in `prepare` (the asynchronous step before the task's
 * synchronous pipeline), and yields one `KafkaWriteStats`. Sends are acknowledged before the
 * task succeeds, so the output is at-least-once.
 */
export class KafkaWriteRDD<T> extends RDD<KafkaWriteStats> {
  static override planModule = import.meta.url;

  private readonly topic: string;
  private readonly settings: ProducerSettings;
  private readonly serializer: ((x: T) => SinkRecord) | undefined;
  private written: Map<number, KafkaWriteStats> | undefined;

  constructor(parent: RDD<T>, topic: string, settings: ProducerSettings, serializer?: (x: T) => SinkRecord) {
    super(parent.sc, [new OneToOneDependency(parent as RDD<unknown>)]);
    this.topic = topic;
    this.settings = settings;
    this.serializer = serializer;
  }

  private parent(): RDD<T> {
    return this.dependencies()[0]!.rdd as RDD<T>;
  }

  getNumPartitions(): number {
    return this.parent().getNumPartitions();
  }

  override async prepare(split: number, ctx: TaskContext): Promise<void> {
    await super.prepare(split, ctx);
    this.written ??= new Map();
    if (this.written.has(split)) return;
    const records: ProducerRecord[] = [];
    const serialize = this.serializer ?? (defaultSinkRecord as (x: T) => SinkRecord);
    // The parent's pipeline runs here rather than in compute, so its functions see their task.
    const previous = TaskContext.get();
    TaskContext.setCurrent(ctx);
    try {
      this.parent().pushTo(split, ctx, (x) => records.push(toProducerRecord(this.topic, serialize(x))));
    } finally {
      TaskContext.setCurrent(previous);
    }
    const { producer, created } = KafkaProducerCache.lookup(this.settings);
    for (let i = 0; i < records.length; i += CHUNK) await producer.send(records.slice(i, i + CHUNK));
    this.written.set(split, { partition: split, executorId: ctx.executorId, records: records.length, newProducer: created });
    ctx.addTaskCompletionListener(() => this.written?.delete(split));
  }

  compute(split: number): Iterable<KafkaWriteStats> {
    const stats = this.written?.get(split);
    if (!stats) throw new Error(`KafkaWriteRDD[${this.id}]: partition ${split} was computed without being written first`);
    return [stats];
  }

  override planArgs(b: PlanBuilder): PlanArgs {
    return this.planArgsWith({
      topic: this.topic,
      settings: this.settings,
      serializer: this.serializer ? b.fn(this.serializer, "Kafka sink serializer") : undefined,
    });
  }
}
