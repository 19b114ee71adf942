import type { SteppedClock } from "./Clock.js";
import { isExecutorMode } from "../../core/closure/index.js";

/**
 * A clock for tests that starts at 0 (or the given time) and moves only on `advance`/`setTime`.
 * Their promises settle once every batch the move made due has completed, output operations
 * included, so a test never sleeps.
 */
export class ManualClock implements SteppedClock {
  private time: number;
  private readonly waiters: Array<{ target: number; resolve: (now: number) => void }> = [];
  private readonly listeners = new Set<(now: number) => Promise<void>>();

  constructor(time = 0) {
    this.time = checkMillis("ManualClock", time);
  }

  getTimeMillis(): number {
    return this.time;
  }

  setTime(timeToSet: number): Promise<void> {
    this.time = checkMillis("setTime", timeToSet);
    return this.moved();
  }

  advance(timeToAdd: number): Promise<void> {
    // Batches already generated cannot be taken back: a clock that moves backwards would generate them again.
    if (checkMillis("advance", timeToAdd) < 0) throw new RangeError(`advance: a manual clock only moves forward, got ${timeToAdd} ms; use setTime to jump`);
    this.time += timeToAdd;
    return this.moved();
  }

  waitTillTime(targetTime: number): Promise<number> {
    if (this.time >= targetTime) return Promise.resolve(this.time);
    return new Promise((resolve) => this.waiters.push({ target: targetTime, resolve }));
  }

  onTimeChanged(listener: (now: number) => Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async moved(): Promise<void> {
    // An executor re-importing the application stops here: what follows is the driver's work.
    if (isExecutorMode()) return new Promise<void>(() => undefined);
    const now = this.time;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.target <= now) {
        this.waiters.splice(i, 1);
        w.resolve(now);
      }
    }
    await Promise.all([...this.listeners].map((l) => l(now)));
  }
}

function checkMillis(op: string, ms: number): number {
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw new TypeError(`${op}: expected a finite number of milliseconds, got ${String(ms)}`);
  }
  return ms;
}
