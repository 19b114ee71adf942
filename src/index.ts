/**
 * dstream's public API: Spark's names, in TypeScript. Pairs are `[key, value]` tuples.
 */
export { SparkConf } from "./core/SparkConf.js";
export { SparkContext, type SparkContextOptions } from "./core/SparkContext.js";
export { RDD } from "./core/rdd/RDD.js";
export { StorageLevel } from "./core/storage/StorageLevel.js";
export { Partitioner } from "./core/partitioner/Partitioner.js";
export { HashPartitioner } from "./core/partitioner/HashPartitioner.js";
export { RangePartitioner } from "./core/partitioner/RangePartitioner.js";
export { Broadcast } from "./core/Broadcast.js";
export { AccumulatorV2, LongAccumulator, DoubleAccumulator, CollectionAccumulator } from "./core/Accumulator.js";
export { StatCounter } from "./core/util/StatCounter.js";
export { TaskContext } from "./core/scheduler/TaskContext.js";
export type { SparkListener, StageInfo, TaskInfo } from "./core/scheduler/SparkListener.js";
export {
  SparkException,
  IllegalArgumentException,
  IllegalStateException,
  UnsupportedOperationException,
  NoSuchElementException,
} from "./core/errors.js";
