import { RDD } from "../../core/rdd/RDD.js";
import type { SparkContext } from "../../core/SparkContext.js";
import type { TaskContext } from "../../core/scheduler/TaskContext.js";
import type { PlanArgs, PlanBuilder } from "../../core/executor/plan.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { IllegalArgumentException } from "../../core/errors.js";
import type { ConsumerRecord, KafkaHeader } from "./ConsumerRecord.js";
import { describeDeserializer, isStringDeserializer, resolveDeserializer, type Deserializer } from "./deserializers.js";
import { ConfigException, RecordDeserializationException } from "./errors.js";
import { KafkaDataConsumer } from "./KafkaDataConsumer.js";
import { executorConsumerSettings, type ExecutorConsumerSettings, type KafkaParams } from "./KafkaParams.js";
import { OffsetRange, type HasOffsetRanges } from "./OffsetRange.js";
import { RecordBlock, type FetchedRecords } from "./client/RecordBlock.js";
import { preloadOnExecutors } from "../../core/executor/executorPreload.js";

// Executors load the read path when they start rather than in the first batch's tasks. It no
// longer holds the Kafka client library (whose import compiles validators, seconds per thread):
// executors read with dstream's own Fetch (client/wire), so this load is short.
preloadOnExecutors(import.meta.url);

/** [topic, partition, fromOffset, untilOffset]: an offset range as it travels in a plan. */
type RangeTuple = [string, number, number, number];

/** How an executor reads: Spark's `spark.streaming.kafka.consumer.*` settings, fixed on the driver. */
export interface KafkaReadOptions {
  /** Fail a read after this long without progress (`spark.streaming.kafka.consumer.poll.ms`); Infinity waits. */
  readonly pollTimeoutMs: number;
  readonly useCache: boolean;
  readonly maxCapacity: number;
}

/** The settings a `SparkContext`'s configuration gives, with Spark's defaults. */
export function readOptionsFromConf(sc: SparkContext): KafkaReadOptions {
  const c = sc.conf;
  const network = c.getTimeAsMs("spark.network.timeout", "120s");
  const poll = c.getOption("spark.streaming.kafka.consumer.poll.ms");
  return {
    pollTimeoutMs: poll === undefined ? network : Number(poll) < 0 ? Infinity : c.getTimeAsMs("spark.streaming.kafka.consumer.poll.ms", "0"),
    useCache: c.getBoolean("spark.streaming.kafka.consumer.cache.enabled", true),
    maxCapacity: c.getInt("spark.streaming.kafka.consumer.cache.maxCapacity", 64),
  };
}

const errBeginAfterEnd = (r: OffsetRange): string =>
  `Beginning offset ${r.fromOffset} is after the ending offset ${r.untilOffset} for topic ${r.topic} partition ${r.partition}. ` +
  `You either provided an invalid fromOffset, or the Kafka topic has been damaged`;

/**
 * Spark's `KafkaRDD`: one partition per offset range. The executor that computes a partition
 * fetches its range itself, in `prepare` (asynchronous, before the task's synchronous pipeline),
 * through that executor's cached consumer; records never pass through the driver. Keys and values
 * are deserialized as the pipeline pulls them, so a deserializer's error names its record.
 */
export class KafkaRDD<K, V> extends RDD<ConsumerRecord<K, V>> implements HasOffsetRanges {
  static override planModule = import.meta.url;

  private readonly ranges: RangeTuple[];
  private readonly settings: ExecutorConsumerSettings;
  private readonly keyDeserializer: unknown;
  private readonly valueDeserializer: unknown;
  private readonly readOptions: KafkaReadOptions;
  /** Ranges fetched by `prepare` for the task running in this executor, by partition. */
  private fetched: Map<number, FetchedRecords> | undefined;
  private ranges_: OffsetRange[] | undefined;

  constructor(sc: SparkContext, kafkaParams: KafkaParams<K, V>, offsetRanges: readonly OffsetRange[], readOptions: KafkaReadOptions = readOptionsFromConf(sc)) {
    super(sc, []);
    if (!Array.isArray(offsetRanges) || offsetRanges.some((r) => !(r instanceof OffsetRange))) {
      throw new IllegalArgumentException("KafkaRDD: offsetRanges must be an array of OffsetRange (use OffsetRange.create)");
    }
    for (const r of offsetRanges) if (r.fromOffset > r.untilOffset) throw new IllegalArgumentException(`requirement failed: ${errBeginAfterEnd(r)}`);
    try {
      this.settings = executorConsumerSettings(kafkaParams);
    } catch (e) {
      if (!(e instanceof ConfigException)) throw e;
      const shown = offsetRanges.slice(0, 3).map(String).join(", ") + (offsetRanges.length > 3 ? `, and ${offsetRanges.length - 3} more` : "");
      throw new ConfigException(`${e.message} (defining a KafkaRDD over ${shown || "no offset ranges"})`, { cause: e });
    }
    this.keyDeserializer = kafkaParams["key.deserializer"];
    this.valueDeserializer = kafkaParams["value.deserializer"];
    this.ranges = offsetRanges.map((r) => [r.topic, r.partition, r.fromOffset, r.untilOffset]);
    this.readOptions = readOptions;
  }

  /** Spark's `HasOffsetRanges.offsetRanges`: partition i of this RDD reads `offsetRanges[i]`. */
  get offsetRanges(): readonly OffsetRange[] {
    this.ranges_ ??= this.ranges.map(([t, p, f, u]) => OffsetRange.create(t, p, f, u));
    return this.ranges_;
  }

  getNumPartitions(): number {
    return this.ranges.length;
  }

  override async prepare(split: number, ctx: TaskContext): Promise<void> {
    const cached = this.storageLevel !== StorageLevel.NONE && ctx.blockManager.has(this.id, split);
    if (cached || this.checkpointData?.checkpointRDD) return super.prepare(split, ctx);
    this.fetched ??= new Map();
    if (this.fetched.has(split)) return;
    const [topic, partition, from, until] = this.ranges[split]!;
    const records: FetchedRecords =
      from === until
        ? []
        : await KafkaDataConsumer.read(this.settings, { topic, partition }, from, until, { ...this.readOptions, executorId: ctx.executorId });
    this.fetched.set(split, records);
    // The fetched records belong to this task only: a retry, or the next job, fetches again.
    ctx.addTaskCompletionListener(() => this.fetched?.delete(split));
  }

  compute(split: number, ctx: TaskContext): Iterable<ConsumerRecord<K, V>> {
    const out: Array<ConsumerRecord<K, V>> = [];
    this.computePush(split, ctx, (r) => out.push(r));
    return out;
  }

  override computePush(split: number, _ctx: TaskContext, sink: (x: ConsumerRecord<K, V>) => void): void {
    const raw = this.fetched?.get(split);
    const [topic, partition, from, until] = this.ranges[split]!;
    if (!raw) {
      if (from === until) return;
      throw new Error(`KafkaRDD[${this.id}]: partition ${split} (${topic}-${partition} [${from}, ${until})) was computed without being fetched first`);
    }
    const kd = resolveDeserializer(this.keyDeserializer) as Deserializer<K>;
    const vd = resolveDeserializer(this.valueDeserializer) as Deserializer<V>;
    if (raw instanceof RecordBlock) {
      this.pushBlock(raw, topic, partition, kd, vd, sink);
      return;
    }
    for (const r of raw) {
      sink({
        topic,
        partition,
        offset: r.offset,
        timestamp: r.timestamp,
        timestampType: r.timestampType,
        key: this.deserialize(kd, "key", this.keyDeserializer, r.key, topic, partition, r.offset, r.headers),
        value: this.deserialize(vd, "value", this.valueDeserializer, r.value, topic, partition, r.offset, r.headers),
        headers: r.headers,
      });
    }
  }

  /** The packed path: strings are read straight from the fetched bytes, other values get a view of them. */
  private pushBlock(b: RecordBlock, topic: string, partition: number, kd: Deserializer<K>, vd: Deserializer<V>, sink: (x: ConsumerRecord<K, V>) => void): void {
    const keyString = isStringDeserializer(this.keyDeserializer);
    const valueString = isStringDeserializer(this.valueDeserializer);
    for (let i = 0; i < b.count; i++) {
      const offset = b.offsets[i]!;
      const headers = b.headersOf(i);
      sink({
        topic,
        partition,
        offset,
        timestamp: b.timestamps[i]!,
        timestampType: b.logAppendTime[i] ? "LogAppendTime" : "CreateTime",
        key: keyString ? (b.keyString(i) as K) : this.deserialize(kd, "key", this.keyDeserializer, b.key(i), topic, partition, offset, headers),
        value: valueString ? (b.valueString(i) as V) : this.deserialize(vd, "value", this.valueDeserializer, b.value(i), topic, partition, offset, headers),
        headers,
      });
    }
  }

  private deserialize<T>(
    d: Deserializer<T>,
    which: "key" | "value",
    spec: unknown,
    data: Buffer | null,
    topic: string,
    partition: number,
    offset: number,
    headers: readonly KafkaHeader[],
  ): T {
    try {
      return d(data, topic, headers);
    } catch (e) {
      throw new RecordDeserializationException(
        `Error deserializing ${which} for partition ${topic}-${partition} at offset ${offset} (topic '${topic}', partition ${partition}, offset ${offset}) ` +
          `with ${which}.deserializer ${describeDeserializer(spec)}: ${e instanceof Error ? e.message : String(e)}. ` +
          `If needed, please seek past the record to continue consumption.`,
        topic,
        partition,
        offset,
        { cause: e },
      );
    }
  }

  override planArgs(b: PlanBuilder): PlanArgs {
    const ship = (spec: unknown, what: string): unknown => (typeof spec === "function" ? b.fn(spec, what) : spec);
    return this.planArgsWith({
      ranges: this.ranges,
      settings: this.settings,
      keyDeserializer: ship(this.keyDeserializer, "key.deserializer"),
      valueDeserializer: ship(this.valueDeserializer, "value.deserializer"),
      readOptions: this.readOptions,
    });
  }
}
