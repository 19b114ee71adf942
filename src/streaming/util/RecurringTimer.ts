import type { Clock } from "./Clock.js";

/** Calls `callback` at every multiple of `period` on a running clock, one call per period even when late. */
export class RecurringTimer {
  private nextTime = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(
    private readonly clock: Clock,
    private readonly period: number,
    private readonly callback: (time: number) => void,
  ) {}

  /** The first multiple of the period strictly after now. */
  getStartTime(): number {
    return (Math.floor(this.clock.getTimeMillis() / this.period) + 1) * this.period;
  }

  start(startTime: number): void {
    this.nextTime = startTime;
    this.stopped = false;
    this.schedule();
  }

  /** Stops the timer; returns the last time it called back for. */
  stop(): number {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.nextTime - this.period;
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = Math.max(0, this.nextTime - this.clock.getTimeMillis());
    this.timer = setTimeout(() => this.tick(), Math.min(delay, 2_147_483_647));
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    if (this.clock.getTimeMillis() >= this.nextTime) {
      const t = this.nextTime;
      this.nextTime += this.period;
      this.callback(t);
    }
    this.schedule();
  }
}
