import type { CheckpointJson } from "../checkpoint/CheckpointJson.js";

/** What one input partition contributed to one batch: its largest valid event time (null: none), and its counts. */
export type PartitionObservation = [maxEventTime: number | null, valid: number, invalid: number];

interface PartitionProgress {
  /** The largest event time seen so far; null before the first record. */
  max: number | null;
  /** The last batch time in which the partition had a record, for the idle timeout. */
  lastActive: number;
}

/** The tracker's view after one batch: the watermark in force from then on, and each partition's progress. */
interface Snapshot {
  time: number;
  /** null: no event time seen yet, so nothing is late. */
  watermark: number | null;
  partitions: PartitionProgress[];
  invalidTotal: number;
}

/** How many batches of history are kept, for batches recomputed after a failure or restart. */
const HISTORY = 64;

/**
 * An event-time stream's watermark, advanced once per batch as Spark's micro-batch engine does:
 * after batch t, the watermark is the minimum over input partitions of the largest event time
 * each has seen, minus the allowed out-of-orderness, and it never goes back. A partition with no
 * record for `idleTimeout` stops holding it back; when every partition is idle, the largest
 * event time seen anywhere counts. The watermark is kept per batch, so that a batch computed
 * again (a retried job, a recovery) sees exactly what it saw the first time.
 */
export class WatermarkTracker {
  private readonly history: Snapshot[] = [];

  constructor(
    private readonly maxOutOfOrdernessMs: number,
    private readonly idleTimeoutMs: number | undefined,
  ) {}

  /** Records batch `time`'s observations; observing a batch again replaces what it observed before. */
  observe(time: number, batch: readonly PartitionObservation[], zeroTime: number): void {
    const base = this.snapshotBefore(time);
    const partitions = (base?.partitions ?? []).map((p) => ({ ...p }));
    let invalid = 0;
    batch.forEach(([max, valid, bad], i) => {
      const p = (partitions[i] ??= { max: null, lastActive: zeroTime });
      if (valid > 0) p.lastActive = time;
      if (max !== null && (p.max === null || max > p.max)) p.max = max;
      invalid += bad;
    });
    const candidate = this.candidate(partitions, time);
    const previous = base?.watermark ?? null;
    let watermark = previous;
    if (candidate !== null) {
      const next = candidate - this.maxOutOfOrdernessMs;
      if (watermark === null || next > watermark) watermark = next;
    }
    const snapshot: Snapshot = { time, watermark, partitions, invalidTotal: (base?.invalidTotal ?? 0) + invalid };
    const at = this.history.findIndex((s) => s.time >= time);
    if (at === -1) this.history.push(snapshot);
    else this.history.splice(at, this.history[at]!.time === time ? this.history.length - at : 0, snapshot);
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
  }

  private candidate(partitions: readonly PartitionProgress[], time: number): number | null {
    const idle = (p: PartitionProgress) => this.idleTimeoutMs !== undefined && time - p.lastActive >= this.idleTimeoutMs;
    const active = partitions.filter((p) => !idle(p));
    if (active.length > 0) {
      let min: number | null = Infinity;
      for (const p of active) min = p.max === null || min === null ? null : Math.min(min, p.max);
      return min;
    }
    let max: number | null = null;
    for (const p of partitions) if (p.max !== null && (max === null || p.max > max)) max = p.max;
    return max;
  }

  /** The watermark in force before batch `time` (what its records are judged late against). */
  watermarkBefore(time: number): number | null {
    return this.snapshotBefore(time)?.watermark ?? null;
  }

  /** The watermark after batch `time`, or undefined if that batch has not been observed yet. */
  watermarkAfter(time: number): number | null | undefined {
    const s = this.history.find((h) => h.time === time);
    return s === undefined ? undefined : s.watermark;
  }

  /** The latest watermark; null before any event time. */
  current(): number | null {
    return this.history.at(-1)?.watermark ?? null;
  }

  /** Records whose event time could not be read, since the stream started (dead letters). */
  invalidCount(): number {
    return this.history.at(-1)?.invalidTotal ?? 0;
  }

  private snapshotBefore(time: number): Snapshot | undefined {
    for (let i = this.history.length - 1; i >= 0; i--) if (this.history[i]!.time < time) return this.history[i];
    return undefined;
  }

  toJSON(): CheckpointJson {
    return this.history.map((s) => ({
      time: s.time,
      watermark: s.watermark,
      invalidTotal: s.invalidTotal,
      partitions: s.partitions.map((p) => [p.max, p.lastActive]),
    }));
  }

  restore(json: CheckpointJson): void {
    if (!Array.isArray(json)) throw new TypeError(`withEventTime: the checkpointed watermark is not a list of batches: ${JSON.stringify(json)}`);
    this.history.length = 0;
    for (const e of json as Array<{ time: number; watermark: number | null; invalidTotal: number; partitions: Array<[number | null, number]> }>) {
      this.history.push({ time: e.time, watermark: e.watermark, invalidTotal: e.invalidTotal, partitions: e.partitions.map(([max, lastActive]) => ({ max, lastActive })) });
    }
  }
}
