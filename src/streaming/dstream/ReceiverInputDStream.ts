import type { RDD } from "../../core/rdd/RDD.js";
import type { Time } from "../Time.js";
import type { StreamingContext } from "../StreamingContext.js";
import { InputDStream } from "./InputDStream.js";
import type { Receiver } from "../receiver/Receiver.js";
import { ReceiverTracker } from "../receiver/ReceiverTracker.js";
import { BlockRDD } from "../rdd/BlockRDD.js";
import type { ReceiverInfo } from "../scheduler/StreamingListener.js";
import { RateController, isBackPressureEnabled } from "../scheduler/RateController.js";
import { createRateEstimator } from "../scheduler/rate/RateEstimator.js";

/**
 * An input stream fed by a Receiver, as in Spark: subclasses only say which receiver
 * (`getReceiver`). The receiver runs on the driver from `start()`; each batch's RDD is a
 * BlockRDD of the blocks stored at or before the batch time that no earlier batch took,
 * one partition per block, decoded by the executor that computes it.
 */
export abstract class ReceiverInputDStream<T> extends InputDStream<T> {
  /** Spark's ReceiverRateController, under `spark.streaming.backpressure.enabled`: each completed batch moves the receiver's rate limit. */
  readonly rateController: RateController | undefined;

  constructor(ssc: StreamingContext) {
    super(ssc);
    if (isBackPressureEnabled(ssc.conf)) {
      this.rateController = new RateController(this.id, createRateEstimator(ssc.conf, ssc.batchDuration), (rate) => ReceiverTracker.of(ssc).sendRateUpdate(this.id, rate));
      ssc.addStreamingListener(this.rateController);
    }
  }

  /** The receiver to run; called once, when the context starts. */
  abstract getReceiver(): Receiver<T>;

  start(): void {
    ReceiverTracker.of(this.ssc).startReceiver<T>(this);
  }

  stop(): Promise<void> {
    return ReceiverTracker.of(this.ssc).stopReceiver(this.id);
  }

  /**
   * Allocates the batch's blocks when the batch is generated, for every batch in order (Spark's
   * allocateBlocksToBatch), even when no job computes this stream at that time, e.g. under a
   * window that reads it later. A stream no output reads receives nothing to allocate.
   */
  override prepareBatch(validTime: Time): void {
    if (this.zeroTime !== undefined) ReceiverTracker.of(this.ssc).allocateBlocks(this.id, validTime.milliseconds);
  }

  compute(validTime: Time): RDD<T> {
    const blocks = ReceiverTracker.of(this.ssc).allocateBlocks(this.id, validTime.milliseconds);
    let numRecords = 0;
    for (const b of blocks) numRecords += b.numRecords ?? 0;
    this.reportInputInfo(validTime, numRecords, { blocks: blocks.length });
    const rdd = new BlockRDD<T>(this.ssc.sparkContext, blocks);
    rdd.creationSite = this.creationSite;
    return rdd;
  }

  /** Records the receiver has stored so far, including those waiting for their block: for monitoring and tests. */
  get receivedRecords(): number {
    return ReceiverTracker.of(this.ssc).receivedRecords(this.id);
  }

  /** The receiver's current rate limit in records per second (Infinity: none); undefined before it starts. */
  get currentRateLimit(): number | undefined {
    return ReceiverTracker.of(this.ssc).currentRateLimit(this.id);
  }

  /** The receiver's latest status, as streaming listeners last saw it; undefined before it starts. */
  get receiverInfo(): ReceiverInfo | undefined {
    return ReceiverTracker.of(this.ssc).receiverInfo(this.id);
  }

  /** @internal Also frees the blocks of forgotten batches (Spark's BlockRDD.removeBlocks). */
  override clearMetadata(time: Time): void {
    const limit = time.milliseconds - this.rememberDuration!.milliseconds;
    const forgotten: Array<BlockRDD<T>> = [];
    for (const [t, rdd] of this.generatedRDDs) if (t <= limit && rdd instanceof BlockRDD) forgotten.push(rdd);
    super.clearMetadata(time);
    if (this.ssc.conf.getBoolean("spark.streaming.unpersist", true)) for (const rdd of forgotten) rdd.removeBlocks();
    ReceiverTracker.of(this.ssc).cleanupOldBlocks(this.id, limit + 1);
  }
}
