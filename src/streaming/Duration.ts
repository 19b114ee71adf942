import { IllegalArgumentException } from "../core/errors.js";

/**
 * A span of time in milliseconds, with Spark's arithmetic and its `toString` ("1000 ms"), which
 * Spark's error messages and `print()` headers rely on.
 */
export class Duration {
  private readonly millis: number;

  /** Whole milliseconds, as Spark's `Long`; negative values are allowed, as differences of Times are. */
  constructor(millis: number) {
    if (typeof millis !== "number" || !Number.isFinite(millis)) {
      throw new TypeError(`Duration: expected a finite number of milliseconds, got ${String(millis)}`);
    }
    if (!Number.isInteger(millis)) {
      throw new TypeError(`Duration: expected a whole number of milliseconds, got ${millis}: dstream, like Spark, has no sub-millisecond durations`);
    }
    // -0 and 0 are the same span; keep Spark's "0 ms", never "-0 ms".
    this.millis = millis === 0 ? 0 : millis;
  }

  get milliseconds(): number {
    return this.millis;
  }

  less(that: Duration): boolean {
    return this.millis < that.millis;
  }

  lessEq(that: Duration): boolean {
    return this.millis <= that.millis;
  }

  greater(that: Duration): boolean {
    return this.millis > that.millis;
  }

  greaterEq(that: Duration): boolean {
    return this.millis >= that.millis;
  }

  plus(that: Duration): Duration {
    return new Duration(this.millis + that.millis);
  }

  minus(that: Duration): Duration {
    return new Duration(this.millis - that.millis);
  }

  times(n: number): Duration {
    return new Duration(this.millis * n);
  }

  div(that: Duration): number {
    return this.millis / that.millis;
  }

  isMultipleOf(that: Duration): boolean {
    return this.millis % that.millis === 0;
  }

  min(that: Duration): Duration {
    return this.less(that) ? this : that;
  }

  max(that: Duration): Duration {
    return this.greater(that) ? this : that;
  }

  isZero(): boolean {
    return this.millis === 0;
  }

  equals(that: unknown): boolean {
    return that instanceof Duration && that.millis === this.millis;
  }

  toString(): string {
    return `${this.millis} ms`;
  }

  toFormattedString(): string {
    return String(this.millis);
  }

  /** Spark's `Utils.msDurationToString`: "500 ms", "1.5 s", "2.0 m", "1.25 h". */
  prettyPrint(): string {
    const ms = this.millis;
    if (ms < 1000) return `${ms} ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
    if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} m`;
    return `${(ms / 3_600_000).toFixed(2)} h`;
  }
}

export function Milliseconds(milliseconds: number): Duration {
  return new Duration(wholeMillis("Milliseconds", milliseconds, 1));
}

/** Fractions are allowed (`Seconds(0.5)`), as PySpark's float seconds are, down to whole milliseconds. */
export function Seconds(seconds: number): Duration {
  return new Duration(wholeMillis("Seconds", seconds, 1000));
}

export function Minutes(minutes: number): Duration {
  return new Duration(wholeMillis("Minutes", minutes, 60_000));
}

/**
 * `amount * unit` in whole milliseconds. A float product such as 0.57 * 1000 (570.0000000000001)
 * is the whole millisecond it means; a real fraction of a millisecond is refused, never rounded.
 */
function wholeMillis(factory: string, amount: number, unit: number): number {
  if (typeof amount !== "number" || !Number.isFinite(amount)) {
    throw new TypeError(`${factory}: expected a finite number, got ${String(amount)}`);
  }
  const ms = amount * unit;
  const whole = Math.round(ms);
  if (Math.abs(ms - whole) > 1e-6 * Math.max(1, Math.abs(ms))) {
    throw new TypeError(`${factory}(${amount}) is ${ms} ms: durations are whole milliseconds (Spark's are a Long), so use at least 1 ms and no fractions of one`);
  }
  return whole;
}

/** Spark's Java-friendly factory object. */
export const Durations = {
  milliseconds: Milliseconds,
  seconds: Seconds,
  minutes: Minutes,
} as const;

/** Where Spark takes a Duration, dstream also takes a plain number of seconds, as PySpark does. */
export type DurationLike = Duration | number;

export function toDuration(d: DurationLike, what: string): Duration {
  if (d instanceof Duration) return d;
  if (typeof d === "number" && Number.isFinite(d)) {
    try {
      return Seconds(d);
    } catch (e) {
      throw new TypeError(`${what}: ${(e as Error).message}`);
    }
  }
  throw new TypeError(`${what} must be a Duration (e.g. Seconds(1)) or a number of seconds, got ${String(d)}`);
}

/**
 * A duration that must be longer than zero (a batch, a window, a slide, a timeout): refused
 * with its name and value otherwise.
 */
export function positiveDuration(d: DurationLike, what: string): Duration {
  const duration = toDuration(d, what);
  if (duration.milliseconds <= 0) {
    throw new IllegalArgumentException(`requirement failed: ${what} must be positive, got ${duration}${typeof d === "number" ? ` (${d} s)` : ""}`);
  }
  return duration;
}
