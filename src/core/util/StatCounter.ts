/**
 * Spark's `org.apache.spark.util.StatCounter`: count, mean, variance, max and min of a stream
 * of doubles in one numerically robust pass (Welford), mergeable across partitions (Chan et
 * al.). Arithmetic follows Spark's order of operations so results match to the last bit.
 *
 * An empty counter has mean 0 (Spark's `mu` starts at 0; NaN only for the variances),
 * max -Infinity and min +Infinity.
 */
/**
 * A number that survives JSON as well as structured cloning: JSON turns NaN and ±Infinity
 * into null, so those travel as their names.
 */
export type PortableNumber = number | "NaN" | "Infinity" | "-Infinity";

/** A StatCounter's complete state as plain data, for sending partial stats between threads. */
export interface StatCounterState {
  readonly n: number;
  readonly mu: PortableNumber;
  readonly m2: PortableNumber;
  readonly max: PortableNumber;
  readonly min: PortableNumber;
}

function portable(x: number): PortableNumber {
  if (Number.isFinite(x)) return x;
  return x !== x ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
}

function unportable(x: PortableNumber): number {
  return typeof x === "number" ? x : Number(x);
}

export class StatCounter {
  private n = 0;
  private mu = 0;
  private m2 = 0;
  private maxValue = Number.NEGATIVE_INFINITY;
  private minValue = Number.POSITIVE_INFINITY;

  constructor(values?: Iterable<number>) {
    if (values !== undefined) this.merge(values);
  }

  /** Adds a value, all values of an iterable, or another counter's statistics. */
  merge(value: number | Iterable<number> | StatCounter): this {
    if (typeof value === "number") return this.mergeValue(value);
    if (value instanceof StatCounter) return this.mergeCounter(value);
    for (const v of value) this.mergeValue(v);
    return this;
  }

  copy(): StatCounter {
    const other = new StatCounter();
    other.n = this.n;
    other.mu = this.mu;
    other.m2 = this.m2;
    other.maxValue = this.maxValue;
    other.minValue = this.minValue;
    return other;
  }

  get count(): number {
    return this.n;
  }

  get mean(): number {
    return this.mu;
  }

  get sum(): number {
    return this.n * this.mu;
  }

  get max(): number {
    return this.maxValue;
  }

  get min(): number {
    return this.minValue;
  }

  /** Population variance (Spark's `variance` is `popVariance`). */
  get variance(): number {
    return this.popVariance;
  }

  get popVariance(): number {
    return this.n === 0 ? Number.NaN : this.m2 / this.n;
  }

  /** Unbiased estimate, dividing by n - 1. */
  get sampleVariance(): number {
    return this.n <= 1 ? Number.NaN : this.m2 / (this.n - 1);
  }

  get stdev(): number {
    return this.popStdev;
  }

  get popStdev(): number {
    return Math.sqrt(this.popVariance);
  }

  get sampleStdev(): number {
    return Math.sqrt(this.sampleVariance);
  }

  /** Spark's `"(count: %d, mean: %f, stdev: %f, max: %f, min: %f)"`, with Java's `%f`. */
  toString(): string {
    return (
      `(count: ${this.n}, mean: ${formatJavaF(this.mean)}, stdev: ${formatJavaF(this.stdev)}, ` +
      `max: ${formatJavaF(this.max)}, min: ${formatJavaF(this.min)})`
    );
  }

  private mergeValue(value: number): this {
    const delta = value - this.mu;
    this.n += 1;
    this.mu += delta / this.n;
    this.m2 += delta * (value - this.mu);
    this.maxValue = Math.max(this.maxValue, value);
    this.minValue = Math.min(this.minValue, value);
    return this;
  }

  private mergeCounter(other: StatCounter): this {
    if (other === this) return this.mergeCounter(other.copy());
    if (this.n === 0) {
      this.mu = other.mu;
      this.m2 = other.m2;
      this.n = other.n;
      this.maxValue = other.maxValue;
      this.minValue = other.minValue;
    } else if (other.n !== 0) {
      const delta = other.mu - this.mu;
      const n = this.n;
      const on = other.n;
      // Weighting towards the larger side keeps the mean accurate when sizes differ a lot.
      if (on * 10 < n) this.mu = this.mu + (delta * on) / (n + on);
      else if (n * 10 < on) this.mu = other.mu - (delta * n) / (n + on);
      else this.mu = (this.mu * n + other.mu * on) / (n + on);
      this.m2 += other.m2 + (delta * delta * n * on) / (n + on);
      this.n += on;
      this.maxValue = Math.max(this.maxValue, other.maxValue);
      this.minValue = Math.min(this.minValue, other.minValue);
    }
    return this;
  }

  toJSON(): StatCounterState {
    return {
      n: this.n,
      mu: portable(this.mu),
      m2: portable(this.m2),
      max: portable(this.maxValue),
      min: portable(this.minValue),
    };
  }

  /** Rebuilds a counter from `toJSON()` output, exactly (no statistics are recomputed). */
  static fromJSON(state: StatCounterState): StatCounter {
    const s = new StatCounter();
    s.n = state.n;
    s.mu = unportable(state.mu);
    s.m2 = unportable(state.m2);
    s.maxValue = unportable(state.max);
    s.minValue = unportable(state.min);
    return s;
  }

  /** Builds a counter from values given as arguments, like `StatCounter(1.0, 2.0)`. */
  static of(...values: number[]): StatCounter {
    return new StatCounter(values);
  }
}

/**
 * Java's `String.format("%f", x)` in the root locale: six decimals, rounded HALF_UP from the
 * shortest decimal representation of the double (not from its exact binary value, which is
 * where Java differs from `toFixed`), and `NaN`/`Infinity`/`-Infinity` spelled as Java does.
 */
export function formatJavaF(x: number, precision = 6): string {
  if (x !== x) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  const negative = x < 0 || Object.is(x, -0);
  // Shortest round-trip digits and exponent: d.ddddde±x.
  const [mantissa, expPart] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const pointPos = Number(expPart) + 1; // digits before the decimal point
  // Pad so the integer part and `precision + 1` fractional digits exist.
  let intPart: string;
  let frac: string;
  if (pointPos <= 0) {
    intPart = "0";
    frac = "0".repeat(-pointPos) + digits;
  } else if (pointPos >= digits.length) {
    intPart = digits + "0".repeat(pointPos - digits.length);
    frac = "";
  } else {
    intPart = digits.slice(0, pointPos);
    frac = digits.slice(pointPos);
  }
  frac = frac.padEnd(precision + 1, "0");
  const roundUp = frac.charCodeAt(precision) >= 53; // '5'
  let kept = intPart + frac.slice(0, precision);
  if (roundUp) kept = incrementDecimalString(kept);
  const intLen = kept.length - precision;
  const whole = kept.slice(0, intLen).replace(/^0+(?=\d)/, "");
  const fraction = kept.slice(intLen);
  return `${negative ? "-" : ""}${whole}${precision > 0 ? `.${fraction}` : ""}`;
}

function incrementDecimalString(s: string): string {
  const chars = s.split("");
  let i = chars.length - 1;
  for (; i >= 0; i--) {
    if (chars[i] === "9") chars[i] = "0";
    else {
      chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) + 1);
      break;
    }
  }
  return (i < 0 ? "1" : "") + chars.join("");
}
