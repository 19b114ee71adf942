/**
 * dstream's public API: Spark's names, in TypeScript. Pairs are `[key, value]` tuples.
 */
export { SparkConf, type ConfValue } from "./core/SparkConf.js";
export { SparkContext, type SparkContextOptions } from "./core/SparkContext.js";
export { RDD } from "./core/rdd/RDD.js";
export { StorageLevel } from "./core/storage/StorageLevel.js";
export { Partitioner } from "./core/partitioner/Partitioner.js";
export { HashPartitioner } from "./core/partitioner/HashPartitioner.js";
export { RangePartitioner } from "./core/partitioner/RangePartitioner.js";
export { Broadcast } from "./core/Broadcast.js";
export { JsonFieldExtractor, JsonFieldParseError, type JsonValue } from "./core/util/JsonFieldExtractor.js";
export { AccumulatorV2, LongAccumulator, DoubleAccumulator, CollectionAccumulator } from "./core/Accumulator.js";
export { StatCounter } from "./core/util/StatCounter.js";
export { TaskContext } from "./core/scheduler/TaskContext.js";
/** False in executor threads, which may re-import the application module: guards driver-only top-level code. */
export { isDriver } from "./core/closure/executorMode.js";
/** For connectors: close an executor's cached clients when it stops. */
export { addExecutorShutdownHook } from "./core/executor/executorShutdown.js";
export type { RDDInfo, SparkListener, StageInfo, TaskInfo } from "./core/scheduler/SparkListener.js";
export {
  SparkException,
  IllegalArgumentException,
  IllegalStateException,
  UnsupportedOperationException,
  NoSuchElementException,
} from "./core/errors.js";

// ---------------------------------------------------------------------------
// Streaming: Spark Streaming's DStream API on the engine above.
// ---------------------------------------------------------------------------
export { StreamingContext, type StreamingContextConfig, type StreamingContextOptions, type StopOptions } from "./streaming/StreamingContext.js";
export type { StreamingContextState } from "./streaming/StreamingContextState.js";
export type { GetOrCreateOptions } from "./streaming/checkpoint/Recovery.js";
export type { CheckpointJson } from "./streaming/checkpoint/CheckpointJson.js";
export { CheckpointReadException, CheckpointGraphMismatchException } from "./streaming/checkpoint/CheckpointErrors.js";
export { graphDifferences, type GraphFingerprint, type StreamFingerprint } from "./streaming/checkpoint/GraphFingerprint.js";
export { Duration, Milliseconds, Seconds, Minutes, Durations, type DurationLike } from "./streaming/Duration.js";
export { Time } from "./streaming/Time.js";
export { Interval } from "./streaming/Interval.js";
export type { Clock, SteppedClock } from "./streaming/util/Clock.js";
export { SystemClock } from "./streaming/util/SystemClock.js";
export { ManualClock } from "./streaming/util/ManualClock.js";
export { DStream } from "./streaming/dstream/DStream.js";
export { InputDStream } from "./streaming/dstream/InputDStream.js";
export { MapWithStateDStream } from "./streaming/dstream/MapWithStateDStream.js";
export { EventTimeDStream, type EventTimeOptions } from "./streaming/eventtime/EventTimeDStream.js";
export { EventTimeWindows, type EventTimeWindowOptions, type OutputMode, type WindowResult } from "./streaming/eventtime/EventTimeWindows.js";
export { EventTimeWindowedDStream } from "./streaming/eventtime/EventTimeWindowedDStream.js";
export type { InvalidEventTimePolicy } from "./streaming/eventtime/EventTimeRDD.js";
export { registerMetricsSource, metricsSources, type StreamingMetricsSource, type StreamingGauge, type GaugeSample } from "./streaming/StreamingMetricsSource.js";
export type { UpdateStateOptions } from "./streaming/dstream/api/stateOperations.js";
export { StateSpec, type MappingFunction, type TimedMappingFunction } from "./streaming/state/StateSpec.js";
export { State } from "./streaming/state/State.js";
export type {
  StreamingListener,
  ReceiverInfo,
  StreamingListenerStreamingStarted,
  StreamingListenerBatchSubmitted,
  StreamingListenerBatchStarted,
  StreamingListenerBatchCompleted,
  StreamingListenerOutputOperationStarted,
  StreamingListenerOutputOperationCompleted,
  StreamingListenerReceiverStarted,
  StreamingListenerReceiverError,
  StreamingListenerReceiverStopped,
} from "./streaming/scheduler/StreamingListener.js";
export type { BatchInfo, OutputOperationInfo, StreamInputInfo } from "./streaming/scheduler/BatchInfo.js";
export { ReceiverInputDStream } from "./streaming/dstream/ReceiverInputDStream.js";
export { Receiver, type UniqueStoreResult } from "./streaming/receiver/Receiver.js";
export { RateController } from "./streaming/scheduler/RateController.js";
export { PIDRateEstimator } from "./streaming/scheduler/rate/PIDRateEstimator.js";
export { createRateEstimator, type RateEstimator } from "./streaming/scheduler/rate/RateEstimator.js";
export type { ReceiverSupervisor } from "./streaming/receiver/ReceiverSupervisor.js";

// ---------------------------------------------------------------------------
// Filesystems by URL scheme (Hadoop's FileSystem): local by default; `dstream/hdfs` registers
// hdfs:// and webhdfs://, and a user can register another scheme the same way.
// ---------------------------------------------------------------------------
export { FileSystems, type FileSystemProvider } from "./core/fs/FileSystems.js";
export type { FileSystem, FileStatus, FileSystemRef } from "./core/fs/FileSystem.js";
export { LocalFileSystem } from "./core/fs/LocalFileSystem.js";

// ---------------------------------------------------------------------------
// Streaming inputs: receivers (run on the driver, data stored as blocks in shared memory),
// socket streams and file streams. `import` installs socketTextStream, socketStream,
// textFileStream, fileStream and binaryRecordsStream on StreamingContext.
// ---------------------------------------------------------------------------
import "./streaming/api/inputStreams.js";
export { PluggableInputDStream } from "./streaming/dstream/PluggableInputDStream.js";
export { SocketInputDStream } from "./streaming/dstream/SocketInputDStream.js";
export { FileInputDStream, type FileStreamOptions } from "./streaming/dstream/FileInputDStream.js";
export { SocketReceiver, type SocketConverter } from "./streaming/receiver/SocketReceiver.js";
export { BlockRDD } from "./streaming/rdd/BlockRDD.js";

// ---------------------------------------------------------------------------
// Web UI and REST API: started with each SparkContext (spark.ui.enabled), with a Streaming
// tab for each StreamingContext. Importing the API installs it.
// ---------------------------------------------------------------------------
import "./ui/install.js";
export { SparkUI } from "./ui/SparkUI.js";
export type { UiSettings } from "./ui/UiSettings.js";
