import { setTimeout as delay } from "node:timers/promises";
import type { Time } from "../../index.js";
import { KafkaClients, type KafkaConsumerClient, type OffsetToCommit, type ProducerRecord, type RawRecord } from "../kafka/index.js";
import type { MembershipState } from "./GroupMembership.js";
import type { MetadataTopic } from "./MetadataTopic.js";
import type { ScaleOutRuntime } from "./ScaleOutInputDStream.js";

/** Headers of the repartition records: the batch time that produced a record, and on a marker the upstream task it ends. */
export const TIME_HEADER = "dstream.t";
export const MARKER_HEADER = "dstream.task";
/** On a record of pairs: how many it packs (its value is a JSON array of [key, value] pairs). */
export const PAIRS_HEADER = "dstream.n";

/** What a reduce side needs from its application's coordinator, beyond an input stream's needs. */
export interface ReducerRuntime extends ScaleOutRuntime {
  readonly zeroTime: () => number;
  readonly metadata: () => MetadataTopic;
  readonly currentGeneration: () => number;
  readonly maxWaitMs: number;
  readonly ownedSince: (task: number) => number | undefined;
  readonly isCurrent: (time: Time) => boolean;
}

/** A reduce partition's progress, committed in the metadata topic with each batch's transaction. */
interface Progress {
  /** Every record with a batch time up to this one has been emitted. */
  readonly through: number;
  /** The highest end-of-batch marker seen from each upstream task. */
  readonly watermarks: Record<string, number>;
}

interface Buffered {
  readonly offset: number;
  readonly time: number;
  readonly pair: [unknown, unknown];
}

/** One repartition partition this copy reduces. */
interface ReducerPartition {
  position: number;
  through: number;
  readonly watermarks: Map<number, number>;
  buffer: Buffered[];
}

/** What batch `time` consumed, to commit in its transaction: repartition offsets, and records (progress, changelog updates). */
export interface ReducerCommit {
  readonly offsets: OffsetToCommit[];
  readonly records: ProducerRecord[];
}

/** The reduce side's contract with the coordinator, which commits or resets every reducer with the batch. */
export interface Reducer {
  reset(): void;
  commitFor(time: Time): ReducerCommit | undefined;
}

/** One batch's read: the assignment it was read under, and per reduce partition (task) the pairs it emits. */
export interface ReducerBatch<K, V> {
  readonly state: MembershipState;
  readonly byPartition: Map<number, Array<[K, V]>>;
  readonly commit: ReducerCommit;
  /** False once the reader was reset after this read began: the batch is then abandoned, and nothing may build on it. */
  readonly current: () => boolean;
}

function header(r: RawRecord, name: string): string | undefined {
  const h = r.headers.find((x) => x.key === name);
  if (h === undefined || h.value === null) return undefined;
  return typeof h.value === "string" ? h.value : Buffer.from(h.value).toString("utf8");
}

/**
 * Reads a repartition topic for the partitions this copy runs: the records that every upstream
 * task wrote, for the keys that hash to those partitions. Batch t emits the records of batch
 * t − 1 (one batch interval of latency), and only once every upstream task's end-of-batch marker
 * for it is in the topic under read_committed: a slow copy delays a batch, never splits it.
 * Records of later batches, which faster copies may already have written, wait in a buffer.
 */
export class RepartitionReader<K, V> {
  private parts = new Map<number, ReducerPartition>();
  private readonly consumer: KafkaConsumerClient;

  constructor(
    readonly operator: string,
    readonly topic: string,
    private readonly taskCount: () => number,
    private readonly batchMs: number,
    private readonly runtime: ReducerRuntime,
    params: Readonly<Record<string, unknown>>,
  ) {
    this.consumer = KafkaClients.consumer({ ...params, "group.id": runtime.applicationId, "isolation.level": "read_committed" });
  }

  /** How many reduce partitions this copy holds now. */
  get partitionCount(): number {
    return this.parts.size;
  }

  async close(): Promise<void> {
    await this.consumer.close();
  }

  private progressKey(r: number): string {
    return `progress/${this.operator}/${r}`;
  }

  /** Forgets every partition's position and buffer: the next batch restores them from what was committed. */
  reset(): void {
    this.parts = new Map();
  }

  private async restore(parts: Map<number, ReducerPartition>, tasks: readonly number[]): Promise<void> {
    const fresh = tasks.filter((r) => !parts.has(r));
    if (fresh.length === 0) return;
    const progress = await this.runtime.metadata().latest(this.runtime.maxWaitMs);
    const offsets = await this.runtime.startingOffset(fresh.map((partition) => ({ topic: this.topic, partition })));
    for (const o of offsets) {
      const p = progress.get(this.progressKey(o.partition)) as Progress | undefined;
      const watermarks = new Map<number, number>(Object.entries(p?.watermarks ?? {}).map(([k, v]) => [Number(k), v]));
      parts.set(o.partition, { position: o.offset, through: p?.through ?? Number.NEGATIVE_INFINITY, watermarks, buffer: [] });
    }
  }

  private async poll(parts: Map<number, ReducerPartition>, r: number, part: ReducerPartition): Promise<void> {
    const tp = { topic: this.topic, partition: r };
    const [end] = await this.runtime.admin().endOffsets([tp], "read_committed");
    if (end!.offset <= part.position) return;
    this.consumer.assign([...parts.keys()].map((partition) => ({ topic: this.topic, partition })));
    const records = await this.consumer.fetchRange(tp, part.position, end!.offset, { timeoutMs: this.runtime.maxWaitMs });
    for (const rec of records) {
      const time = Number(header(rec, TIME_HEADER));
      const task = header(rec, MARKER_HEADER);
      if (task !== undefined) {
        const p = Number(task);
        part.watermarks.set(p, Math.max(part.watermarks.get(p) ?? Number.NEGATIVE_INFINITY, time));
      } else if (time > part.through && rec.value !== null) {
        // Every pair of a record has its batch time: a record is emitted or kept whole.
        for (const pair of JSON.parse(rec.value.toString("utf8")) as Array<[unknown, unknown]>) part.buffer.push({ offset: rec.offset, time, pair });
      }
    }
    part.position = end!.offset;
  }

  /**
   * The batch time up to which every upstream task has marked its end. This copy's own tasks
   * count as done: `read` first waits for the previous batch's transaction, so what they wrote
   * in earlier batches is committed (or was aborted, and is read again and written with a later
   * batch time). Waiting for their markers instead would wait forever for a task just taken
   * over, whose previous owner died before marking. (No earlier owner's transaction can still
   * commit: after each rebalance the copy waits until the group's offsets are stable.)
   */
  private complete(part: ReducerPartition, own: ReadonlySet<number>): number {
    let low = Number.POSITIVE_INFINITY;
    for (let p = 0; p < this.taskCount(); p++) {
      let done = part.watermarks.get(p) ?? Number.NEGATIVE_INFINITY;
      // A task this copy runs is done up to the batch before it began running it; after that, as
      // far as its own markers are readable: a committed transaction's records become readable
      // only once the brokers have written its commit markers, a moment after commitTransaction.
      const since = own.has(p) ? this.runtime.ownedSince(p) : undefined;
      if (own.has(p)) done = Math.max(done, since === undefined ? Number.POSITIVE_INFINITY : since - this.batchMs);
      low = Math.min(low, done);
    }
    return low;
  }

  /** Batch `validTime`'s pairs, per reduce partition, and what to commit with it. */
  async read(validTime: Time): Promise<ReducerBatch<K, V>> {
    const t = validTime.milliseconds;
    // Held for the whole call, as in ScaleOutInputDStream: a reset replaces the map.
    const parts = this.parts;
    const state: MembershipState = await this.runtime.membershipFor(validTime);
    // Batch t − 1 may still be running; its own records become readable only when it commits.
    await this.runtime.previousBatchSettled(validTime);
    for (const r of [...parts.keys()]) if (!state.tasks.includes(r)) parts.delete(r);
    await this.restore(parts, state.tasks);
    const own = new Set(state.tasks);
    const target = t - this.batchMs;
    const started = Date.now();
    // Waits for the markers of batch t − 1, unless that batch precedes the grid, the group
    // rebalances meanwhile (the missing markers may be for tasks this copy is about to take
    // over, which it writes only in its own next batch), or the wait exceeds its bound.
    for (;;) {
      for (const [r, part] of parts) await this.poll(parts, r, part);
      const ready = [...parts.values()].every((p) => this.complete(p, own) >= target);
      if (ready || target <= this.runtime.zeroTime()) break;
      if (!this.runtime.isCurrent(validTime) || this.runtime.currentGeneration() !== state.generationId || Date.now() - started >= this.runtime.maxWaitMs) break;
      await delay(50);
    }
    const byPartition = new Map<number, Array<[K, V]>>();
    const offsets: OffsetToCommit[] = [];
    const records: ProducerRecord[] = [];
    for (const [r, part] of parts) {
      const through = Math.max(part.through, Math.min(this.complete(part, own), target));
      const pairs: Array<[K, V]> = [];
      const keep: Buffered[] = [];
      for (const b of part.buffer) (b.time <= through ? pairs.push(b.pair as [K, V]) : keep.push(b));
      byPartition.set(r, pairs);
      part.buffer = keep;
      part.through = through;
      // Everything before the first record still waiting has been emitted; records after it
      // that were emitted are skipped on a restore, by their batch time.
      offsets.push({ topic: this.topic, partition: r, offset: keep.length > 0 ? keep[0]!.offset : part.position });
      const value: Progress = { through, watermarks: Object.fromEntries(part.watermarks) };
      records.push({ topic: this.runtime.metadata().topic, partition: 0, key: this.progressKey(r), value: JSON.stringify(value) });
    }
    return { state, byPartition, commit: { offsets, records }, current: () => this.parts === parts };
  }
}
