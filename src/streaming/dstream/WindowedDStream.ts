import type { RDD } from "../../core/rdd/RDD.js";
import { IllegalArgumentException } from "../../core/errors.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { Duration } from "../Duration.js";
import { Interval } from "../Interval.js";
import type { Time } from "../Time.js";
import { DStream } from "./DStream.js";

/**
 * Each RDD is the union of the parent's RDDs in the window (t − window, t]. It emits only on
 * multiples of its slide, so early windows are partial and, when the slide exceeds the window,
 * some batches fall between windows.
 */
export class WindowedDStream<T> extends DStream<T> {
  constructor(
    private readonly parent: DStream<T>,
    readonly windowDuration: Duration,
    private readonly slide: Duration,
  ) {
    checkWindow(parent as DStream<unknown>, windowDuration, slide, "windowed DStream");
    super(parent.context);
    // Every parent RDD is read by several windows: keep it rather than recompute it each time.
    parent.persist(StorageLevel.MEMORY_ONLY);
  }

  get slideDuration(): Duration {
    return this.slide;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [this.parent as DStream<unknown>];
  }

  override get parentRememberDuration(): Duration | undefined {
    return this.rememberDuration?.plus(this.windowDuration);
  }

  /** Windows share the parent's RDDs, so persisting applies to the parent instead of storing copies. */
  override persist(level: StorageLevel = StorageLevel.MEMORY_ONLY): this {
    this.parent.persist(level);
    return this;
  }

  compute(validTime: Time): RDD<T> {
    const window = new Interval(validTime.minus(this.windowDuration).plus(this.parent.slideDuration), validTime);
    const rdds = this.parent.slice(window);
    const sc = this.ssc.sparkContext;
    return rdds.length > 0 ? sc.union(rdds) : sc.emptyRDD<T>();
  }
}

/**
 * Checked when the window is defined, with the messages of the Spark class that checks it:
 * WindowedDStream, or ReducedWindowedDStream (a `require`, hence its prefix) for inverse reduces.
 */
export function checkWindow(parent: DStream<unknown>, window: Duration, slide: Duration, what: "windowed DStream" | "ReducedWindowedDStream"): void {
  const parentSlide = parent.slideDuration;
  const message = (kind: string, d: Duration): string =>
    what === "ReducedWindowedDStream"
      ? `requirement failed: The ${kind} duration of ReducedWindowedDStream (${d}) must be multiple of the slide duration of parent DStream (${parentSlide})`
      : `The ${kind} duration of windowed DStream (${d}) must be a multiple of the slide duration of parent DStream (${parentSlide})`;
  if (window.milliseconds <= 0 || !window.isMultipleOf(parentSlide)) throw new IllegalArgumentException(message("window", window));
  if (slide.milliseconds <= 0 || !slide.isMultipleOf(parentSlide)) throw new IllegalArgumentException(message("slide", slide));
}
