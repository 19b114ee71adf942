import { Duration } from "./Duration.js";

/** A point in time in milliseconds: a batch time, for example. Prints as Spark does ("1000 ms"). */
export class Time {
  private readonly millis: number;

  constructor(millis: number) {
    if (typeof millis !== "number" || !Number.isFinite(millis)) {
      throw new TypeError(`Time: expected a finite number of milliseconds, got ${String(millis)}`);
    }
    this.millis = millis;
  }

  get milliseconds(): number {
    return this.millis;
  }

  less(that: Time): boolean {
    return this.millis < that.millis;
  }

  lessEq(that: Time): boolean {
    return this.millis <= that.millis;
  }

  greater(that: Time): boolean {
    return this.millis > that.millis;
  }

  greaterEq(that: Time): boolean {
    return this.millis >= that.millis;
  }

  plus(that: Duration): Time {
    return new Time(this.millis + that.milliseconds);
  }

  /** A Time minus a Time is a Duration; minus a Duration it is a Time, as in Spark. */
  minus(that: Time): Duration;
  minus(that: Duration): Time;
  minus(that: Time | Duration): Duration | Time {
    if (that instanceof Time) return new Duration(this.millis - that.millis);
    return new Time(this.millis - that.milliseconds);
  }

  /** The latest time at or before this one that is a multiple of `that` after `zeroTime`. */
  floor(that: Duration, zeroTime?: Time): Time {
    const t = that.milliseconds;
    const z = zeroTime?.millis ?? 0;
    return new Time(Math.floor((this.millis - z) / t) * t + z);
  }

  isMultipleOf(that: Duration): boolean {
    return this.millis % that.milliseconds === 0;
  }

  min(that: Time): Time {
    return this.less(that) ? this : that;
  }

  max(that: Time): Time {
    return this.greater(that) ? this : that;
  }

  /** Times from this one up to `that`, exclusive, `interval` apart. */
  until(that: Time, interval: Duration): Time[] {
    const out: Time[] = [];
    for (let t = this.millis; t < that.millis; t += interval.milliseconds) out.push(new Time(t));
    return out;
  }

  /** Times from this one up to `that`, inclusive, `interval` apart. */
  to(that: Time, interval: Duration): Time[] {
    const out: Time[] = [];
    for (let t = this.millis; t <= that.millis; t += interval.milliseconds) out.push(new Time(t));
    return out;
  }

  compare(that: Time): number {
    return this.millis - that.millis;
  }

  equals(that: unknown): boolean {
    return that instanceof Time && that.millis === this.millis;
  }

  toString(): string {
    return `${this.millis} ms`;
  }

  static readonly ordering = (a: Time, b: Time): number => a.millis - b.millis;
}
