import { EventEmitter } from "node:events";
import type { RDD } from "../../../core/rdd/RDD.js";
import { IllegalArgumentException, IllegalStateException } from "../../../core/errors.js";
import { logger, warnOnDriver } from "../../../core/log.js";
import { InputDStream } from "../../../streaming/dstream/InputDStream.js";
import type { StreamingContext } from "../../../streaming/StreamingContext.js";
import { Time } from "../../../streaming/Time.js";
import type { CheckpointJson } from "../../../streaming/checkpoint/CheckpointJson.js";
import type { ConsumerRecord } from "../ConsumerRecord.js";
import { ConfigException, KafkaException, NoOffsetForPartitionException, RecordDeserializationException } from "../errors.js";
import { KafkaClients } from "../KafkaClients.js";
import { executorConsumerSettings, type KafkaParams } from "../KafkaParams.js";
import { KafkaRDD, readOptionsFromConf, type KafkaReadOptions } from "../KafkaRDD.js";
import type { LocationStrategy } from "../LocationStrategies.js";
import { OffsetRange } from "../OffsetRange.js";
import { TopicPartition, tpKey, type TopicPartitionLike } from "../TopicPartition.js";
import type { KafkaAdminClient, TopicPartitionOffset } from "../client/KafkaAdminClient.js";
import { clientConfigFromParams, describeBrokers, intSetting } from "../client/KafkaClientConfig.js";
import type { IsolationLevel } from "../client/KafkaConsumerClient.js";
import { createRateEstimator } from "../../../streaming/scheduler/rate/RateEstimator.js";
import { RateController, isBackPressureEnabled } from "../../../streaming/scheduler/RateController.js";
import { callCommitCallback, type CanCommitOffsets, type OffsetCommitCallback } from "./CanCommitOffsets.js";
import type { ConsumerStrategy } from "./ConsumerStrategy.js";
import type { PerPartitionConfig } from "./PerPartitionConfig.js";
import { waitForBrokers, type BrokerWait, type WaitOptions } from "./waitForBrokers.js";

type OffsetReset = "earliest" | "latest" | "none";
type Offsets = Map<string, TopicPartitionOffset>;
/** Where a partition starts, and why: an offset given to the strategy, the group's commit, or auto.offset.reset. */
type StartingOffset = TopicPartitionOffset & { readonly from: "given" | "committed" | "earliest" | "latest" };

function offsetReset(params: Readonly<Record<string, unknown>>): OffsetReset {
  const v = params["auto.offset.reset"];
  if (v === undefined) return "latest";
  const s = String(v).toLowerCase();
  if (s === "earliest" || s === "latest" || s === "none") return s;
  throw new ConfigException(`Invalid value ${String(v)} for configuration auto.offset.reset: String must be one of: latest, earliest, none`);
}

/** The same kind of error, its message prefixed with what the stream was doing, so a `catch` by class still works. */
function inContext(e: unknown, prefix: string): unknown {
  if (!(e instanceof KafkaException) || e instanceof RecordDeserializationException) return e;
  const Kind = e.constructor as new (message: string, options?: { cause?: unknown }) => KafkaException;
  return new Kind(`${prefix}: ${e.message}`, { cause: e });
}

function byTopicPartition(a: TopicPartitionLike, b: TopicPartitionLike): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

const position = (o: TopicPartitionOffset): TopicPartitionOffset => ({ topic: o.topic, partition: o.partition, offset: o.offset });

function describeOffsets(offsets: Iterable<TopicPartitionOffset>): string {
  return [...offsets].map((o) => `${tpKey(o)}=${o.offset}`).join(", ");
}

/** One batch's ranges in a checkpoint: [topic, partition, fromOffset, untilOffset] each, as Spark's OffsetRangeTuple. */
type RangeTuple = [string, number, number, number];

function parseRangeTuples(data: unknown, what: string): OffsetRange[] {
  const list = (data as { offsetRanges?: unknown } | null)?.offsetRanges;
  if (!Array.isArray(list)) throw new IllegalArgumentException(`${what}: expected { offsetRanges: [[topic, partition, from, until], ...] }`);
  return list.map((t: unknown) => {
    if (!Array.isArray(t) || t.length !== 4) throw new IllegalArgumentException(`${what}: ${JSON.stringify(t)} is not [topic, partition, from, until]`);
    const [topic, partition, from, until] = t as RangeTuple;
    return OffsetRange.create(topic, partition, from, until);
  });
}

/**
 * Spark's `DirectKafkaInputDStream`: each batch is one `OffsetRange` per topic-partition, fixed on
 * the driver when the batch is generated, and read by the executors (one RDD partition per Kafka
 * partition, a `KafkaRDD`). The driver never reads records: it asks the brokers for partitions
 * and offsets, which is I/O, so it does so in `prepareBatch` — batch generation waits for it,
 * and waits (with a log line) while the brokers are down, so nothing is skipped.
 *
 * A batch reads from the end of the previous batch up to the latest offset (the last stable
 * offset under `isolation.level=read_committed`), capped by `spark.streaming.kafka.maxRatePerPartition`
 * and, with `spark.streaming.backpressure.enabled`, by a PID rate estimate. The stream starts at
 * the given offsets, else the group's committed offsets, else `auto.offset.reset`.
 */
export class DirectKafkaInputDStream<K, V> extends InputDStream<ConsumerRecord<K, V>> implements CanCommitOffsets {
  /** Emits "wait" and "resume" (a `BrokerWait`) while batch generation waits for the brokers. */
  readonly events = new EventEmitter();
  /** Present with `spark.streaming.backpressure.enabled`: the PID estimate that caps each batch. */
  readonly rateController: RateController | undefined;
  readonly groupId: string | undefined;
  readonly isolationLevel: IsolationLevel;

  private readonly brokers: string;
  private readonly reset: OffsetReset;
  /** How long the start may wait for the brokers (Kafka's `default.api.timeout.ms`); mid-stream, it waits as long as it takes. */
  private readonly startTimeoutMs: number;
  private startedAt = 0;
  private readonly readOptions: KafkaReadOptions;
  private readonly initialRate: number;
  /** Where the next batch begins, by `topic-partition`. */
  private currentOffsets: Offsets = new Map();
  /** Where the first batch began: the stream's position before any batch was generated. */
  private firstOffsets: Offsets | undefined;
  private initialized = false;
  private initializing: Promise<void> | undefined;
  private readonly rangesByTime = new Map<number, OffsetRange[]>();
  private commitQueue: OffsetRange[] = [];
  private commitCallback: OffsetCommitCallback | undefined;
  private committing: Promise<void> = Promise.resolve();
  private admin: KafkaAdminClient | undefined;
  private abort = new AbortController();
  private readonly beforeStart: Array<() => Promise<void>> = [];
  private readonly afterStop: Array<() => Promise<void>> = [];
  private beforeStartDone: Promise<void> | undefined;
  private offsetsCommittedWithOutput = false;
  private warnedCommitAsync = false;

  constructor(
    ssc: StreamingContext,
    readonly locationStrategy: LocationStrategy,
    readonly consumerStrategy: ConsumerStrategy<K, V>,
    readonly perPartitionConfig: PerPartitionConfig,
  ) {
    super(ssc);
    const params = consumerStrategy.executorKafkaParams;
    try {
      // Everything is checked where the stream is defined, so a typo fails before start().
      this.isolationLevel = executorConsumerSettings(params).consumer.isolationLevel;
      this.brokers = describeBrokers(clientConfigFromParams(params, "dstream").bootstrapServers);
      this.reset = offsetReset(params);
      this.startTimeoutMs = intSetting(params, "default.api.timeout.ms", 60_000);
    } catch (e) {
      if (!(e instanceof ConfigException)) throw e;
      throw new ConfigException(`${e.message} (defining ${this.name} over ${String(consumerStrategy)})`, { cause: e });
    }
    const group = params["group.id"];
    this.groupId = group === undefined || group === null ? undefined : String(group);
    if (this.groupId === undefined) warnOnDriver(`${this.name}: group.id is null, you should probably set it (commitAsync needs it)`);
    const autoCommit = params["enable.auto.commit"];
    if (autoCommit === true || autoCommit === "true") {
      warnOnDriver(`${this.name}: enable.auto.commit is ignored: the driver never commits on its own. Call stream.commitAsync(offsetRanges) after your output succeeds.`);
    }
    this.readOptions = readOptionsFromConf(ssc.sparkContext);
    const initialRate = Number(ssc.conf.get("spark.streaming.backpressure.initialRate", "0"));
    if (!Number.isFinite(initialRate) || initialRate < 0) throw new IllegalArgumentException(`spark.streaming.backpressure.initialRate should be a non-negative number, got ${initialRate}`);
    this.initialRate = initialRate;
    if (isBackPressureEnabled(ssc.conf)) {
      this.rateController = new RateController(this.id, createRateEstimator(ssc.conf, ssc.batchDuration));
      ssc.addStreamingListener(this.rateController);
    }
  }

  /** The consumer parameters of the executors' reads (Spark applies `fixKafkaParams` to them). */
  get executorKafkaParams(): KafkaParams<K, V> {
    return this.consumerStrategy.executorKafkaParams;
  }

  override get name(): string {
    return `Kafka 0.10 direct stream [${this.id}]`;
  }

  /**
   * Spark's `foreachRDD`, with the batch's RDD typed as what it is — a `KafkaRDD`, so that
   * `rdd.offsetRanges` (Spark's `rdd.asInstanceOf[HasOffsetRanges].offsetRanges`) needs no cast.
   */
  override foreachRDD(foreachFunc: (rdd: KafkaRDD<K, V>, time: Time) => void | Promise<void>): void {
    super.foreachRDD(foreachFunc as (rdd: RDD<ConsumerRecord<K, V>>, time: Time) => void | Promise<void>);
  }

  start(): void {
    this.abort = new AbortController();
    this.startedAt = Date.now();
    this.admin = KafkaClients.admin({ ...this.executorKafkaParams, "client.id": String(this.executorKafkaParams["client.id"] ?? `dstream-driver-${this.groupId ?? "null"}`) });
    // Looked up now, as Spark's start() does, so that "latest" means the end at start time. A
    // failure here is not reported: the first batch tries again and reports what it finds.
    this.ensureInitialized().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    // Offsets queued by the last batches' commitAsync would otherwise wait for a batch that never comes.
    this.commitAll();
    await this.committing;
    const admin = this.admin;
    this.admin = undefined;
    await Promise.allSettled([admin?.close(), ...this.afterStop.map((f) => f())]);
  }

  /** Resolves once the starting offsets are known (the stream has started and reached the brokers). */
  started(): Promise<void> {
    return this.ensureInitialized();
  }

  /** The offset each partition's next batch begins at. */
  get currentPositions(): readonly TopicPartitionOffset[] {
    return [...this.currentOffsets.values()].sort(byTopicPartition);
  }

  /** The offset ranges of the batch at `time`, while the stream remembers that batch. */
  offsetRangesFor(time: Time | number): readonly OffsetRange[] | undefined {
    return this.rangesByTime.get(time instanceof Time ? time.milliseconds : time);
  }

  commitAsync(offsetRanges: readonly OffsetRange[], callback?: OffsetCommitCallback): void {
    if (!Array.isArray(offsetRanges) || offsetRanges.some((r) => !(r instanceof OffsetRange))) {
      throw new IllegalArgumentException("commitAsync: offsetRanges must be an array of OffsetRange, e.g. rdd.offsetRanges");
    }
    if (callback !== undefined && typeof callback !== "function" && typeof (callback as { onComplete?: unknown })?.onComplete !== "function") {
      throw new IllegalArgumentException("commitAsync: callback must be a function (offsets, exception) => void or an object with onComplete");
    }
    if (this.offsetsCommittedWithOutput && !this.warnedCommitAsync) {
      this.warnedCommitAsync = true;
      logger().warn(`${this.name}: commitAsync is not needed: a transactional Kafka sink commits this stream's offsets with its output.`);
    }
    this.commitCallback = callback;
    this.commitQueue.push(...offsetRanges);
  }

  /**
   * @internal A transactional sink commits this stream's offsets with its output. `init` runs
   * before the stream reads its group's committed offsets (it fences the app's previous
   * producer, which aborts any transaction left open, so that the offsets are stable), and the
   * group's committed offsets, not a checkpoint's, are where the stream resumes. `close` runs
   * when the stream stops.
   */
  commitOffsetsWithOutput(init: () => Promise<void>, close: () => Promise<void>): void {
    this.offsetsCommittedWithOutput = true;
    this.beforeStart.push(init);
    this.afterStop.push(close);
  }

  override async prepareBatch(validTime: Time): Promise<void> {
    const t = validTime.milliseconds;
    if (this.generatedRDDs.has(t) || this.rangesByTime.has(t)) return;
    await this.ensureInitialized();
    const admin = this.requireAdmin();
    const what = `fix the offsets of batch ${validTime}`;
    const { ranges, until } = await this.withBrokers(what, () => this.nextBatch(admin)).catch((e: unknown) => {
      throw inContext(e, `${this.name} (${String(this.consumerStrategy)}) cannot ${what}`);
    });
    this.rangesByTime.set(t, ranges);
    this.firstOffsets ??= new Map(this.currentOffsets);
    this.currentOffsets = until;
    const nonEmpty = ranges.filter((r) => r.fromOffset !== r.untilOffset).sort((a, b) => b.count() - a.count());
    const description = nonEmpty
      .map((r) => `topic: ${r.topic}\tpartition: ${r.partition}\toffsets: ${r.fromOffset} to ${r.untilOffset}\tcount: ${r.count()}`)
      .join("\n");
    const numRecords = ranges.reduce((n, r) => n + r.count(), 0);
    this.reportInputInfo(validTime, numRecords, { offsets: [...ranges], Description: description });
    // Spark commits what commitAsync queued when the next batch is generated.
    this.commitAll();
  }

  compute(validTime: Time): KafkaRDD<K, V> | undefined {
    const ranges = this.rangesByTime.get(validTime.milliseconds);
    if (!ranges) {
      // Its generation failed (and was reported); the next batch starts where this one would have.
      logger().warn(`${this.name}: batch ${validTime} has no offset ranges (fixing them failed), so it has no RDD`);
      return undefined;
    }
    return this.makeRDD(ranges, this.readOptions);
  }

  private makeRDD(ranges: readonly OffsetRange[], readOptions: KafkaReadOptions): KafkaRDD<K, V> {
    const rdd = new KafkaRDD<K, V>(this.ssc.sparkContext, this.executorKafkaParams, ranges, readOptions);
    rdd.creationSite = this.creationSite;
    return rdd;
  }

  /** @internal Also forgets the ranges of forgotten batches. */
  override clearMetadata(time: Time, dropped: Array<RDD<unknown>> = []): void {
    super.clearMetadata(time, dropped);
    const limit = time.milliseconds - this.rememberDuration!.milliseconds;
    for (const t of [...this.rangesByTime.keys()]) if (t <= limit) this.rangesByTime.delete(t);
  }

  // ---- checkpoint hooks (see InputDStream): a batch is its offset ranges, the stream its position

  /** `{ offsetRanges: [[topic, partition, fromOffset, untilOffset], ...] }`, Spark's checkpointed `batchForTime` entry. */
  override checkpointBatchData(time: Time, rdd: RDD<ConsumerRecord<K, V>>): CheckpointJson | undefined {
    const ranges = this.rangesByTime.get(time.milliseconds) ?? (rdd instanceof KafkaRDD ? rdd.offsetRanges : undefined);
    if (ranges === undefined) return undefined;
    return { offsetRanges: ranges.map((r): CheckpointJson => [r.topic, r.partition, r.fromOffset, r.untilOffset]) };
  }

  /**
   * The batch's `KafkaRDD` again, reading exactly the checkpointed ranges. As in Spark, the
   * executors' consumer cache is not used: a restored batch may read a partition concurrently
   * with the next one. With a transactional sink, the group's committed offsets are the truth,
   * so nothing is restored and the stream resumes from them.
   */
  override restoreBatchData(time: Time, data: CheckpointJson): RDD<ConsumerRecord<K, V>> | undefined {
    if (this.offsetsCommittedWithOutput) return undefined;
    const ranges = parseRangeTuples(data, `${this.name}: the checkpoint of batch ${time}`);
    logger().info(`Restoring KafkaRDD for time ${time} [${ranges.map(String).join(", ")}]`);
    this.rangesByTime.set(time.milliseconds, ranges);
    return this.makeRDD(ranges, { ...this.readOptions, useCache: false });
  }

  /**
   * `{ currentOffsets: [[topic, partition, offset], ...] }`: where the batch after the latest
   * generated one begins. Taken from that batch's ranges rather than from the live position,
   * which may already include a batch that is being prepared and is not in the checkpoint.
   */
  override checkpointStreamData(): CheckpointJson | undefined {
    const generated = [...this.generatedRDDs.keys()].filter((t) => this.rangesByTime.has(t));
    let offsets: Iterable<TopicPartitionOffset> | undefined;
    if (generated.length > 0) {
      offsets = this.rangesByTime.get(Math.max(...generated))!.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.untilOffset }));
    } else {
      offsets = this.firstOffsets?.values() ?? (this.initialized && this.rangesByTime.size === 0 ? this.currentOffsets.values() : undefined);
    }
    if (offsets === undefined) return undefined;
    return { currentOffsets: [...offsets].map((o): CheckpointJson => [o.topic, o.partition, o.offset]) };
  }

  override restoreStreamData(data: CheckpointJson): void {
    if (this.offsetsCommittedWithOutput) {
      logger().info(`${this.name}: resuming from the consumer group's committed offsets, not the checkpoint's: a transactional sink commits them with its output`);
      return;
    }
    const list = (data as { currentOffsets?: unknown } | null)?.currentOffsets;
    if (!Array.isArray(list)) throw new IllegalArgumentException(`${this.name}: the checkpoint's stream data has no currentOffsets`);
    const offsets: Offsets = new Map();
    for (const entry of list) {
      const [topic, partition, offset] = (Array.isArray(entry) ? entry : []) as unknown[];
      if (typeof topic !== "string" || !Number.isSafeInteger(partition) || !Number.isSafeInteger(offset)) {
        throw new IllegalArgumentException(`${this.name}: the checkpoint's position ${JSON.stringify(entry)} is not [topic, partition, offset]`);
      }
      offsets.set(tpKey({ topic, partition: partition as number }), { topic, partition: partition as number, offset: offset as number });
    }
    this.currentOffsets = offsets;
    this.initialized = true;
    logger().info(`${this.name}: restored from checkpoint at ${describeOffsets(offsets.values())}`);
  }

  // ---- offsets

  private requireAdmin(): KafkaAdminClient {
    if (!this.admin) throw new IllegalStateException(`${this.name} has not been started (or has been stopped)`);
    return this.admin;
  }

  private withBrokers<T>(what: string, op: () => Promise<T>, deadline?: WaitOptions["deadline"]): Promise<T> {
    return waitForBrokers(op, {
      what,
      who: this.name,
      brokers: this.brokers,
      signal: this.abort.signal,
      ...(deadline ? { deadline } : {}),
      onWait: (w: BrokerWait) => this.events.emit("wait", w),
      onResume: (w: BrokerWait) => this.events.emit("resume", w),
    });
  }

  private ensureInitialized(): Promise<void> {
    this.beforeStartDone ??= Promise.all(this.beforeStart.map((f) => f())).then(
      () => undefined,
      (e: unknown) => {
        this.beforeStartDone = undefined;
        throw e;
      },
    );
    if (this.initialized) return this.beforeStartDone;
    this.initializing ??= this.findStartingPositions()
      .catch((e: unknown) => {
        throw inContext(e, `${this.name} (${String(this.consumerStrategy)}) cannot start`);
      })
      .finally(() => {
        this.initializing = undefined;
      });
    return this.initializing;
  }

  private async findStartingPositions(): Promise<void> {
    // A transactional sink fences its previous producer first: until then, offsets it left in
    // an open transaction make the committed offsets unstable.
    await this.beforeStartDone;
    const admin = this.requireAdmin();
    // Spark's driver consumer gives up after default.api.timeout.ms when it starts: a wrong
    // address fails instead of waiting forever. Counted from start(), so that a later batch
    // retrying a failed start tries once more rather than waiting that long again.
    const deadline = { at: this.startedAt + this.startTimeoutMs, timeoutMs: this.startTimeoutMs, setting: "default.api.timeout.ms" };
    const partitions = await this.withBrokers(`look up the partitions of ${String(this.consumerStrategy)}`, () => this.consumerStrategy.partitions(admin), deadline);
    const offsets = await this.withBrokers("look up the starting offsets", () => this.startingOffsets(admin, partitions, "initial"), deadline);
    if (this.initialized) return; // restored from a checkpoint meanwhile
    this.currentOffsets = new Map(offsets.map((o) => [tpKey(o), position(o)]));
    this.initialized = true;
    this.logStart(offsets);
  }

  /**
   * Where each partition begins: a given offset (first start only), else the group's committed
   * offset, else `auto.offset.reset` — except that a partition that appears after the start
   * (added to a topic, or a new topic matching a pattern) begins at its earliest offset, since
   * all of its records arrived after the stream started and none may be skipped.
   */
  private async startingOffsets(admin: KafkaAdminClient, partitions: readonly TopicPartitionLike[], kind: "initial" | "new"): Promise<StartingOffset[]> {
    const explicit = kind === "initial" ? this.consumerStrategy.offsets : new Map<string, number>();
    const found = new Map<string, StartingOffset>();
    for (const tp of partitions) {
      const o = explicit.get(tpKey(tp));
      if (o !== undefined) found.set(tpKey(tp), { topic: tp.topic, partition: tp.partition, offset: o, from: "given" });
    }
    let rest = partitions.filter((tp) => !found.has(tpKey(tp)));
    if (rest.length > 0 && this.groupId !== undefined) {
      const committed = new Map((await admin.listConsumerGroupOffsets(this.groupId)).map((o) => [tpKey(o), o.offset]));
      for (const tp of rest) {
        const o = committed.get(tpKey(tp));
        if (o !== undefined) found.set(tpKey(tp), { topic: tp.topic, partition: tp.partition, offset: o, from: "committed" });
      }
      rest = rest.filter((tp) => !found.has(tpKey(tp)));
    }
    if (rest.length > 0) {
      const policy = kind === "new" ? "earliest" : this.reset;
      if (policy === "none") {
        throw new NoOffsetForPartitionException(
          `Undefined offset with no reset policy for partitions: [${rest.map(tpKey).join(", ")}] (${this.name}, group ${this.groupId ?? "null"}, auto.offset.reset=none). ` +
            `Give starting offsets to the consumer strategy, commit offsets for the group, or set auto.offset.reset to earliest or latest.`,
        );
      }
      const reset = policy === "earliest" ? await admin.beginningOffsets(rest) : await admin.endOffsets(rest, this.isolationLevel);
      for (const o of reset) found.set(tpKey(o), { ...o, from: policy });
    }
    return partitions.map((tp) => found.get(tpKey(tp))!);
  }

  /**
   * Says where the stream starts, partition by partition and why (Spark logs its starting
   * offsets too). A start at the latest offsets is a warning: such a stream reads nothing that
   * was written before it started, which surprises whoever expected the topic's records.
   */
  private logStart(offsets: readonly StartingOffset[]): void {
    const why: Record<StartingOffset["from"], string> = {
      given: "given to the consumer strategy",
      committed: `committed by group ${this.groupId ?? "null"}`,
      earliest: "auto.offset.reset=earliest",
      latest: "auto.offset.reset=latest",
    };
    const parts = (["given", "committed", "earliest", "latest"] as const)
      .map((from) => [from, offsets.filter((o) => o.from === from)] as const)
      .filter(([, os]) => os.length > 0)
      .map(([from, os]) => `${describeOffsets(os)} (${why[from]})`);
    logger().info(`${this.name} (${String(this.consumerStrategy)}) starts at ${parts.join("; ") || "no partitions"}`);
    const latest = offsets.filter((o) => o.from === "latest");
    if (latest.length > 0) {
      const noCommit = this.groupId === undefined ? "no group.id" : `no offsets committed by group ${this.groupId}`;
      const given = this.executorKafkaParams["auto.offset.reset"] === undefined ? " (Kafka's default)" : "";
      warnOnDriver(
        `${this.name} (${String(this.consumerStrategy)}): ${noCommit} for ${latest.map(tpKey).join(", ")}, so auto.offset.reset=latest${given} starts ` +
          `${latest.length === 1 ? "it" : "them"} at the end: ${describeOffsets(latest)}. Records written before the start are not read; ` +
          `set auto.offset.reset to earliest to read them.`,
      );
    }
  }

  /** The next batch's ranges and the position after it; changes nothing, so that a failed attempt can simply be retried. */
  private async nextBatch(admin: KafkaAdminClient): Promise<{ ranges: OffsetRange[]; until: Offsets }> {
    const partitions = [...(await this.consumerStrategy.partitions(admin))].sort(byTopicPartition);
    const current: Offsets = new Map(this.currentOffsets);
    const present = new Set(partitions.map(tpKey));
    const gone = [...current.keys()].filter((k) => !present.has(k));
    if (gone.length > 0) {
      logger().warn(`${this.name}: partitions ${gone.join(", ")} are no longer part of ${String(this.consumerStrategy)} (deleted topics?); they are no longer read.`);
      for (const k of gone) current.delete(k);
    }
    const fresh = partitions.filter((tp) => !current.has(tpKey(tp)));
    if (fresh.length > 0) {
      const start = await this.startingOffsets(admin, fresh, "new");
      for (const o of start) current.set(tpKey(o), position(o));
      logger().info(`${this.name}: picked up new partitions at ${describeOffsets(start)}`);
    }
    const ends = new Map((await admin.endOffsets(partitions, this.isolationLevel)).map((o) => [tpKey(o), o.offset]));
    for (const tp of partitions) {
      const from = current.get(tpKey(tp))!.offset;
      const end = ends.get(tpKey(tp))!;
      if (end < from) {
        throw new KafkaException(
          `${this.name}: partition ${tpKey(tp)} ends at offset ${end}, before the stream's position ${from}: ` +
            `the topic was deleted and re-created, or its records were truncated. Restart the stream with explicit starting offsets.`,
        );
      }
    }
    const until = this.clamp(ends, current);
    const ranges = partitions.map((tp) => OffsetRange.create(tp.topic, tp.partition, current.get(tpKey(tp))!.offset, until.get(tpKey(tp))!));
    const next: Offsets = new Map(partitions.map((tp) => [tpKey(tp), { topic: tp.topic, partition: tp.partition, offset: until.get(tpKey(tp))! }]));
    return { ranges, until: next };
  }

  /**
   * Spark's `maxMessagesPerPartition`: the most records each partition may contribute to one
   * batch, or undefined for no limit. With backpressure, the estimated rate (or
   * `spark.streaming.backpressure.initialRate` before the first estimate) is shared among the
   * partitions in proportion to their lag, and capped per partition by `maxRatePerPartition`;
   * without it, `maxRatePerPartition` alone applies. Rates are records per second, so the limit
   * is rate × batch seconds, and at least `minRatePerPartition`.
   */
  maxMessagesPerPartition(ends: ReadonlyMap<string, number>, current: ReadonlyMap<string, TopicPartitionOffset> = this.currentOffsets): Map<string, number> | undefined {
    const ppc = this.perPartitionConfig;
    const tp = (key: string): TopicPartition => {
      const o = current.get(key);
      if (o) return new TopicPartition(o.topic, o.partition);
      const i = key.lastIndexOf("-");
      return new TopicPartition(key.slice(0, i), Number(key.slice(i + 1)));
    };
    let estimated: number | undefined;
    if (this.rateController) {
      const lr = this.rateController.getLatestRate();
      estimated = lr > 0 ? lr : this.initialRate;
    }
    const effective = new Map<string, number>();
    if (estimated !== undefined && estimated > 0) {
      const lag = new Map([...ends].map(([k, end]) => [k, Math.max(end - (current.get(k)?.offset ?? end), 0)]));
      const totalLag = [...lag.values()].reduce((a, b) => a + b, 0);
      // No lag anywhere: Spark's shares are 0/0 (NaN), and the batch is not limited.
      if (totalLag === 0) return undefined;
      for (const [k, l] of lag) {
        const maxRate = ppc.maxRatePerPartition(tp(k));
        const backpressureRate = (l / totalLag) * estimated;
        effective.set(k, maxRate > 0 ? Math.min(backpressureRate, maxRate) : backpressureRate);
      }
    } else {
      for (const k of ends.keys()) effective.set(k, ppc.maxRatePerPartition(tp(k)));
    }
    const total = [...effective.values()].reduce((a, b) => a + b, 0);
    if (!(total > 0)) return undefined;
    const secsPerBatch = this.ssc.batchDuration.milliseconds / 1000;
    return new Map([...effective].map(([k, limit]) => [k, Math.max(Math.trunc(secsPerBatch * limit), ppc.minRatePerPartition(tp(k)))]));
  }

  /** Spark's `clamp`: each partition's end, lowered to at most `maxMessagesPerPartition` records past its position. */
  private clamp(ends: ReadonlyMap<string, number>, current: Offsets): Map<string, number> {
    const mmp = this.maxMessagesPerPartition(ends, current);
    if (!mmp) return new Map(ends);
    return new Map([...ends].map(([k, end]) => [k, Math.min(current.get(k)!.offset + mmp.get(k)!, end)]));
  }

  /** Commits what commitAsync queued: for each partition the largest untilOffset, in the order batches queued them. */
  private commitAll(): void {
    if (this.commitQueue.length === 0) return;
    const queue = this.commitQueue;
    this.commitQueue = [];
    const callback = this.commitCallback;
    const merged = new Map<string, TopicPartitionOffset>();
    for (const r of queue) {
      const prev = merged.get(tpKey(r));
      merged.set(tpKey(r), { topic: r.topic, partition: r.partition, offset: Math.max(prev?.offset ?? 0, r.untilOffset) });
    }
    const offsets = [...merged.values()].sort(byTopicPartition);
    const notify = (error: Error | undefined): void => {
      try {
        callCommitCallback(callback, offsets, error);
      } catch (e) {
        logger().error({ err: String(e) }, `${this.name}: the commitAsync callback threw`);
      }
    };
    const groupId = this.groupId;
    const admin = this.admin;
    if (groupId === undefined || admin === undefined) {
      const why = groupId === undefined ? "the stream's kafkaParams have no group.id" : "the stream is not running";
      logger().warn(`${this.name}: cannot commit ${describeOffsets(offsets)}: ${why}`);
      notify(new KafkaException(`Cannot commit offsets ${describeOffsets(offsets)}: ${why}`));
      return;
    }
    this.committing = this.committing.then(async () => {
      try {
        await admin.commitConsumerGroupOffsets(groupId, offsets);
        logger().debug(`${this.name}: committed ${describeOffsets(offsets)} for group ${groupId}`);
        notify(undefined);
      } catch (e) {
        const error = e instanceof Error ? e : new KafkaException(String(e));
        if (callback === undefined) logger().warn(`${this.name}: committing ${describeOffsets(offsets)} for group ${groupId} failed: ${error.message}`);
        notify(error);
      }
    });
  }
}
