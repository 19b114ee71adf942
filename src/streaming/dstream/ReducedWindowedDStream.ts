import type { RDD } from "../../core/rdd/RDD.js";
import type { Partitioner } from "../../core/partitioner/Partitioner.js";
import { CoGroupedRDD } from "../../core/rdd/CoGroupedRDD.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { Duration } from "../Duration.js";
import { Interval } from "../Interval.js";
import type { Time } from "../Time.js";
import { DStream } from "./DStream.js";
import { checkWindow } from "./WindowedDStream.js";
import { ReducedWindowRDD } from "../rdd/ReducedWindowRDD.js";

type Reduce<V> = (a: V, b: V) => V;

/**
 * reduceByKeyAndWindow with an inverse function: each window's RDD is the previous window's,
 * minus the batches that left, plus the batches that entered. Keys are never dropped unless
 * `filterFunc` drops them. Stateful, so it checkpoints periodically.
 */
export class ReducedWindowedDStream<K, V> extends DStream<[K, V]> {
  private readonly reducedStream: DStream<[K, V]>;

  constructor(
    private readonly parent: DStream<[K, V]>,
    private readonly reduceFunc: Reduce<V>,
    private readonly invReduceFunc: Reduce<V>,
    private readonly filterFunc: ((kv: [K, V]) => boolean) | undefined,
    readonly windowDuration: Duration,
    private readonly slide: Duration,
    private readonly partitioner: Partitioner,
  ) {
    checkWindow(parent as DStream<unknown>, windowDuration, slide, "ReducedWindowedDStream");
    super(parent.context);
    this.reducedStream = parent.reduceByKey(reduceFunc, partitioner);
    this.reducedStream.creationSite = this.creationSite;
    super.persist(StorageLevel.MEMORY_ONLY);
    this.reducedStream.persist(StorageLevel.MEMORY_ONLY);
  }

  override get mustCheckpoint(): boolean {
    return true;
  }

  get slideDuration(): Duration {
    return this.slide;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [this.reducedStream as DStream<unknown>];
  }

  override get parentRememberDuration(): Duration | undefined {
    return this.rememberDuration?.plus(this.windowDuration);
  }

  override persist(level: StorageLevel = StorageLevel.MEMORY_ONLY): this {
    super.persist(level);
    this.reducedStream.persist(level);
    return this;
  }

  compute(validTime: Time): RDD<[K, V]> {
    const parentSlide = this.parent.slideDuration;
    const currentWindow = new Interval(validTime.minus(this.windowDuration).plus(parentSlide), validTime);
    const previousWindow = currentWindow.minus(this.slide);
    // Batches that left the window since the previous one, and batches that entered it. Spark
    // takes (previous begin, current begin) and (previous end, current end]; when the window is
    // shorter than the slide those ranges also hold the batches between the two windows, which
    // then count for keys the previous window lacks. Neither range reaches past its window here,
    // which changes nothing when the window is at least the slide.
    const oldRDDs = this.reducedStream.slice(previousWindow.beginTime, currentWindow.beginTime.minus(parentSlide).min(previousWindow.endTime));
    const newRDDs = this.reducedStream.slice(previousWindow.endTime.plus(parentSlide).max(currentWindow.beginTime), currentWindow.endTime);
    const previousWindowRDD = this.getOrCompute(previousWindow.endTime) ?? this.ssc.sparkContext.parallelize<[K, V]>([]);
    const all = [previousWindowRDD, ...oldRDDs, ...newRDDs] as Array<RDD<[K, unknown]>>;
    const cogrouped = new CoGroupedRDD<K>(all, this.partitioner);
    return new ReducedWindowRDD<K, V>(cogrouped, oldRDDs.length, newRDDs.length, this.reduceFunc, this.invReduceFunc, this.filterFunc);
  }
}
