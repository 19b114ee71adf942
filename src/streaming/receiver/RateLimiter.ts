import { IllegalArgumentException } from "../../core/errors.js";

/** What a receiver's rate limit starts from: Spark's `spark.streaming.receiver.maxRate` and `spark.streaming.backpressure.initialRate`. */
export interface RateLimiterSettings {
  /** `spark.streaming.receiver.maxRate`: records per second, 0 for no cap. */
  readonly maxRate: number;
  /** `spark.streaming.backpressure.initialRate`: the limit until the first estimate, 0 for none (Spark applies it with or without backpressure). */
  readonly initialRate: number;
}

export function rateLimiterSettings(conf: { getOption(key: string): string | undefined }): RateLimiterSettings {
  const rate = (key: string): number => {
    const raw = conf.getOption(key);
    if (raw === undefined) return 0;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new IllegalArgumentException(`${key} should be a non-negative number of records per second, got ${raw}`);
    return n;
  };
  return { maxRate: rate("spark.streaming.receiver.maxRate"), initialRate: rate("spark.streaming.backpressure.initialRate") };
}

/**
 * Spark's receiver `RateLimiter`: the records per second one receiver may store, which is
 * `spark.streaming.receiver.maxRate` and, under backpressure, the rate controller's latest
 * estimate capped by it. Spark's limiter blocks the receiving thread; a Node receiver must not
 * block, so the limiter says how long to wait (`taken`) or gives a promise (`waitToPush`), and
 * the receiver stops reading meanwhile: the limit throttles what it takes from the source, not
 * only what it stores. Reading loops call `waitToPush` before they read; push sources call
 * `taken` after a delivery and pause the source for the time it returns.
 */
export class RateLimiter {
  private limit: number;
  private nextFreeAt = 0;

  constructor(
    private readonly settings: RateLimiterSettings,
    private readonly now: () => number = Date.now,
  ) {
    const max = settings.maxRate > 0 ? settings.maxRate : Infinity;
    this.limit = settings.initialRate > 0 ? Math.min(settings.initialRate, max) : max;
  }

  /** Records per second now allowed; Infinity when nothing limits the receiver (Spark: Long.MaxValue). */
  getCurrentLimit(): number {
    return this.limit;
  }

  /** Spark's `updateRate`: a new estimate, capped by maxRate; non-positive estimates are ignored. */
  updateRate(newRate: number): void {
    if (!(newRate > 0)) return;
    this.limit = this.settings.maxRate > 0 ? Math.min(newRate, this.settings.maxRate) : newRate;
  }

  /**
   * Counts `records` a push source has delivered and returns the milliseconds to pause it so
   * that they fit the limit. Permits are paced at the current limit: an idle spell earns no burst.
   */
  taken(records: number): number {
    const slot = this.reserve(records);
    return slot === undefined ? 0 : slot.end - slot.now;
  }

  /** Resolves once `records` more fit the limit (at once when unlimited). */
  waitToPush(records = 1): Promise<void> {
    const slot = this.reserve(records);
    const wait = slot === undefined ? 0 : slot.start - slot.now;
    return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
  }

  /** Books `records` permits at the current limit: when they start and end; undefined when nothing limits. */
  private reserve(records: number): { now: number; start: number; end: number } | undefined {
    if (this.limit === Infinity || records <= 0) return undefined;
    const now = this.now();
    const start = Math.max(now, this.nextFreeAt);
    this.nextFreeAt = start + (records * 1000) / this.limit;
    return { now, start, end: this.nextFreeAt };
  }
}
