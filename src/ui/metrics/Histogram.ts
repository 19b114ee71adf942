/** Batch delays in seconds: from a few milliseconds to minutes behind. */
export const DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** A cumulative Prometheus histogram: per-bucket counts, sum and count since the start. */
export class Histogram {
  private readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly buckets: readonly number[] = DELAY_BUCKETS) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) this.counts[i]!++;
  }

  /** (upper bound, observations at or below it), the last being +Inf. */
  cumulative(): Array<[number, number]> {
    return [...this.buckets.map((b, i): [number, number] => [b, this.counts[i]!]), [Infinity, this.count]];
  }
}
