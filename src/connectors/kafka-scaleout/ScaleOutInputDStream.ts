import type { RDD } from "../../core/rdd/RDD.js";
import { InputDStream, type StreamingContext, type Time } from "../../index.js";
import {
  KafkaUtils,
  OffsetRange,
  type ConsumerRecord,
  type KafkaAdminClient,
  type KafkaParams,
  type TopicPartitionOffset,
} from "../kafka/index.js";
import type { MembershipState } from "./GroupMembership.js";

/** What an input stream needs from its application's coordinator. */
export interface ScaleOutRuntime {
  readonly applicationId: string;
  readonly admin: () => KafkaAdminClient;
  /** The assignment to fix batch `time` with; remembered per batch, so that its transaction commits in that generation. */
  readonly membershipFor: (time: Time) => Promise<MembershipState>;
  /** The tasks batch `time` reads: the assignment's, less those whose batch `time` a previous owner already ran. */
  readonly runnableTasks: (state: MembershipState, time: Time) => number[];
  /** Where a partition this copy has just been given starts: the group's committed offset, else auto.offset.reset. */
  readonly startingOffset: (tps: ReadonlyArray<{ topic: string; partition: number }>) => Promise<TopicPartitionOffset[]>;
  /** Resolves once the batch before `time` has committed its transaction, or given up. */
  readonly previousBatchSettled: (time: Time) => Promise<void>;
}

const key = (topic: string, partition: number): string => `${topic}-${partition}`;

/**
 * The input topics' partitions of the tasks this copy runs: each batch one offset range per
 * partition, read by the executors as a `KafkaRDD`, as Spark's direct stream does. The ranges
 * start where this copy's previous batch ended; a partition it has just been given starts at
 * the group's committed offset, which the previous owner committed in its last transaction.
 */
export class ScaleOutInputDStream<K = string | null, V = string> extends InputDStream<ConsumerRecord<K, V>> {
  private positions = new Map<string, number>();
  private readonly rangesByTime = new Map<number, OffsetRange[]>();
  private readonly maxPerBatch: number | undefined;

  constructor(
    ssc: StreamingContext,
    readonly topics: readonly string[],
    readonly kafkaParams: KafkaParams<K, V>,
    private readonly runtime: ScaleOutRuntime,
  ) {
    super(ssc);
    const rate = Number(ssc.conf.get("spark.streaming.kafka.maxRatePerPartition", "0"));
    this.maxPerBatch = rate > 0 ? Math.max(1, Math.trunc((rate * ssc.batchDuration.milliseconds) / 1000)) : undefined;
  }

  override get name(): string {
    return `Kafka scale-out stream [${this.id}] (${this.topics.join(", ")})`;
  }

  start(): void {}
  stop(): void {}

  /** Forgets every position: the next batch starts at the group's committed offsets (after a batch's transaction failed). */
  resetPositions(): void {
    this.positions = new Map();
  }

  offsetRangesFor(time: Time): readonly OffsetRange[] {
    return this.rangesByTime.get(time.milliseconds) ?? [];
  }

  override async prepareBatch(validTime: Time): Promise<void> {
    const t = validTime.milliseconds;
    if (this.rangesByTime.has(t)) return;
    // Held for the whole call: a failed batch replaces the map, and what this call computes
    // meanwhile belongs to a batch that the failure has already invalidated.
    const positions = this.positions;
    const state = await this.runtime.membershipFor(validTime);
    const owned = new Set(this.topics.flatMap((topic) => state.tasks.map((partition) => key(topic, partition))));
    const tps = this.topics.flatMap((topic) => this.runtime.runnableTasks(state, validTime).map((partition) => ({ topic, partition })));
    for (const k of [...positions.keys()]) if (!owned.has(k)) positions.delete(k);
    const fresh = tps.filter((tp) => !positions.has(key(tp.topic, tp.partition)));
    if (fresh.length > 0) for (const o of await this.runtime.startingOffset(fresh)) positions.set(key(o.topic, o.partition), o.offset);
    const isolation = this.kafkaParams["isolation.level"] === "read_committed" ? "read_committed" : "read_uncommitted";
    const ends = tps.length === 0 ? [] : await this.runtime.admin().endOffsets(tps, isolation);
    const ranges = ends.map((e) => {
      const from = positions.get(key(e.topic, e.partition))!;
      const until = this.maxPerBatch === undefined ? e.offset : Math.min(e.offset, from + this.maxPerBatch);
      return OffsetRange.create(e.topic, e.partition, from, Math.max(from, until));
    });
    for (const r of ranges) positions.set(key(r.topic, r.partition), r.untilOffset);
    this.rangesByTime.set(t, ranges);
    this.reportInputInfo(validTime, ranges.reduce((n, r) => n + r.count(), 0), { offsets: ranges, tasks: state.tasks, generation: state.generationId });
  }

  compute(validTime: Time): RDD<ConsumerRecord<K, V>> | undefined {
    const ranges = this.rangesByTime.get(validTime.milliseconds);
    if (ranges === undefined) return undefined;
    return KafkaUtils.createRDD<K, V>(this.context.sparkContext, this.kafkaParams, ranges);
  }

  override clearMetadata(time: Time, dropped: Array<RDD<unknown>> = []): void {
    super.clearMetadata(time, dropped);
    const limit = time.milliseconds - (this.rememberDuration?.milliseconds ?? 0);
    for (const t of [...this.rangesByTime.keys()]) if (t <= limit) this.rangesByTime.delete(t);
  }
}
