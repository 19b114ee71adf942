import { logger } from "../../core/log.js";
import type { RDD } from "../../core/rdd/RDD.js";
import type { Duration } from "../Duration.js";
import type { Time } from "../Time.js";
import type { StreamingContext } from "../StreamingContext.js";
import { DStream } from "./DStream.js";
import type { CheckpointJson } from "../checkpoint/CheckpointJson.js";

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

  /**
   * Called on the driver for every batch time, in order, before the batch's jobs are generated;
   * generation waits for a returned promise, and later batches wait behind it. A source that
   * needs I/O to fix what a batch reads does it here, since `compute` is synchronous: Spark's
   * compute may block instead (the Kafka direct stream asks the brokers for offsets there). A
   * rejection is reported as an error generating that batch, which then has no jobs.
   */
  prepareBatch(_validTime: Time): void | Promise<void> {}

  /** Records how many records this stream contributed to a batch, for BatchInfo.numRecords and the UI. */
  protected reportInputInfo(validTime: Time, numRecords: number, metadata: Record<string, unknown> = {}): void {
    this.ssc.inputInfoTracker.reportInfo(validTime.milliseconds, { inputStreamId: this.id, numRecords, metadata });
  }

  /**
   * Checkpoint hook: what this stream needs, as JSON, to recreate its RDD of batch `time` after
   * the driver restarts (the files it read, the offset ranges it fetched, ...). Called for each
   * batch the stream still remembers whenever a metadata checkpoint is written. Undefined, the
   * default, means the RDD is computed again on recovery, which suits only replayable sources.
   */
  checkpointBatchData(_time: Time, _rdd: RDD<T>): CheckpointJson | undefined {
    return undefined;
  }

  /**
   * Recovery hook: the RDD of batch `time` rebuilt from what `checkpointBatchData` returned.
   * Called once per checkpointed batch, oldest first, before any batch runs; undefined means
   * the batch is computed again instead.
   */
  restoreBatchData(_time: Time, _data: CheckpointJson): RDD<T> | undefined {
    return undefined;
  }

  /** Checkpoint hook: stream-wide state that must survive a restart (e.g. when the stream began). */
  checkpointStreamData(): CheckpointJson | undefined {
    return undefined;
  }

  /** Recovery hook: restores what `checkpointStreamData` returned, before `restoreBatchData`. */
  restoreStreamData(_data: CheckpointJson): void {}

  override isTimeValid(time: Time): boolean {
    if (!super.isTimeValid(time)) return false;
    if (this.lastValidTime !== undefined && time.less(this.lastValidTime)) {
      logger().warn(`isTimeValid called with ${time} whereas the last valid time is ${this.lastValidTime}`);
    }
    this.lastValidTime = time;
    return true;
  }
}
