/**
 * A span of time in milliseconds, with Spark's arithmetic and its `toString` ("1000 ms"), which
 * Spark's error messages and `print()` headers rely on.
 */
export class Duration {
  private readonly millis: number;

  constructor(millis: number) {
    if (typeof millis !== "number" || !Number.isFinite(millis)) {
      throw new TypeError(`Duration: expected a finite number of milliseconds, got ${String(millis)}`);
    }
    this.millis = millis;
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
  return new Duration(milliseconds);
}

/** Fractions are allowed (`Seconds(0.5)`), as PySpark's float seconds are. */
export function Seconds(seconds: number): Duration {
  return new Duration(Math.round(seconds * 1000));
}

export function Minutes(minutes: number): Duration {
  return new Duration(Math.round(minutes * 60_000));
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
  if (typeof d === "number" && Number.isFinite(d)) return Seconds(d);
  throw new TypeError(`${what} must be a Duration (e.g. Seconds(1)) or a number of seconds, got ${String(d)}`);
}
