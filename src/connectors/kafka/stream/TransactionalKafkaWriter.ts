import { IllegalArgumentException } from "../../../core/errors.js";
import { logger } from "../../../core/log.js";
import type { RDD } from "../../../core/rdd/RDD.js";
import type { DStream } from "../../../streaming/dstream/DStream.js";
import type { Time } from "../../../streaming/Time.js";
import { KafkaException, ProducerFencedException } from "../errors.js";
import { KafkaClients } from "../KafkaClients.js";
import type { ProducerParams } from "../ProducerParams.js";
import { producerSettings } from "../ProducerParams.js";
import { defaultSinkRecord, toProducerRecord, type SinkRecord } from "../SinkRecord.js";
import { tpKey } from "../TopicPartition.js";
import type { KafkaProducerClient, OffsetToCommit, ProducerRecord } from "../client/KafkaProducerClient.js";
import { describeBrokers } from "../client/KafkaClientConfig.js";
import { DirectKafkaInputDStream } from "./DirectKafkaInputDStream.js";
import { waitForBrokers } from "./waitForBrokers.js";

export interface TransactionalSinkOptions<T> {
  /** Producer settings by Kafka's names; at least `bootstrap.servers`. */
  readonly kafkaParams: ProducerParams;
  /**
   * The producer's `transactional.id` (or set it in `kafkaParams`). It must stay the same when
   * the application restarts — that is how the new producer fences the old one and aborts what
   * it left open — and differ between applications.
   */
  readonly transactionalId?: string;
  /** Turns an element into a record; without one, strings and bytes are values, `[key, value]` pairs set both, anything else is JSON. */
  readonly serializer?: (x: T) => SinkRecord;
}

/** What one batch's transaction committed. */
export interface TransactionalBatchResult {
  readonly time: Time;
  readonly records: number;
  /** By consumer group: the input offsets committed with the records (each the next offset to read). */
  readonly offsets: ReadonlyMap<string, readonly OffsetToCommit[]>;
}

/** Records per produce request inside a transaction. */
const CHUNK = 5_000;

/** Every Kafka direct stream `stream` is computed from. */
function kafkaSources(stream: DStream<unknown>, out = new Set<DirectKafkaInputDStream<unknown, unknown>>()): Set<DirectKafkaInputDStream<unknown, unknown>> {
  if (stream instanceof DirectKafkaInputDStream) out.add(stream as DirectKafkaInputDStream<unknown, unknown>);
  for (const d of stream.dependencies) kafkaSources(d, out);
  return out;
}

/**
 * Kafka to Kafka exactly once: each batch's output records and the input offsets they came
 * from are committed in one Kafka transaction, by one transactional producer on the driver.
 *
 * The executors compute the output and send it back as packed blocks (`collect`); the driver
 * then begins a transaction, sends the records, adds the batch's offset ranges to it for each
 * source stream's consumer group (`sendOffsetsToTransaction`) and commits. A `read_committed`
 * consumer sees a batch's output exactly when its offsets are committed, so after a crash the
 * restarted application — whose first producer fences the old one, aborting its open
 * transaction — resumes from the committed offsets and repeats exactly the uncommitted batches.
 *
 * Why the driver: a Kafka transaction belongs to one producer, so the records and the offsets of
 * a batch can only be atomic if one producer writes them all. Executors writing their own
 * partitions in their own transactions would only be atomic per input partition, which holds
 * only when no shuffle moves records between partitions. The cost is that every output record
 * passes through the driver's thread: fine for aggregated output (a word count's counts), a
 * bottleneck for a pipeline that outputs as many records as it reads.
 */
export class TransactionalKafkaWriter<T> {
  readonly transactionalId: string;
  private readonly params: ProducerParams;
  private readonly serialize: (x: T) => SinkRecord;
  private readonly sources: Array<DirectKafkaInputDStream<unknown, unknown>>;
  private readonly brokers: string;
  private readonly maxBlockMs: number;
  private readonly batchMs: number;
  private producer: KafkaProducerClient | undefined;
  private initializing: Promise<void> | undefined;
  private readonly abort = new AbortController();
  /** The latest batch whose offsets are in a committed transaction. */
  private lastCommitted: number | undefined;
  /** Set once a batch fails: later batches must not commit offsets past its input. */
  private failure: { time: Time; error: unknown } | undefined;
  committedBatches = 0;
  committedRecords = 0;

  constructor(
    stream: DStream<T>,
    readonly topic: string,
    options: TransactionalSinkOptions<T>,
  ) {
    const where = "KafkaSink.writeTransactional";
    if (typeof topic !== "string" || topic.length === 0) throw new IllegalArgumentException(`${where}: topic must be a non-empty string`);
    if (typeof options !== "object" || options === null) throw new IllegalArgumentException(`${where}: pass { kafkaParams, transactionalId }`);
    const id = options.transactionalId ?? options.kafkaParams?.["transactional.id"];
    if (typeof id !== "string" || id.length === 0) {
      throw new IllegalArgumentException(`${where}: a transactionalId is required; keep it the same across restarts of this application`);
    }
    if (options.serializer !== undefined && typeof options.serializer !== "function") {
      throw new IllegalArgumentException(`${where}: serializer must be a function (element) => value or { key, value, headers }`);
    }
    this.transactionalId = id;
    this.params = { ...options.kafkaParams, "transactional.id": id };
    // Validated here, where the sink is defined, so a bad setting fails before start().
    const settings = producerSettings(this.params);
    this.brokers = describeBrokers(settings.client.bootstrapServers);
    this.maxBlockMs = settings.producer.maxBlockMs;
    this.serialize = options.serializer ?? (defaultSinkRecord as (x: T) => SinkRecord);
    this.sources = [...kafkaSources(stream as DStream<unknown>)];
    if (this.sources.length === 0) {
      throw new IllegalArgumentException(`${where}: the stream is not computed from a Kafka direct stream, so there are no input offsets to commit with its output`);
    }
    for (const s of this.sources) {
      if (s.groupId === undefined) throw new IllegalArgumentException(`${where}: ${s.name} has no group.id; its offsets are committed to that consumer group in each transaction`);
    }
    if (stream.context.conf.getInt("spark.streaming.concurrentJobs", 1) > 1) {
      throw new IllegalArgumentException(`${where}: needs spark.streaming.concurrentJobs = 1, so that batches commit in order`);
    }
    this.batchMs = stream.context.batchDuration.milliseconds;
    for (const s of this.sources) {
      s.commitOffsetsWithOutput(
        () => this.init(),
        () => this.close(),
      );
    }
  }

  /** Creates the producer and fences any earlier one with this transactional.id (aborting its open transaction). Once. */
  private init(): Promise<void> {
    this.initializing ??= (async () => {
      const producer = KafkaClients.producer(this.params);
      // Kafka's initTransactions blocks for at most max.block.ms.
      const timeoutMs = this.maxBlockMs;
      await waitForBrokers(() => producer.initTransactions(), {
        what: `initialize transactions for transactional.id '${this.transactionalId}'`,
        who: `Kafka transactional sink to '${this.topic}'`,
        brokers: this.brokers,
        signal: this.abort.signal,
        deadline: { at: Date.now() + timeoutMs, timeoutMs, setting: "max.block.ms" },
      }).catch(async (e: unknown) => {
        this.initializing = undefined;
        await producer.close();
        throw e;
      });
      this.producer = producer;
    })();
    return this.initializing;
  }

  async close(): Promise<void> {
    this.abort.abort();
    const p = this.producer;
    this.producer = undefined;
    await p?.close();
  }

  /** The input offsets that batch `time` must commit, by consumer group: the ranges of every batch since the last commit. */
  private offsetsFor(time: Time): Map<string, OffsetToCommit[]> {
    const byGroup = new Map<string, Map<string, OffsetToCommit>>();
    const t = time.milliseconds;
    const from = this.lastCommitted === undefined ? t : this.lastCommitted + this.batchMs;
    for (const s of this.sources) {
      const group = byGroup.get(s.groupId!) ?? new Map<string, OffsetToCommit>();
      byGroup.set(s.groupId!, group);
      for (let bt = from; bt <= t; bt += this.batchMs) {
        for (const r of s.offsetRangesFor(bt) ?? []) {
          // An empty range moved nothing: its start was committed with an earlier batch, or is where the group began.
          if (r.untilOffset === r.fromOffset) continue;
          const prev = group.get(tpKey(r));
          if (prev === undefined || prev.offset < r.untilOffset) group.set(tpKey(r), { topic: r.topic, partition: r.partition, offset: r.untilOffset });
        }
      }
    }
    return new Map([...byGroup].map(([g, m]) => [g, [...m.values()]]));
  }

  /** The output operation: one transaction per batch with its records and its offsets. */
  async writeBatch(rdd: RDD<T>, time: Time): Promise<TransactionalBatchResult | undefined> {
    const who = `Kafka transactional sink '${this.transactionalId}' to '${this.topic}'`;
    if (this.failure) {
      throw new KafkaException(
        `${who}: batch ${time} cannot commit, because batch ${this.failure.time} failed and its input would be skipped. ` +
          `Restart the application: it resumes from the offsets of the last committed batch.`,
        { cause: this.failure.error },
      );
    }
    try {
      const offsets = this.offsetsFor(time);
      const elements = await rdd.collect();
      const records: ProducerRecord[] = elements.map((x) => toProducerRecord(this.topic, this.serialize(x)));
      logger().debug(`${who}: batch ${time}: collected ${records.length} records`);
      if (records.length === 0 && [...offsets.values()].every((o) => o.length === 0)) {
        this.lastCommitted = time.milliseconds;
        return undefined;
      }
      await this.init();
      const producer = this.producer!;
      await producer.beginTransaction();
      logger().debug(`${who}: batch ${time}: began transaction`);
      try {
        for (let i = 0; i < records.length; i += CHUNK) await producer.send(records.slice(i, i + CHUNK));
        logger().debug(`${who}: batch ${time}: sent ${records.length} records`);
        for (const [group, offs] of offsets) if (offs.length > 0) await producer.sendOffsetsToTransaction(offs, group);
        logger().debug(`${who}: batch ${time}: sent offsets ${[...offsets].map(([g, o]) => `${g}: ${o.map((x) => `${tpKey(x)}=${x.offset}`).join(", ")}`).join("; ")}`);
      } catch (e) {
        await producer.abortTransaction().catch(() => undefined);
        throw e;
      }
      await producer.commitTransaction();
      logger().debug(`${who}: batch ${time}: committed transaction`);
      this.lastCommitted = time.milliseconds;
      this.committedBatches++;
      this.committedRecords += records.length;
      return { time, records: records.length, offsets };
    } catch (e) {
      // A commit that failed may or may not have happened; only a restart, which reads the
      // committed offsets, can tell. Until then no later batch may commit.
      this.failure = { time, error: e };
      if (e instanceof ProducerFencedException) {
        throw new ProducerFencedException(`${who}: another instance with transactional.id '${this.transactionalId}' has started; this one stops writing. ${e.message}`, { cause: e });
      }
      throw e;
    }
  }
}
