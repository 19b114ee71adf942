import { logger } from "../../core/log.js";
import type { StreamingGauge, StreamingMetricsSource } from "../../index.js";
import type { KafkaAdminClient, KafkaConsumerClient } from "../kafka/index.js";
import type { MembershipState } from "./GroupMembership.js";
import { MARKER_HEADER, PAIRS_HEADER } from "./RepartitionReader.js";

/** One partition of this copy's tasks: how far the topic goes and how far the copy has committed. */
export interface PartitionLag {
  /** "input": an input topic; "repartition": a repartition topic, read by this copy's reduce side. */
  readonly kind: "input" | "repartition";
  readonly topic: string;
  readonly partition: number;
  /** The partition's read_committed end offset, as of the last refresh. */
  readonly endOffset: number;
  /** Input: the offset this copy's last committed batch read up to. Repartition: the offset the reducer starts from, committed with that batch. */
  readonly processedOffset: number;
  /** Records between the two; for a repartition partition, its end-of-batch markers are not counted. */
  readonly lag: number;
}

/** What the metrics take from a committed batch (a `CommittedBatch`). */
export interface CommittedOffsets {
  readonly inputRanges: ReadonlyArray<{ topic: string; partition: number; untilOffset: number }>;
  readonly repartitionOffsets?: ReadonlyArray<{ topic: string; partition: number; offset: number }>;
}

export interface ScaleOutMetricsOptions {
  readonly applicationId: string;
  readonly instanceId: string;
  readonly inputTopics: () => readonly string[];
  readonly repartitionTopics: () => readonly string[];
  /** Tasks of the application, over all copies. */
  readonly taskCount: () => number;
  readonly admin: () => KafkaAdminClient;
  /** A read_committed consumer for the repartition partitions, made on first use and closed by `close()`. */
  readonly consumer: () => KafkaConsumerClient;
  /** How long a read of the end offsets serves the requests that follow it (default 1000 ms). */
  readonly cacheMs?: number;
  /** How long a request waits for a read before it shows the last values (default 2000 ms). */
  readonly timeoutMs?: number;
}

/**
 * Past this many offsets, the rest of a repartition range is counted whole rather than read, so
 * that a scrape of a far-behind copy stays cheap; its markers are then a small part of it.
 */
const MAX_SCAN = 10_000;

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

interface Committed {
  readonly kind: PartitionLag["kind"];
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Records of a repartition partition counted from `from` (the committed offset) up to `scannedTo`, markers left out. */
interface Scan {
  readonly from: number;
  readonly scannedTo: number;
  readonly records: number;
}

/**
 * A copy's tasks, group generation and per-partition consumer lag, for `/metrics`, the REST API
 * and the Streaming page. The lag is the read_committed end offset, read when one of those is
 * requested (at most once per `cacheMs`), less the offsets of the copy's last committed batch:
 * it keeps growing while input arrives and batches stop committing. A read that fails, or takes
 * longer than `timeoutMs`, leaves the last values, and `dstream_scaleout_lag_age_seconds` says
 * how old they are.
 */
export class ScaleOutMetrics implements StreamingMetricsSource {
  readonly name = "kafka-scaleout";
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private state: MembershipState | undefined;
  private readonly committedOffsets = new Map<string, Committed>();
  private readonly ends = new Map<string, number>();
  private readonly scans = new Map<string, Scan>();
  private reading: Promise<void> | undefined;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  /** When the end offsets in the lag were read; undefined before the first read. */
  private readAt: number | undefined;
  private lastCommitAt: number | undefined;
  private commits = 0;
  private failing = false;
  private scanConsumer: KafkaConsumerClient | undefined;
  private closed = false;

  constructor(private readonly o: ScaleOutMetricsOptions) {
    this.cacheMs = o.cacheMs ?? 1_000;
    this.timeoutMs = o.timeoutMs ?? 2_000;
  }

  assigned(state: MembershipState): void {
    this.state = state;
    for (const [k, c] of this.committedOffsets) {
      if (!state.tasks.includes(c.partition)) {
        this.committedOffsets.delete(k);
        this.scans.delete(k);
      }
    }
  }

  committed(batch: CommittedOffsets): void {
    const own = (partition: number): boolean => this.state?.tasks.includes(partition) ?? true;
    for (const r of batch.inputRanges) if (own(r.partition)) this.committedOffsets.set(key(r.topic, r.partition), { kind: "input", topic: r.topic, partition: r.partition, offset: r.untilOffset });
    for (const r of batch.repartitionOffsets ?? []) if (own(r.partition)) this.committedOffsets.set(key(r.topic, r.partition), { kind: "repartition", topic: r.topic, partition: r.partition, offset: r.offset });
    this.lastCommitAt = Date.now();
    // End offsets read before this commit may be below its offsets: the next request reads anew.
    this.commits++;
    this.attemptedAt = Number.NEGATIVE_INFINITY;
  }

  /**
   * Reads the end offsets, unless they were read less than `cacheMs` ago; resolves within
   * `timeoutMs` whatever the broker does (a read still under way goes on, and the next request
   * waits for it rather than starting another).
   */
  async refresh(): Promise<void> {
    if (this.closed || Date.now() - this.attemptedAt < this.cacheMs) return;
    const commits = this.commits;
    this.reading ??= this.read().finally(() => {
      this.attemptedAt = this.commits === commits ? Date.now() : Number.NEGATIVE_INFINITY;
      this.reading = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), this.timeoutMs)));
    try {
      if (await Promise.race([this.reading.then(() => false), late])) this.failed(`no answer within ${this.timeoutMs} ms`);
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(): Promise<void> {
    const tasks = this.state?.tasks ?? [];
    if (tasks.length === 0) return;
    try {
      const tps = [...this.o.inputTopics(), ...this.o.repartitionTopics()].flatMap((topic) => tasks.map((partition) => ({ topic, partition })));
      for (const e of await this.o.admin().endOffsets(tps, "read_committed")) this.ends.set(key(e.topic, e.partition), e.offset);
      await this.scanRepartitions();
      this.readAt = Date.now();
      if (this.failing) logger().info(`KafkaScaleOut '${this.o.applicationId}': the lag metrics read the end offsets again`);
      this.failing = false;
    } catch (e) {
      this.failed(e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * Counts the pairs in the records of each repartition partition past its committed offset
   * (each record packs many), leaving out the end-of-batch markers: every batch of every copy writes one per task to each partition, so
   * counting them would show a lag on a copy that has nothing left to do. While the committed
   * offset stays, only what was written since the last read is read.
   */
  private async scanRepartitions(): Promise<void> {
    const parts = [...this.committedOffsets].filter(([, c]) => c.kind === "repartition");
    if (parts.length === 0) return;
    this.scanConsumer ??= this.o.consumer();
    this.scanConsumer.assign(parts.map(([, c]) => ({ topic: c.topic, partition: c.partition })));
    for (const [k, c] of parts) {
      const end = this.ends.get(k);
      if (end === undefined) continue;
      let s = this.scans.get(k);
      if (s === undefined || s.from !== c.offset || end < s.scannedTo) s = { from: c.offset, scannedTo: c.offset, records: 0 };
      const until = Math.min(end, s.scannedTo + MAX_SCAN);
      if (until > s.scannedTo) {
        const got = await this.scanConsumer.fetchRange({ topic: c.topic, partition: c.partition }, s.scannedTo, until, { timeoutMs: this.timeoutMs });
        let pairs = 0;
        for (const r of got) pairs += pairsIn(r.headers);
        s = { from: s.from, scannedTo: until, records: s.records + pairs };
      }
      this.scans.set(k, s);
    }
  }

  private failed(why: string): void {
    const message = `KafkaScaleOut '${this.o.applicationId}': the lag metrics could not read the end offsets (${why}); they show the values read ${this.readAt === undefined ? "never" : `${Date.now() - this.readAt} ms ago`} (dstream_scaleout_lag_age_seconds)`;
    if (this.failing) logger().debug(message);
    else logger().warn(message);
    this.failing = true;
  }

  /** The lag of each partition of this copy's tasks that it has committed a batch of. */
  lag(): PartitionLag[] {
    const out: PartitionLag[] = [];
    for (const [k, c] of this.committedOffsets) {
      const end = this.ends.get(k);
      if (end === undefined) continue;
      const s = this.scans.get(k);
      const counted = c.kind === "repartition" && s !== undefined && s.from === c.offset && end >= s.scannedTo ? s.records + (end - s.scannedTo) : end - c.offset;
      out.push({ kind: c.kind, topic: c.topic, partition: c.partition, endOffset: end, processedOffset: c.offset, lag: Math.max(0, counted) });
    }
    return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  gauges(): StreamingGauge[] {
    const tasks = this.state?.tasks ?? [];
    const app = { application_id: this.o.applicationId, instance_id: this.o.instanceId };
    const now = Date.now();
    return [
      {
        name: "dstream_scaleout_consumer_lag_records",
        help: "Per input and repartition partition of this copy's tasks (label kind): its read_committed end offset less the offset of this copy's last committed batch; repartition end-of-batch markers are not counted.",
        samples: this.lag().map((l) => ({ labels: { ...app, kind: l.kind, topic: l.topic, partition: l.partition }, value: l.lag })),
      },
      { name: "dstream_scaleout_lag_age_seconds", help: "How long ago the end offsets behind dstream_scaleout_consumer_lag_records were read (they are read when metrics are requested).", samples: this.readAt === undefined ? [] : [{ labels: app, value: (now - this.readAt) / 1000 }] },
      { name: "dstream_scaleout_last_commit_time_seconds", help: "When this copy last committed a batch, in seconds since the epoch.", samples: this.lastCommitAt === undefined ? [] : [{ labels: app, value: this.lastCommitAt / 1000 }] },
      { name: "dstream_scaleout_group_generation", help: "The consumer group generation of this copy's current assignment.", samples: this.state ? [{ labels: app, value: this.state.generationId }] : [] },
      { name: "dstream_scaleout_tasks", help: "Tasks (partition indices) this copy runs.", samples: [{ labels: app, value: tasks.length }] },
      { name: "dstream_scaleout_task_count", help: "Tasks of the application, over all copies (the input partition count).", samples: [{ labels: app, value: this.o.taskCount() }] },
      { name: "dstream_scaleout_task_assigned", help: "1 for each task this copy runs.", samples: tasks.map((task) => ({ labels: { ...app, task }, value: 1 })) },
    ];
  }

  status(): Record<string, unknown> {
    return {
      applicationId: this.o.applicationId,
      instanceId: this.o.instanceId,
      generationId: this.state?.generationId ?? null,
      tasks: this.state?.tasks ?? [],
      taskCount: this.o.taskCount(),
      lag: this.lag(),
      lagReadAt: this.readAt ?? null,
      lastCommitAt: this.lastCommitAt ?? null,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    // A read under way then fails, and is dropped like any failed read.
    await this.scanConsumer?.close();
  }
}

/** The pairs a repartition record packs: none in a marker. */
function pairsIn(headers: ReadonlyArray<{ key: string; value: string | Uint8Array | null }>): number {
  if (headers.some((h) => h.key === MARKER_HEADER)) return 0;
  const n = headers.find((h) => h.key === PAIRS_HEADER)?.value;
  return n === undefined || n === null ? 1 : Number(typeof n === "string" ? n : Buffer.from(n).toString("utf8"));
}
