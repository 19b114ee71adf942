import type { Duration } from "./Duration.js";
import { Time } from "./Time.js";

/** A span (beginTime, endTime] of stream time, as a window covers it. */
export class Interval {
  constructor(
    readonly beginTime: Time,
    readonly endTime: Time,
  ) {}

  duration(): Duration {
    return this.endTime.minus(this.beginTime);
  }

  plus(d: Duration): Interval {
    return new Interval(this.beginTime.plus(d), this.endTime.plus(d));
  }

  minus(d: Duration): Interval {
    return new Interval(this.beginTime.minus(d), this.endTime.minus(d));
  }

  toString(): string {
    return `[${this.beginTime}, ${this.endTime}]`;
  }
}
