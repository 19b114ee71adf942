import { hostname } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { logger } from "../../core/log.js";
import { HashPartitioner, registerMetricsSource, StateSpec, Time, type DStream, type DurationLike, type StreamingContext } from "../../index.js";
import {
  ConfigException,
  KafkaClients,
  KafkaException,
  NoOffsetForPartitionException,
  ProducerFencedException,
  producerSettings,
  type KafkaAdminClient,
  type KafkaParams,
  type KafkaProducerClient,
  type OffsetToCommit,
  type ProducerRecord,
  type SinkRecord,
  type TopicPartitionOffset,
} from "../kafka/index.js";
import { waitForBrokers } from "../kafka/stream/waitForBrokers.js";
import { agreeOnGrid, type GridRecord } from "./BatchGrid.js";
import { GroupMembership, type MembershipState } from "./GroupMembership.js";
import { MetadataTopic } from "./MetadataTopic.js";
import { RepartitionInputDStream } from "./RepartitionInputDStream.js";
import { MARKER_HEADER, PAIRS_HEADER, TIME_HEADER, type Reducer, type ReducerRuntime } from "./RepartitionReader.js";
import { ScaleOutInputDStream, type ScaleOutRuntime } from "./ScaleOutInputDStream.js";
import { ScaleOutMetrics } from "./ScaleOutMetrics.js";
import { ScaleOutStateDStream, type ScaleOutUpdateFunc } from "./ScaleOutStateDStream.js";
import { ScaleOutMapWithStateDStream } from "./ScaleOutMapWithStateDStream.js";
import { ChangelogStateDStream, type StateStreamSite } from "./ChangelogStateDStream.js";

export interface ScaleOutOptions {
  /** Consumer and producer settings by Kafka's names; at least `bootstrap.servers`. */
  readonly kafkaParams: Readonly<Record<string, unknown>>;
  /** Shared by every copy: the consumer group, and the prefix of the internal topics. Default: `spark.dstream.applicationId`. */
  readonly applicationId?: string;
  /** This copy's `group.instance.id`, stable across its restarts and unique among the copies. Default: `spark.dstream.instanceId`, else the host name. */
  readonly instanceId?: string;
  /** Kafka's `session.timeout.ms`: how long a silent copy keeps its tasks (default 10000). */
  readonly sessionTimeoutMs?: number;
  /** How far ahead of the first copy's start the first batch is, so that the copies started with it join first (default 3 batch intervals, at least 4 s). */
  readonly firstBatchDelayMs?: number;
}

/** What a copy says when it starts: whom it joined, what it runs, and whether records are re-keyed through Kafka. */
export interface ScaleOutReport {
  readonly applicationId: string;
  readonly instanceId: string;
  readonly generationId: number;
  readonly tasks: readonly number[];
  readonly taskCount: number;
  readonly inputs: ReadonlyArray<{ topic: string; partitions: number }>;
  readonly repartitions: readonly string[];
  /** The changelog topics of the stateful operators (so.updateStateByKey). */
  readonly changelogs: readonly string[];
  /** "none": the input topics are co-partitioned and no operator re-keys; else the topics records go through. */
  readonly repartition: string;
  readonly zeroTime: number;
  readonly batchMs: number;
  readonly createdGrid: boolean;
}

/** A batch this copy committed: its time, its group generation and tasks, and the input offset ranges it read. */
export interface CommittedBatch {
  readonly time: number;
  readonly generationId: number;
  readonly tasks: readonly number[];
  readonly inputRanges: ReadonlyArray<{ topic: string; partition: number; fromOffset: number; untilOffset: number }>;
  /** The repartition offsets committed with it: where each reduce partition of its tasks starts next. */
  readonly repartitionOffsets: ReadonlyArray<{ topic: string; partition: number; offset: number }>;
  /** Records written in its transaction: output, repartition records and markers, progress. */
  readonly records: number;
}

export type ScaleOutSerializer<T> = (element: T, time: Time) => SinkRecord;

/** A batch's pieces, gathered by its output operations and committed together by the last. */
interface PendingBatch {
  readonly epoch: number;
  readonly records: ProducerRecord[];
  failed: boolean;
}

function brokersOf(params: Readonly<Record<string, unknown>>): Array<{ host: string; port: number }> {
  const v = params["bootstrap.servers"];
  const list = (Array.isArray(v) ? v : String(v ?? "").split(",")).map((s: unknown) => String(s).trim()).filter((s) => s.length > 0);
  if (list.length === 0) throw new ConfigException('KafkaScaleOut: kafkaParams needs "bootstrap.servers" (host:port[,host:port...])');
  return list.map((b) => {
    const i = b.lastIndexOf(":");
    const port = Number(b.slice(i + 1));
    if (i <= 0 || !Number.isInteger(port)) throw new ConfigException(`KafkaScaleOut: bootstrap.servers entry '${b}' is not host:port`);
    return { host: b.slice(0, i).replace(/^\[|\]$/g, ""), port };
  });
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/** The most JSON text one repartition record carries: well under Kafka's default 1 MB message size, counting UTF-8 at up to 3 bytes a character. */
const REPARTITION_CHUNK_CHARS = 256 * 1024;

/**
 * Scale-out through Kafka: N copies of one application, each an ordinary StreamingContext,
 * share its work as members of one consumer group (the application id). A task is a partition
 * index of the co-partitioned input topics; Kafka's group protocol, with dstream's sticky
 * co-partitioning assignor, gives each copy its tasks and moves a dead copy's to the others.
 *
 * Each batch, each copy commits one Kafka transaction with: the records it re-keys into
 * repartition topics and its end-of-batch markers; its output records; the reducers' progress;
 * and the input and repartition offsets, committed in its group generation, so that a copy
 * that missed a rebalance cannot commit. A copy killed at any point leaves nothing that a
 * read_committed reader sees, and the next owner of its tasks redoes the work from the
 * committed offsets.
 */
export class KafkaScaleOut {
  readonly applicationId: string;
  readonly instanceId: string;
  private readonly params: Readonly<Record<string, unknown>>;
  private readonly sessionTimeoutMs: number;
  /** The batch transaction's timeout: short, so that a dead copy's open transaction stops blocking read_committed readers soon. */
  private readonly transactionTimeoutMs: number;
  private readonly firstBatchDelayMs: number;
  private readonly inputs: Array<ScaleOutInputDStream<unknown, unknown>> = [];
  private readonly reducers: Reducer[] = [];
  private readonly mapSides: Array<{ topic: string; operator: string }> = [];
  private membership: GroupMembership | undefined;
  private adminClient: KafkaAdminClient | undefined;
  private producer: KafkaProducerClient | undefined;
  private meta: MetadataTopic | undefined;
  private metrics: ScaleOutMetrics | undefined;
  private grid: GridRecord | undefined;
  private tasks = 0;
  private epoch = 0;
  private readonly pending = new Map<number, PendingBatch>();
  private readonly generations = new Map<number, Promise<MembershipState>>();
  private started = false;
  private settledGeneration = -1;
  private readonly marks = new Map<number, number>();
  /** Per task: the first batch this copy ran it in, since it got it or since its last failed batch. */
  private readonly ownedSince = new Map<number, number>();
  private committedTasks: readonly number[] | undefined;
  private readonly assignedListeners: Array<(state: MembershipState) => void> = [];
  private readonly committedListeners: Array<(batch: CommittedBatch) => void> = [];
  /** Per batch in flight: resolved once its transaction has committed or been given up. */
  private readonly settled = new Map<number, { done: Promise<void>; resolve: () => void }>();
  committedBatches = 0;
  abortedBatches = 0;

  constructor(
    readonly ssc: StreamingContext,
    options: ScaleOutOptions,
  ) {
    const conf = ssc.conf;
    const appId = options.applicationId ?? conf.get("spark.dstream.applicationId", "");
    if (typeof appId !== "string" || !TOPIC_NAME.test(appId)) {
      throw new ConfigException(
        `KafkaScaleOut: the application id ${JSON.stringify(appId)} is missing or not usable in topic names; set applicationId (or spark.dstream.applicationId) to letters, digits, '.', '_' or '-'`,
      );
    }
    this.applicationId = appId;
    this.instanceId = options.instanceId ?? conf.get("spark.dstream.instanceId", hostname());
    if (this.instanceId.length === 0) throw new ConfigException("KafkaScaleOut: instanceId (group.instance.id) must not be empty");
    brokersOf(options.kafkaParams);
    this.params = { ...options.kafkaParams, "group.id": appId };
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.transactionTimeoutMs = Math.max(this.sessionTimeoutMs, 10_000);
    this.firstBatchDelayMs = options.firstBatchDelayMs ?? Math.max(4_000, 3 * ssc.batchDuration.milliseconds);
    if (conf.getInt("spark.streaming.concurrentJobs", 1) > 1) {
      throw new ConfigException("KafkaScaleOut needs spark.streaming.concurrentJobs = 1: each batch's transaction commits in order");
    }
  }

  private runtime(): ScaleOutRuntime {
    return {
      applicationId: this.applicationId,
      admin: () => this.admin,
      membershipFor: (time) => this.membershipFor(time),
      runnableTasks: (state, time) => this.runnableTasks(state, time),
      startingOffset: (tps) => this.startingOffsets(tps),
      previousBatchSettled: (time) => this.settled.get(time.milliseconds - this.ssc.batchDuration.milliseconds)?.done ?? Promise.resolve(),
    };
  }

  private get admin(): KafkaAdminClient {
    if (!this.adminClient) throw new KafkaException(`KafkaScaleOut '${this.applicationId}' has not been started: call start() instead of ssc.start()`);
    return this.adminClient;
  }

  /** A stream of the records of `topics`, as far as this copy's tasks go. The topics must have equal partition counts (they are co-partitioned). */
  createStream<K = string | null, V = string>(topics: readonly string[]): ScaleOutInputDStream<K, V> {
    if (this.started) throw new ConfigException("KafkaScaleOut.createStream: define streams before start()");
    if (!Array.isArray(topics) || topics.length === 0 || topics.some((t) => typeof t !== "string" || !TOPIC_NAME.test(t))) {
      throw new ConfigException(`KafkaScaleOut.createStream: expected a non-empty array of topic names, got ${JSON.stringify(topics)}`);
    }
    const stream = new ScaleOutInputDStream<K, V>(this.ssc, topics, { ...this.params, "isolation.level": "read_committed" } as KafkaParams<K, V>, this.runtime());
    this.inputs.push(stream as ScaleOutInputDStream<unknown, unknown>);
    return stream;
  }

  /**
   * Re-keys `pairs` through the topic `<applicationId>-<operator>-repartition`: each pair goes to
   * the partition Spark's HashPartitioner gives its key, so that the returned stream, on each
   * copy, holds every record of the keys of its tasks, whichever copy read them. Keyed
   * operations after it (reduceByKey, windows) then see every record of a key. State kept by
   * the core's stateful operations stays in the copy, and is lost when its task moves: use
   * `updateStateByKey` here for state that follows its task. Keys and values travel as JSON.
   * The returned stream's batch t holds the pairs of batch t − 1.
   */
  repartition<K, V>(operator: string, pairs: DStream<[K, V]>): RepartitionInputDStream<K, V> {
    const topic = this.mapSide("repartition", operator, pairs);
    const reducer = new RepartitionInputDStream<K, V>(this.ssc, operator, topic, () => this.tasks, this.reducerRuntime(), this.params);
    this.reducers.push(reducer);
    return reducer;
  }

  /**
   * Spark's updateStateByKey, global across copies: re-keys `pairs` through
   * `<applicationId>-<operator>-repartition` as `repartition` does, and keeps each task's state
   * in the copy that runs it, backed by the compacted topic `<applicationId>-<operator>-changelog`.
   * Each batch's changed keys go to the changelog in the copy's transaction of the batch, and a
   * copy that gets a task restores its state from there before the task's next batch. States
   * (and keys) travel as JSON. The returned stream's batch t is the state after the pairs of
   * batch t − 1. `updateFunc` runs on the driver of the copy, once per key per batch.
   */
  updateStateByKey<K, V, S>(operator: string, pairs: DStream<[K, V]>, updateFunc: (values: V[], state: S | undefined) => S | undefined | null): ScaleOutStateDStream<K, V, S>;
  /** A function declaring four parameters is Spark's time-aware form. */
  updateStateByKey<K, V, S>(operator: string, pairs: DStream<[K, V]>, updateFunc: (time: Time, key: K, values: V[], state: S | undefined) => S | undefined | null): ScaleOutStateDStream<K, V, S>;
  updateStateByKey<K, V, S>(operator: string, pairs: DStream<[K, V]>, updateFunc: ScaleOutUpdateFunc<K, V, S>): ScaleOutStateDStream<K, V, S> {
    if (typeof updateFunc !== "function") throw new ConfigException(`KafkaScaleOut.updateStateByKey('${operator}'): expected an update function (values, state) => state, got ${typeof updateFunc}`);
    const topic = this.mapSide("updateStateByKey", operator, pairs);
    const stream = new ScaleOutStateDStream<K, V, S>(this.stateSite(operator, topic), updateFunc);
    this.reducers.push(stream);
    return stream;
  }

  /**
   * Spark's mapWithState, global across copies: re-keys `pairs` through
   * `<applicationId>-<operator>-repartition`, and keeps each task's state, with the time a record
   * last touched it, in `<applicationId>-<operator>-changelog`, as `updateStateByKey` does. The
   * spec's function and timeout apply as in Spark; its partitioning is the tasks'. An initial
   * state RDD is refused: a copy's RDD cannot seed the state of tasks other copies run.
   */
  mapWithState<K, V, S, E>(operator: string, pairs: DStream<[K, V]>, spec: StateSpec<K, V, S, E>): ScaleOutMapWithStateDStream<K, V, S, E> {
    if (!(spec instanceof StateSpec)) throw new ConfigException(`KafkaScaleOut.mapWithState('${operator}'): expected a StateSpec (StateSpec.function(fn)), got ${String(spec)}`);
    if (spec.getInitialStateRDD() !== undefined) {
      throw new ConfigException(
        `KafkaScaleOut.mapWithState('${operator}'): StateSpec.initialState is not supported across copies (each copy would seed every task); ` +
          `write the initial states through the stream instead, e.g. as the first records of the input, or start from an empty state`,
      );
    }
    const topic = this.mapSide("mapWithState", operator, pairs);
    const stream = new ScaleOutMapWithStateDStream<K, V, S, E>(this.stateSite(operator, topic), spec);
    this.reducers.push(stream);
    return stream;
  }

  /**
   * Spark's reduceByKeyAndWindow, global across copies: built on `updateStateByKey`, so that the
   * window of each key (its reduced value, and the per-batch values still inside the window)
   * lives in the operator's changelog and follows its task. With `invReduceFunc`, values leaving
   * the window are taken out with it, and a key stays (say at 0) until `filterFunc` drops it, as
   * in Spark; without, each window is reduced from its batches, and a key with none is gone.
   * The durations must be multiples of the batch interval, and the window of the slide. Batch t
   * covers the pairs that the repartition emitted in (t − window, t].
   */
  reduceByKeyAndWindow<K, V>(
    operator: string,
    pairs: DStream<[K, V]>,
    reduceFunc: (a: V, b: V) => V,
    invReduceFunc: ((a: V, b: V) => V) | undefined,
    windowDuration: DurationLike,
    slideDuration?: DurationLike,
    filterFunc?: (kv: [K, V]) => boolean,
  ): DStream<[K, V]> {
    const batchMs = this.ssc.batchDuration.milliseconds;
    const ms = (d: DurationLike): number => (typeof d === "number" ? d : d.milliseconds);
    const windowMs = ms(windowDuration);
    const slideMs = slideDuration === undefined ? batchMs : ms(slideDuration);
    for (const [what, d] of [["window", windowMs], ["slide", slideMs]] as const) {
      if (!Number.isFinite(d) || d <= 0 || d % batchMs !== 0) {
        throw new ConfigException(`KafkaScaleOut.reduceByKeyAndWindow('${operator}'): the ${what} duration of windowed DStream (${d} ms) must be a multiple of the slide duration of parent DStream (${batchMs} ms)`);
      }
    }
    if (windowMs % slideMs !== 0) throw new ConfigException(`KafkaScaleOut.reduceByKeyAndWindow('${operator}'): the window duration (${windowMs} ms) must be a multiple of the slide duration (${slideMs} ms)`);
    type Window = { w: V; p: Array<[number, V]> };
    const state = this.updateStateByKey<K, V, Window>(operator, pairs, (time: Time, key: K, values: V[], s: Window | undefined) => {
      const t = time.milliseconds;
      const kept: Array<[number, V]> = [];
      const expired: V[] = [];
      for (const e of s?.p ?? []) (e[0] <= t - windowMs ? expired.push(e[1]) : kept.push(e));
      if (values.length > 0) kept.push([t, values.reduce(reduceFunc)]);
      let w: V | undefined;
      if (invReduceFunc === undefined) {
        if (kept.length === 0) return undefined;
        w = kept.map((e) => e[1]).reduce(reduceFunc);
      } else {
        // As Spark's ReducedWindowedDStream: the old values leave reduced together, then the new arrive.
        w = s?.w;
        if (w !== undefined && expired.length > 0) w = invReduceFunc(w, expired.reduce(reduceFunc));
        if (values.length > 0) w = w === undefined ? kept[kept.length - 1]![1] : reduceFunc(w, kept[kept.length - 1]![1]);
        if (w === undefined) return undefined;
      }
      if (filterFunc !== undefined && !filterFunc([key, w])) return undefined;
      return { w, p: kept };
    });
    const windows = state.map(([k, s]): [K, V] => [k, s.w]);
    // A window one batch long, sliding by `slide`: every slide-th batch of the state, as it is.
    return slideMs === batchMs ? windows : windows.window(batchMs, slideMs);
  }

  /** Registers an operator's map side: each batch's pairs go to its repartition topic, to the partition HashPartitioner gives the key. */
  private mapSide<K, V>(method: string, operator: string, pairs: DStream<[K, V]>): string {
    if (this.started) throw new ConfigException(`KafkaScaleOut.${method}: define streams before start()`);
    if (typeof operator !== "string" || !TOPIC_NAME.test(operator)) {
      throw new ConfigException(`KafkaScaleOut.${method}: operator name ${JSON.stringify(operator)} must be letters, digits, '.', '_' or '-'`);
    }
    const topic = `${this.applicationId}-${operator}-repartition`;
    if (this.mapSides.some((m) => m.topic === topic)) throw new ConfigException(`KafkaScaleOut.${method}: operator '${operator}' is already defined`);
    this.mapSides.push({ topic, operator });
    pairs.foreachRDD(async (rdd, time) => {
      await this.gather(time, async () => {
        const partitioner = new HashPartitioner(this.tasks);
        const t = String(time.milliseconds);
        // Pairs go packed, many to a record: what a batch costs to produce, commit and read
        // back is then its bytes, not its count of pairs.
        const byPartition: string[][] = Array.from({ length: this.tasks }, () => []);
        for (const [k, v] of await rdd.collect()) byPartition[partitioner.getPartition(k)]!.push(JSON.stringify([k, v]));
        const out: ProducerRecord[] = [];
        byPartition.forEach((pairs, partition) => {
          for (let i = 0; i < pairs.length; ) {
            let bytes = 0;
            let j = i;
            while (j < pairs.length && (j === i || bytes + pairs[j]!.length < REPARTITION_CHUNK_CHARS)) bytes += pairs[j++]!.length + 1;
            out.push({ topic, partition, value: `[${pairs.slice(i, j).join(",")}]`, headers: { [TIME_HEADER]: t, [PAIRS_HEADER]: String(j - i) } });
            i = j;
          }
        });
        return out;
      });
    });
    return topic;
  }

  /** The reduce sides that keep state in a changelog. */
  private stateStreams(): Array<ChangelogStateDStream<unknown, unknown, unknown, unknown>> {
    return this.reducers.filter((r): r is ChangelogStateDStream<unknown, unknown, unknown, unknown> => r instanceof ChangelogStateDStream);
  }

  private stateSite(operator: string, repartitionTopic: string): StateStreamSite {
    return { ssc: this.ssc, operator, repartitionTopic, changelogTopic: `${this.applicationId}-${operator}-changelog`, taskCount: () => this.tasks, runtime: this.reducerRuntime(), params: this.params };
  }

  private reducerRuntime(): ReducerRuntime {
    return {
      ...this.runtime(),
      zeroTime: () => this.grid!.zeroTime,
      metadata: () => this.meta!,
      currentGeneration: () => this.membership?.state?.generationId ?? -1,
      ownedSince: (task) => this.ownedSince.get(task),
      isCurrent: (time) => this.pending.get(time.milliseconds)?.epoch === this.epoch,
      maxWaitMs: Math.max(this.sessionTimeoutMs * 3, 30_000),
    };
  }

  /** Writes each batch's elements to `topic` in the copy's transaction of that batch. */
  writeTransactional<T>(stream: DStream<T>, topic: string, serializer?: ScaleOutSerializer<T>): void {
    if (this.started) throw new ConfigException("KafkaScaleOut.writeTransactional: define outputs before start()");
    if (typeof topic !== "string" || !TOPIC_NAME.test(topic)) throw new ConfigException(`KafkaScaleOut.writeTransactional: bad topic name ${JSON.stringify(topic)}`);
    stream.foreachRDD(async (rdd, time) => {
      await this.gather(time, async () => (await rdd.collect()).map((x) => toRecord(topic, serializer ? serializer(x, time) : defaultRecord(x))));
    });
  }

  private async gather(time: Time, produce: () => Promise<ProducerRecord[]>): Promise<void> {
    const b = this.batch(time);
    try {
      for (const r of await produce()) b.records.push(r);
    } catch (e) {
      b.failed = true;
      throw e;
    }
  }

  private batch(time: Time): PendingBatch {
    let b = this.pending.get(time.milliseconds);
    if (!b) {
      b = { epoch: this.epoch, records: [], failed: false };
      this.pending.set(time.milliseconds, b);
    }
    return b;
  }

  private membershipFor(time: Time): Promise<MembershipState> {
    let p = this.generations.get(time.milliseconds);
    if (!p) {
      p = this.membership!.stable().then(async (s) => {
        // After a rebalance, tasks may have come from a copy whose last transaction is still
        // open: nothing is read for them until the group's offsets are stable again.
        if (s.generationId !== this.settledGeneration) {
          await this.committedOffsets();
          if (this.mapSides.length > 0) await this.readMarks();
          this.settledGeneration = s.generationId;
        }
        return s;
      });
      this.generations.set(time.milliseconds, p);
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.settled.set(time.milliseconds, { done, resolve });
      // The batch's epoch is fixed with its assignment: a failure after this invalidates it.
      this.batch(time);
    }
    return p;
  }

  /**
   * The latest batch each task has marked (committed in the metadata topic with the markers).
   * A copy that takes a task over skips it in batches up to that time: its previous owner, or
   * this copy before a failed batch, already wrote them, and reducers may have emitted them;
   * records written again under such a time would come too late and be dropped.
   */
  private async readMarks(): Promise<void> {
    this.marks.clear();
    for (const [k, v] of await this.meta!.latest(30_000)) if (k.startsWith("mark/") && typeof v === "number") this.marks.set(Number(k.slice(5)), v);
  }

  /** The tasks that batch `time` runs: its assignment's, less those already marked at or after it. */
  private runnableTasks(state: MembershipState, time: Time): number[] {
    const ran = state.tasks.filter((task) => (this.marks.get(task) ?? Number.NEGATIVE_INFINITY) < time.milliseconds);
    for (const task of [...this.ownedSince.keys()]) if (!state.tasks.includes(task)) this.ownedSince.delete(task);
    for (const task of ran) if (!this.ownedSince.has(task)) this.ownedSince.set(task, time.milliseconds);
    return ran;
  }

  /** The group's committed offsets, once no open transaction commits offsets for it (Kafka's require_stable). */
  private async committedOffsets(): Promise<OffsetToCommit[]> {
    const deadline = Date.now() + Math.max(60_000, this.sessionTimeoutMs * 6);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.admin.listConsumerGroupOffsets(this.applicationId);
      } catch (e) {
        if (Date.now() >= deadline) throw e;
        if (attempt === 0) logger().info(`KafkaScaleOut '${this.applicationId}': the group's offsets are not stable yet (an open transaction); waiting`);
        await delay(200);
      }
    }
  }

  private async startingOffsets(tps: ReadonlyArray<{ topic: string; partition: number }>): Promise<TopicPartitionOffset[]> {
    const committed = await this.committedOffsets();
    // Unstable while a transaction that commits offsets for the group is open (a dead copy's, until it times out).
    const byKey = new Map(committed.map((o) => [`${o.topic}-${o.partition}`, o.offset]));
    const out: TopicPartitionOffset[] = [];
    const rest: Array<{ topic: string; partition: number }> = [];
    for (const tp of tps) {
      const o = byKey.get(`${tp.topic}-${tp.partition}`);
      if (o !== undefined) out.push({ ...tp, offset: o });
      else rest.push(tp);
    }
    const internal = (t: string): boolean => this.mapSides.some((m) => m.topic === t);
    const reset = String(this.params["auto.offset.reset"] ?? "latest");
    const earliest = rest.filter((tp) => internal(tp.topic) || reset === "earliest");
    const latest = rest.filter((tp) => !internal(tp.topic) && reset === "latest");
    const none = rest.filter((tp) => !internal(tp.topic) && reset !== "earliest" && reset !== "latest");
    if (none.length > 0) {
      throw new NoOffsetForPartitionException(
        `KafkaScaleOut '${this.applicationId}': no committed offset for ${none.map((t) => `${t.topic}-${t.partition}`).join(", ")} and auto.offset.reset=${reset}; set it to earliest or latest`,
      );
    }
    if (earliest.length > 0) out.push(...(await this.admin.beginningOffsets(earliest)));
    if (latest.length > 0) out.push(...(await this.admin.endOffsets(latest, "read_committed")));
    return out;
  }

  /**
   * Joins the group, checks the topics, agrees on the batch grid and starts the context. Resolves
   * with the start-up report once the first assignment is known.
   */
  async start(): Promise<ScaleOutReport> {
    if (this.started) throw new ConfigException("KafkaScaleOut.start() was already called");
    if (this.inputs.length === 0) throw new ConfigException("KafkaScaleOut.start(): define an input with createStream first");
    this.started = true;
    // The last output operation of every batch: the transaction of everything the others gathered.
    this.inputs[0]!.foreachRDD(async (_rdd, time) => this.commitBatch(time));
    this.adminClient = KafkaClients.admin(this.params);
    const inputTopics = [...new Set(this.inputs.flatMap((s) => s.topics))];
    const metrics = (this.metrics = new ScaleOutMetrics({
      applicationId: this.applicationId,
      instanceId: this.instanceId,
      inputTopics: () => inputTopics,
      repartitionTopics: () => this.mapSides.map((m) => m.topic),
      taskCount: () => this.tasks,
      admin: () => this.admin,
      consumer: () => KafkaClients.consumer({ ...this.params, "isolation.level": "read_committed" }),
    }));
    registerMetricsSource(this.ssc, metrics);
    this.onAssigned((s) => metrics.assigned(s));
    this.onBatchCommitted((b) => metrics.committed(b));
    const described = await this.admin.describeTopics(inputTopics);
    const counts = described.map((d) => ({ topic: d.name, partitions: d.partitions.length }));
    if (new Set(counts.map((c) => c.partitions)).size > 1) {
      throw new ConfigException(
        `KafkaScaleOut '${this.applicationId}': the input topics must be co-partitioned (one task reads partition p of each), but their partition counts differ: ` +
          `${counts.map((c) => `${c.topic} has ${c.partitions}`).join(", ")}. Give them the same number of partitions, or run them as separate applications.`,
      );
    }
    this.tasks = counts[0]!.partitions;
    for (const m of this.mapSides) {
      await this.admin.createTopics([{ name: m.topic, numPartitions: this.tasks }], { ifNotExists: true });
      const [d] = await this.admin.describeTopics([m.topic]);
      if (d!.partitions.length !== this.tasks) {
        throw new ConfigException(
          `KafkaScaleOut '${this.applicationId}': the repartition topic ${m.topic} has ${d!.partitions.length} partitions but the input topics have ${this.tasks}; ` +
            `they must be equal (co-partitioned). Delete ${m.topic} while no copy runs, or recreate the inputs with ${d!.partitions.length} partitions.`,
        );
      }
    }
    for (const st of this.stateStreams()) await st.createChangelog(this.tasks);
    this.meta = new MetadataTopic(`${this.applicationId}-metadata`, this.admin, this.params);
    await this.meta.create();
    this.producer = KafkaClients.producer({
      ...this.params,
      "transactional.id": `${this.applicationId}-${this.instanceId}`,
      "transaction.timeout.ms": this.transactionTimeoutMs,
    });
    try {
      // As Kafka's initTransactions, wait up to max.block.ms: a new cluster's transaction
      // coordinator answers COORDINATOR_NOT_AVAILABLE or NOT_COORDINATOR while it creates and
      // loads __transaction_state, and one that cannot create it never stops answering so.
      const producer = this.producer;
      const timeoutMs = producerSettings(this.params).producer.maxBlockMs;
      await waitForBrokers(() => producer.initTransactions(), {
        what: `initialize transactions for transactional.id '${producer.transactionalId}'`,
        who: `KafkaScaleOut '${this.applicationId}'`,
        brokers: brokersOf(this.params).map((b) => `${b.host}:${b.port}`).join(","),
        signal: new AbortController().signal,
        deadline: { at: Date.now() + timeoutMs, timeoutMs, setting: "max.block.ms" },
      });
    } catch (e) {
      throw new KafkaException(
        `KafkaScaleOut '${this.applicationId}': the brokers cannot run transactions (initTransactions failed: ${e instanceof Error ? e.message : String(e)}). ` +
          `Scale-out commits each batch in a transaction: use brokers with transactions enabled (Kafka ≥ 2.5, transaction.state.log.replication.factor ≤ the number of brokers).`,
        { cause: e },
      );
    }
    const producer = KafkaClients.producer(this.params);
    try {
      const { grid, created } = await agreeOnGrid(
        this.meta,
        producer,
        { batchMs: this.ssc.batchDuration.milliseconds, fingerprint: this.ssc.graphFingerprint(), instanceId: this.instanceId },
        this.firstBatchDelayMs,
        30_000,
      );
      this.grid = grid;
      this.ssc.alignBatchesTo(new Time(grid.zeroTime));
      const previous = (await this.meta.latest(30_000)).get(this.tasksKey());
      this.membership = new GroupMembership({
        initialTasks: Array.isArray(previous) ? previous.filter((t): t is number => Number.isInteger(t)) : [],
        brokers: brokersOf(this.params),
        groupId: this.applicationId,
        instanceId: this.instanceId,
        topics: [...inputTopics, ...this.mapSides.map((m) => m.topic)],
        sessionTimeoutMs: this.sessionTimeoutMs,
        rebalanceTimeoutMs: Math.max(this.sessionTimeoutMs, 10_000),
        heartbeatIntervalMs: Math.max(100, Math.floor(this.sessionTimeoutMs / 5)),
      });
      this.membership.on("assigned", (s: MembershipState) => {
        logger().info(`KafkaScaleOut '${this.applicationId}' copy '${this.instanceId}': generation ${s.generationId}, tasks [${s.tasks.join(", ")}] of ${this.tasks}`);
        for (const l of this.assignedListeners) l(s);
      });
      this.membership.on("error", (e: unknown) => logger().warn(`KafkaScaleOut '${this.applicationId}': group membership: ${String(e)}`));
      const state = await this.membership.join();
      this.ssc.start();
      const report: ScaleOutReport = {
        applicationId: this.applicationId,
        instanceId: this.instanceId,
        generationId: state.generationId,
        tasks: state.tasks,
        taskCount: this.tasks,
        inputs: counts,
        repartitions: this.mapSides.map((m) => m.topic),
        changelogs: this.stateStreams().map((st) => st.changelogTopic),
        repartition:
          this.mapSides.length === 0
            ? `none: the input topics (${inputTopics.join(", ")}) are co-partitioned, task p reads partition p of each, and no operator re-keys`
            : `through ${this.mapSides.map((m) => `${m.topic} (${this.tasks} partitions, HashPartitioner of the key)`).join(", ")}`,
        zeroTime: grid.zeroTime,
        batchMs: grid.batchMs,
        createdGrid: created,
      };
      logger().info({ scaleOut: report }, `KafkaScaleOut '${this.applicationId}' copy '${this.instanceId}' started: repartition ${report.repartition}`);
      return report;
    } finally {
      await producer.close();
    }
  }

  private tasksKey(): string {
    return `tasks/${this.instanceId}`;
  }

  /** Called after every rebalance with this copy's tasks and the group generation. */
  onAssigned(listener: (state: MembershipState) => void): void {
    this.assignedListeners.push(listener);
  }

  /** Called after each batch's transaction commits, with what it read. */
  onBatchCommitted(listener: (batch: CommittedBatch) => void): void {
    this.committedListeners.push(listener);
  }

  /** The agreed zero time of the batch grid (after start()). */
  get zeroTime(): number {
    if (!this.grid) throw new KafkaException(`KafkaScaleOut '${this.applicationId}': the batch grid is agreed in start()`);
    return this.grid.zeroTime;
  }

  /** The latest assignment: tasks and group generation. */
  get assignment(): MembershipState | undefined {
    return this.membership?.state;
  }

  private reset(time: Time, why: unknown): void {
    this.epoch++;
    this.abortedBatches++;
    this.ownedSince.clear();
    for (const s of this.inputs) s.resetPositions();
    for (const r of this.reducers) r.reset();
    logger().warn(`KafkaScaleOut '${this.applicationId}' copy '${this.instanceId}': batch ${time} was not committed (${why instanceof Error ? why.message : String(why)}); its tasks' next owner redoes it from the committed offsets`);
  }

  private async commitBatch(time: Time): Promise<void> {
    try {
      await this.commitBatchOnce(time);
    } finally {
      this.settled.get(time.milliseconds)?.resolve();
      // The next batch's reducers have read it by the time the one after it begins.
      this.settled.delete(time.milliseconds - this.ssc.batchDuration.milliseconds);
    }
  }

  private async commitBatchOnce(time: Time): Promise<void> {
    const t = time.milliseconds;
    const b = this.pending.get(t);
    const state = await this.generations.get(t);
    this.pending.delete(t);
    this.generations.delete(t);
    if (!b || !state || b.failed || b.epoch !== this.epoch) {
      if (b && b.epoch === this.epoch) this.reset(time, "an output operation of the batch failed");
      return;
    }
    const records = [...b.records];
    const markerTime = String(t);
    const ran = this.runnableTasks(state, time);
    for (const m of this.mapSides) {
      for (const task of ran) {
        for (let r = 0; r < this.tasks; r++) records.push({ topic: m.topic, partition: r, value: "", headers: { [TIME_HEADER]: markerTime, [MARKER_HEADER]: String(task) } });
      }
    }
    if (this.mapSides.length > 0) for (const task of ran) records.push({ topic: this.meta!.topic, partition: 0, key: `mark/${task}`, value: markerTime });
    const offsets: OffsetToCommit[] = [];
    for (const s of this.inputs) for (const r of s.offsetRangesFor(time)) offsets.push({ topic: r.topic, partition: r.partition, offset: r.untilOffset });
    for (const red of this.reducers) {
      const c = red.commitFor(time);
      if (c) {
        for (const o of c.offsets) offsets.push(o);
        for (const r of c.records) records.push(r);
      }
    }
    const tasksChanged = this.committedTasks === undefined || this.committedTasks.join() !== state.tasks.join();
    if (tasksChanged) records.push({ topic: this.meta!.topic, partition: 0, key: this.tasksKey(), value: JSON.stringify(state.tasks) });
    const producer = this.producer!;
    const begun = Date.now();
    try {
      await producer.beginTransaction();
      try {
        for (let i = 0; i < records.length; i += 5_000) await producer.send(records.slice(i, i + 5_000));
        await producer.sendOffsetsToTransaction(offsets, { groupId: this.applicationId, generationId: state.generationId, memberId: state.memberId });
      } catch (e) {
        await producer.abortTransaction().catch(() => undefined);
        throw e;
      }
      await producer.commitTransaction();
      this.committedBatches++;
      this.committedTasks = state.tasks;
      const batch: CommittedBatch = { time: t, generationId: state.generationId, tasks: state.tasks, inputRanges: this.inputs.flatMap((s) => s.offsetRangesFor(time).map((r) => ({ topic: r.topic, partition: r.partition, fromOffset: r.fromOffset, untilOffset: r.untilOffset }))), repartitionOffsets: this.reducers.flatMap((red) => red.commitFor(time)?.offsets ?? []), records: records.length };
      for (const l of this.committedListeners) l(batch);
      logger().debug(`KafkaScaleOut '${this.applicationId}' copy '${this.instanceId}': batch ${time}: committed ${records.length} records, generation ${state.generationId}`);
    } catch (e) {
      this.reset(time, e);
      if (e instanceof ProducerFencedException) {
        const openMs = Date.now() - begun;
        // The broker aborts a transaction left open past its timeout and bumps the producer's
        // epoch, which the producer then sees as a fence: too big a batch, not a second copy.
        if (openMs >= this.transactionTimeoutMs) {
          throw new ProducerFencedException(
            `KafkaScaleOut '${this.applicationId}': batch ${time} held its transaction open for ${openMs} ms, longer than transaction.timeout.ms (${this.transactionTimeoutMs} ms, ` +
              `the larger of sessionTimeoutMs and 10 s), so the broker aborted it (${records.length} records to write). Cap the records a batch reads with ` +
              `spark.streaming.kafka.maxRatePerPartition (records per second per partition), or raise sessionTimeoutMs. ${e.message}`,
            { cause: e },
          );
        }
        throw new ProducerFencedException(
          `KafkaScaleOut '${this.applicationId}': another copy runs with instance id '${this.instanceId}' (transactional.id ${producer.transactionalId}); give each copy its own instanceId. ${e.message}`,
          { cause: e },
        );
      }
    }
  }

  /** Stops the context, then the group membership and the clients. */
  async stop(options: { leaveGroup?: boolean } = {}): Promise<void> {
    await this.ssc.stop({ stopSparkContext: true, stopGracefully: false });
    await Promise.allSettled([this.membership?.close(options.leaveGroup ?? false), this.producer?.close(), this.meta?.close(), this.metrics?.close()]);
    await this.adminClient?.close();
  }
}

function defaultRecord(x: unknown): SinkRecord {
  if (typeof x === "string" || x instanceof Uint8Array) return x;
  if (Array.isArray(x) && x.length === 2) return { key: String(x[0]), value: typeof x[1] === "string" ? x[1] : JSON.stringify(x[1]) };
  return JSON.stringify(x);
}

function toRecord(topic: string, r: SinkRecord): ProducerRecord {
  if (typeof r === "string" || r instanceof Uint8Array) return { topic, value: r };
  return { ...r, topic: r.topic ?? topic };
}
