import type { Clock } from "./Clock.js";

/** Wall-clock time. */
export class SystemClock implements Clock {
  getTimeMillis(): number {
    return Date.now();
  }

  async waitTillTime(targetTime: number): Promise<number> {
    for (;;) {
      const now = Date.now();
      if (now >= targetTime) return now;
      // Timers may fire a little early; loop until the wall clock really reached the target.
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(targetTime - now, 2_147_483_647)));
    }
  }
}
