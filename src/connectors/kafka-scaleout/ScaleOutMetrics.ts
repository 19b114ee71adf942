import { logger } from "../../core/log.js";
import type { StreamingGauge, StreamingMetricsSource } from "../../index.js";
import type { KafkaAdminClient } from "../kafka/index.js";
import type { MembershipState } from "./GroupMembership.js";

/** One input partition of this copy's tasks: how far the input goes and how far the copy has committed. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The partition's read_committed end offset, as of the last refresh. */
  readonly endOffset: number;
  /** The offset this copy's last committed batch read up to. */
  readonly processedOffset: number;
  readonly lag: number;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * A copy's tasks, group generation and per-partition consumer lag, for `/metrics` and the REST
 * API. The end offsets are asked for after each committed batch, in the background, because the
 * metrics are read synchronously on each request.
 */
export class ScaleOutMetrics implements StreamingMetricsSource {
  readonly name = "kafka-scaleout";
  private state: MembershipState | undefined;
  private readonly processed = new Map<string, { topic: string; partition: number; offset: number }>();
  private readonly ends = new Map<string, number>();
  private refreshing = false;

  constructor(
    private readonly applicationId: string,
    private readonly instanceId: string,
    private readonly inputTopics: () => readonly string[],
    private readonly taskCount: () => number,
    private readonly admin: () => KafkaAdminClient,
  ) {}

  assigned(state: MembershipState): void {
    this.state = state;
    for (const [k, p] of this.processed) if (!state.tasks.includes(p.partition)) this.processed.delete(k);
  }

  committed(ranges: ReadonlyArray<{ topic: string; partition: number; untilOffset: number }>): void {
    for (const r of ranges) if (this.state?.tasks.includes(r.partition) ?? true) this.processed.set(key(r.topic, r.partition), { topic: r.topic, partition: r.partition, offset: r.untilOffset });
    void this.refresh();
  }

  private async refresh(): Promise<void> {
    const tasks = this.state?.tasks ?? [];
    if (this.refreshing || tasks.length === 0) return;
    this.refreshing = true;
    try {
      const tps = this.inputTopics().flatMap((topic) => tasks.map((partition) => ({ topic, partition })));
      for (const o of await this.admin().endOffsets(tps, "read_committed")) this.ends.set(key(o.topic, o.partition), o.offset);
    } catch (e) {
      logger().debug(`KafkaScaleOut '${this.applicationId}': end offsets for the lag metrics: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.refreshing = false;
    }
  }

  /** The lag of each input partition of this copy's tasks that it has committed a batch of. */
  lag(): PartitionLag[] {
    const out: PartitionLag[] = [];
    for (const [k, p] of this.processed) {
      const end = this.ends.get(k);
      if (end === undefined) continue;
      out.push({ topic: p.topic, partition: p.partition, endOffset: end, processedOffset: p.offset, lag: Math.max(0, end - p.offset) });
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  gauges(): StreamingGauge[] {
    const tasks = this.state?.tasks ?? [];
    const app = { application_id: this.applicationId, instance_id: this.instanceId };
    return [
      { name: "dstream_scaleout_consumer_lag_records", help: "Per input partition of this copy's tasks: its read_committed end offset less the offset this copy has committed.", samples: this.lag().map((l) => ({ labels: { ...app, topic: l.topic, partition: l.partition }, value: l.lag })) },
      { name: "dstream_scaleout_group_generation", help: "The consumer group generation of this copy's current assignment.", samples: this.state ? [{ labels: app, value: this.state.generationId }] : [] },
      { name: "dstream_scaleout_tasks", help: "Tasks (partition indices) this copy runs.", samples: [{ labels: app, value: tasks.length }] },
      { name: "dstream_scaleout_task_count", help: "Tasks of the application, over all copies (the input partition count).", samples: [{ labels: app, value: this.taskCount() }] },
      { name: "dstream_scaleout_task_assigned", help: "1 for each task this copy runs.", samples: tasks.map((task) => ({ labels: { ...app, task }, value: 1 })) },
    ];
  }

  status(): Record<string, unknown> {
    return {
      applicationId: this.applicationId,
      instanceId: this.instanceId,
      generationId: this.state?.generationId ?? null,
      tasks: this.state?.tasks ?? [],
      taskCount: this.taskCount(),
      lag: this.lag(),
    };
  }
}
