import { logger } from "../../core/log.js";
import type { RDD } from "../../core/rdd/RDD.js";
import type { Duration } from "../Duration.js";
import type { Time } from "../Time.js";
import type { StreamingContext } from "../StreamingContext.js";
import { DStream } from "./DStream.js";

/**
 * A stream with no parents that produces each batch's RDD from outside data. Subclass it as in
 * Spark: the constructor takes the StreamingContext; `start()`/`stop()` open and close the
 * source; `compute(validTime)` returns the batch's RDD, or undefined for no RDD that batch
 * (outputs downstream then skip it). Subclasses read `this.context`, `this.zeroTime` and
 * `this.slideDuration`, and may report record counts with `reportInputInfo`.
 */
export abstract class InputDStream<T> extends DStream<T> {
  /** Unique among the context's input streams, in creation order. */
  readonly id: number;
  private lastValidTime: Time | undefined = undefined;

  constructor(ssc: StreamingContext) {
    super(ssc);
    ssc.graph.addInputStream(this as InputDStream<unknown>);
    this.id = ssc.getNewInputStreamId();
  }

  /** Called once when the context starts; may return a promise (its failure is reported as a batch error). */
  abstract start(): void | Promise<void>;

  /** Called once when the context stops. */
  abstract stop(): void | Promise<void>;

  abstract override compute(validTime: Time): RDD<T> | undefined;

  /** Spark's name: the class name without "InputDStream", split into lower-case words: "queue stream [0]". */
  get name(): string {
    const words = this.constructor.name
      .replace(/InputDStream$|DStream$/, "")
      .split(/(?=[A-Z])/)
      .filter((w) => w.length > 0)
      .join(" ")
      .toLowerCase();
    return `${words || "input"} stream [${this.id}]`;
  }

  override get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [];
  }

  override get slideDuration(): Duration {
    return this.ssc.graph.batchDuration!;
  }

  /** Records how many records this stream contributed to a batch, for BatchInfo.numRecords and the UI. */
  protected reportInputInfo(validTime: Time, numRecords: number, metadata: Record<string, unknown> = {}): void {
    this.ssc.inputInfoTracker.reportInfo(validTime.milliseconds, { inputStreamId: this.id, numRecords, metadata });
  }

  override isTimeValid(time: Time): boolean {
    if (!super.isTimeValid(time)) return false;
    if (this.lastValidTime !== undefined && time.less(this.lastValidTime)) {
      logger().warn(`isTimeValid called with ${time} whereas the last valid time is ${this.lastValidTime}`);
    }
    this.lastValidTime = time;
    return true;
  }
}
