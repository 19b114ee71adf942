import { isSteppedClock, type Clock } from "../util/Clock.js";

/**
 * Ticks every block interval of the streaming clock. On the system clock it is a plain timer
 * that never keeps the process alive; on a manual clock it ticks when a move crosses an
 * interval boundary, so tests decide exactly where blocks are cut.
 */
export class BlockIntervalTimer {
  private interval: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private lastTick = 0;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly onTick: (now: number) => void,
  ) {}

  start(): void {
    if (this.interval || this.unsubscribe) return;
    const clock = this.clock;
    if (isSteppedClock(clock)) {
      this.lastTick = Math.floor(clock.getTimeMillis() / this.intervalMs);
      this.unsubscribe = clock.onTimeChanged((now) => {
        const tick = Math.floor(now / this.intervalMs);
        if (tick !== this.lastTick) {
          this.lastTick = tick;
          this.onTick(now);
        }
        return Promise.resolve();
      });
    } else {
      this.interval = setInterval(() => this.onTick(clock.getTimeMillis()), this.intervalMs);
      this.interval.unref();
    }
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
