import { FileSystems } from "../core/fs/FileSystems.js";
import { qualify } from "../core/fs/fsPath.js";
import { SparkContext } from "../core/SparkContext.js";
import { SparkConf, type ConfValue } from "../core/SparkConf.js";
import type { RDD } from "../core/rdd/RDD.js";
import { IllegalStateException } from "../core/errors.js";
import { logger } from "../core/log.js";
import { showEveryFrame, summarizeError } from "../core/errorSummary.js";
import { isExecutorMode, sealFunctionRegistry } from "../core/closure/index.js";
import { markExecutorGraphBuilt } from "../core/executor/executorModeSignal.js";
import { callSite } from "../core/rdd/callSite.js";
import { positiveDuration, type Duration, type DurationLike } from "./Duration.js";
import { positiveConf, validateStreamingConf } from "./streamingConf.js";
import { Time } from "./Time.js";
import type { Clock } from "./util/Clock.js";
import { SystemClock } from "./util/SystemClock.js";
import { ManualClock } from "./util/ManualClock.js";
import { DStreamGraph } from "./DStreamGraph.js";
import { ContextWaiter } from "./ContextWaiter.js";
import type { StreamingContextState } from "./StreamingContextState.js";
import { StreamingListenerBus } from "./scheduler/StreamingListenerBus.js";
import { streamingContextPlugins } from "./streamingContextPlugins.js";
import type { ContextPlugin } from "../core/plugin/ContextPluginRegistry.js";
import type { StreamingListener } from "./scheduler/StreamingListener.js";
import { JobScheduler } from "./scheduler/JobScheduler.js";
import { JobGenerator } from "./scheduler/JobGenerator.js";
import { InputInfoTracker } from "./scheduler/InputInfoTracker.js";
import type { DStream } from "./dstream/DStream.js";
import type { InputDStream } from "./dstream/InputDStream.js";
import { ReceiverInputDStream } from "./dstream/ReceiverInputDStream.js";
import { QueueInputDStream } from "./dstream/QueueInputDStream.js";
import { UnionDStream } from "./dstream/UnionDStream.js";
import { TransformedDStream } from "./dstream/TransformedDStream.js";
import { PluggableInputDStream } from "./dstream/PluggableInputDStream.js";
import { Receiver } from "./receiver/Receiver.js";
import { takeRecentUserFunctions, userFn } from "../core/rdd/api/userFunction.js";
import { CheckpointWriter } from "./checkpoint/CheckpointWriter.js";
import { fingerprintGraph, type GraphFingerprint } from "./checkpoint/GraphFingerprint.js";
import { getOrCreateContext, restartPointOf, warnUnrecoverableInputs, type GetOrCreateOptions, type RestartPoint } from "./checkpoint/Recovery.js";
import { requireCheckpointForWal } from "./wal/receivedBlockStorage.js";
import { stopReceiversAndDrain, warnStillRunning } from "./shutdown/GracefulStop.js";
import type { Job } from "./scheduler/Job.js";
import { ShutdownSignals } from "./shutdown/ShutdownSignals.js";
import "./dstream/api/index.js";

export interface StreamingContextOptions {
  /** The source of batch times; defaults to the system clock, or `spark.streaming.clock`. */
  clock?: Clock;
}

export interface StreamingContextConfig extends StreamingContextOptions {
  master?: string;
  appName?: string;
  batchDuration: DurationLike;
  conf?: SparkConf | Record<string, ConfValue>;
}

export interface StopOptions {
  /** Also stop the SparkContext (default `spark.streaming.stopSparkContextByDefault`, true). */
  stopSparkContext?: boolean;
  /** Let every generated batch finish before stopping (default false). */
  stopGracefully?: boolean;
}

let activeContext: StreamingContext | undefined;

/**
 * The entry point of a streaming application: it owns the DStream graph and runs one batch
 * of jobs per batch interval on its SparkContext.
 */
export class StreamingContext {
  readonly sparkContext: SparkContext;
  /** @internal */
  readonly graph = new DStreamGraph();
  /** @internal */
  readonly listenerBus = new StreamingListenerBus();
  /** @internal */
  readonly inputInfoTracker = new InputInfoTracker();
  readonly clock: Clock;
  private readonly waiter = new ContextWaiter();
  private readonly jobScheduler: JobScheduler;
  private jobGenerator: JobGenerator | undefined;
  private state: StreamingContextState = "INITIALIZED";
  private nextInputStreamId = 0;
  private checkpointDirectory: string | undefined;
  private startSite = "";
  private plugins: ContextPlugin[] = [];
  private checkpointWriter: CheckpointWriter | undefined;
  private stopping: Promise<void> | undefined;
  private forceStop: (() => void) | undefined;
  private shutdownSignals: ShutdownSignals | undefined;
  private sharedZeroTime: Time | undefined;

  constructor(config: StreamingContextConfig);
  constructor(sc: SparkContext, batchDuration: DurationLike, options?: StreamingContextOptions);
  constructor(conf: SparkConf, batchDuration: DurationLike, options?: StreamingContextOptions);
  constructor(first: SparkContext | SparkConf | StreamingContextConfig, batchDuration?: DurationLike, options: StreamingContextOptions = {}) {
    let batch: DurationLike | undefined;
    let opts = options;
    let createContext: (() => SparkContext) | undefined;
    if (first instanceof SparkContext) {
      batch = batchDuration;
    } else if (first instanceof SparkConf) {
      createContext = () => new SparkContext(first);
      batch = batchDuration;
    } else if (first && typeof first === "object") {
      const { master, appName, conf, batchDuration: b, clock } = first;
      createContext = () =>
        new SparkContext({
          ...(master !== undefined ? { master } : {}),
          ...(appName !== undefined ? { appName } : {}),
          ...(conf !== undefined ? { conf } : {}),
        });
      batch = b;
      opts = clock ? { clock } : {};
    } else {
      throw new TypeError("StreamingContext: pass a SparkContext and a batch duration, or { master, appName, batchDuration }");
    }
    // The batch duration is checked before a SparkContext is created for this context, so a refused one leaves none running.
    const duration = batchDurationOf(batch);
    this.sparkContext = createContext ? createContext() : (first as SparkContext);
    try {
      this.graph.setBatchDuration(duration);
      this.clock = opts.clock ?? clockFromConf(this.sparkContext.conf);
      this.jobScheduler = new JobScheduler(this.listenerBus, positiveConf(this.conf, "spark.streaming.concurrentJobs", 1), {
        onBatchCompletion: (t) => this.jobGenerator?.onBatchCompletion(t),
        reportError: (msg, e) => this.reportError(msg, e),
      });
      validateStreamingConf(this.conf, duration);
    } catch (e) {
      // The caller never gets this context, so it could never stop the SparkContext created for it.
      if (createContext) void this.sparkContext.stop();
      throw e;
    }
    // The graph's fingerprint counts only the functions its streams are defined with from here on.
    takeRecentUserFunctions();
  }

  get conf(): SparkConf {
    return this.sparkContext.conf;
  }

  get batchDuration(): Duration {
    return this.graph.batchDuration!;
  }

  /** The checkpoint directory, if `checkpoint(dir)` set one. */
  get checkpointDir(): string | undefined {
    return this.checkpointDirectory;
  }

  getState(): StreamingContextState {
    return this.state;
  }

  /** Keeps every stream's RDDs for at least `duration`, e.g. to query them with `slice`. */
  remember(duration: DurationLike): void {
    this.graph.remember(positiveDuration(duration, "remember duration"));
  }

  /** Sets the directory for stateful streams' data checkpoints (required by updateStateByKey, mapWithState, inverse windows). */
  checkpoint(directory: string | null | undefined): void {
    if (directory === null || directory === undefined) {
      this.checkpointDirectory = undefined;
      return;
    }
    const full = qualify(directory);
    this.checkpointDirectory = full;
    // Executors only rebuild the graph: they write no checkpoint, so they create no directories.
    if (isExecutorMode()) return;
    FileSystems.get(full, "checkpoint").mkdirs(full, "checkpoint");
    this.sparkContext.setCheckpointDir(full);
  }

  addStreamingListener(listener: StreamingListener): void {
    this.listenerBus.add(listener);
  }

  removeStreamingListener(listener: StreamingListener): void {
    this.listenerBus.remove(listener);
  }

  /** @internal */
  getNewInputStreamId(): number {
    return this.nextInputStreamId++;
  }

  /**
   * A stream of the RDDs pushed onto `queue`: one per batch (`oneAtATime`) or all queued so far.
   * An empty queue gives `defaultRDD`, or an empty RDD. Plain arrays in the queue are parallelized.
   */
  queueStream<T>(queue: Array<RDD<T> | T[]>, oneAtATime = true, defaultRDD?: RDD<T>): InputDStream<T> {
    if (!Array.isArray(queue)) throw new TypeError(`queueStream: expected an array used as a queue, got ${String(queue)}`);
    return new QueueInputDStream<T>(this, queue, oneAtATime, defaultRDD ?? this.sparkContext.parallelize<T>([], 1));
  }

  /** A stream of what a custom Receiver stores (Spark's receiverStream). */
  receiverStream<T>(receiver: Receiver<T>): ReceiverInputDStream<T> {
    if (!(receiver instanceof Receiver)) throw new TypeError(`receiverStream: expected a Receiver, got ${String(receiver)}`);
    return new PluggableInputDStream<T>(this, receiver);
  }

  /** The union of streams with the same slide duration; elements of earlier streams come first. */
  union<T>(streams: Array<DStream<T>>): DStream<T> {
    return new UnionDStream<T>(streams);
  }

  /** A stream built each batch from the RDDs of several streams by `transformFunc`, which runs on the driver. */
  transform<T>(streams: Array<DStream<unknown>>, transformFunc: (rdds: Array<RDD<unknown>>, time: Time) => RDD<T>): DStream<T> {
    return new TransformedDStream<T>(streams, userFn("transform", transformFunc));
  }

  /**
   * dstream: runs this context's batches on a grid that other processes share: batch times are
   * `zeroTime + k × batchDuration`, and the first batch is the first of them after `start()`.
   * Copies of a scaled-out application agree on one zero time this way, so that batch t, and
   * every window's slide, is the same instant in each. Call before `start()`; ignored when the
   * context resumes a checkpoint, which has its own zero time.
   */
  alignBatchesTo(zeroTime: Time): void {
    if (this.state !== "INITIALIZED") throw new IllegalStateException("alignBatchesTo must be called before start()");
    if (!(zeroTime instanceof Time)) throw new TypeError(`alignBatchesTo: expected a Time, got ${String(zeroTime)}`);
    this.sharedZeroTime = zeroTime;
  }

  /**
   * dstream: what a restarted or parallel copy of this application must build identically: the
   * batch duration and every stream's operation, parents, durations and function sources (the
   * checkpoint's graph fingerprint). Compare two with `graphDifferences`.
   */
  graphFingerprint(): GraphFingerprint {
    return fingerprintGraph(this.graph);
  }

  /** Starts generating and running batches. Throws if the graph is invalid (no output, missing checkpoint directory, ...). */
  start(): void {
    switch (this.state) {
      case "INITIALIZED": {
        // An executor re-imports the application only to rebuild its functions; nothing may run there.
        if (isExecutorMode()) {
          markExecutorGraphBuilt();
          return;
        }
        if (activeContext !== undefined && activeContext !== this) {
          throw new IllegalStateException(
            `Only one StreamingContext may be started in this JVM. Currently running StreamingContext was started at${activeContext.startSite ? `\n${activeContext.startSite}` : " an unknown site"}`,
          );
        }
        this.startSite = callSite("start");
        try {
          this.graph.validate();
          sealFunctionRegistry();
          this.plugins = streamingContextPlugins.start(this);
          const restart = this.prepareCheckpointing();
          // Before the batch grid starts, so that loading connectors' client libraries on the
          // executors is not charged to the first batch.
          this.sparkContext.awaitExecutorPreloads();
          this.jobGenerator = new JobGenerator(
            this.clock,
            this.graph,
            this.jobScheduler,
            this.inputInfoTracker,
            (m, e) => this.reportError(m, e),
            this.sparkContext,
            this.checkpointWriter,
          );
          if (restart) this.jobGenerator.restart(restart);
          else this.jobGenerator.start(this.sharedZeroTime);
          // Before any input starts: whatever a source hands over from now on is recoverable.
          this.checkpointWriter?.writeNow((restart?.lastGeneratedTime ?? this.graph.zeroTime!).milliseconds);
          for (const input of this.graph.inputStreams) this.startInput(input);
          this.state = "ACTIVE";
          this.shutdownSignals = new ShutdownSignals(this, this.conf.getBoolean("spark.streaming.stopGracefullyOnShutdown", false));
        } catch (e) {
          this.jobGenerator?.stop();
          void this.jobScheduler.stop(false, 0);
          void streamingContextPlugins.shutdown(this.takePlugins());
          this.state = "STOPPED";
          throw e;
        }
        activeContext = this;
        this.listenerBus.post("onStreamingStarted", { time: Date.now() });
        return;
      }
      case "ACTIVE":
        logger().warn("StreamingContext has already been started");
        return;
      case "STOPPED":
        throw new IllegalStateException("StreamingContext has already been stopped");
    }
  }

  /** Checks the checkpoint settings, starts the metadata checkpoints, and says where a recovered context resumes. */
  private prepareCheckpointing(): RestartPoint | undefined {
    if (this.graph.inputStreams.some((s) => s instanceof ReceiverInputDStream)) requireCheckpointForWal(this.conf, this.checkpointDirectory);
    const restart = restartPointOf(this);
    if (this.checkpointDirectory !== undefined) {
      warnUnrecoverableInputs(this);
      // Submitted batches not yet run, and those begun but not yet submitted (a restart's backlog).
      const pending = (): number[] => [...new Set([...this.jobScheduler.pendingBatchTimes, ...(this.jobGenerator?.ungeneratedTimes ?? [])])];
      this.checkpointWriter = new CheckpointWriter(this, pending, restart?.lastGeneratedTime?.milliseconds);
    }
    return restart;
  }

  private takePlugins(): ContextPlugin[] {
    const plugins = this.plugins;
    this.plugins = [];
    return plugins;
  }

  private startInput(input: InputDStream<unknown>): void {
    const r = input.start();
    if (r instanceof Promise) r.catch((e: unknown) => this.reportError(`Error starting ${input.name}`, e));
  }

  /**
   * Stops the context: no new batches, and (unless graceful) batches not yet started are dropped.
   * Also stops the SparkContext unless `stopSparkContext` is false. Safe to call more than once.
   */
  stop(options?: StopOptions): Promise<void>;
  stop(stopSparkContext: boolean, stopGracefully?: boolean): Promise<void>;
  async stop(a?: StopOptions | boolean, b?: boolean): Promise<void> {
    if (isExecutorMode()) return driverOnly();
    const defaultStopSc = this.conf.getBoolean("spark.streaming.stopSparkContextByDefault", true);
    const stopSparkContext = typeof a === "boolean" ? a : (a?.stopSparkContext ?? defaultStopSc);
    const stopGracefully = typeof a === "boolean" ? (b ?? false) : (a?.stopGracefully ?? false);
    if (this.stopping !== undefined) {
      // A stop is under way: a non-graceful request cuts a graceful one short.
      if (!stopGracefully) this.forceStop?.();
      await this.stopping;
    } else if (this.state === "ACTIVE") {
      this.stopping = this.stopActive(stopGracefully);
      await this.stopping;
    } else {
      this.state = "STOPPED";
    }
    if (stopSparkContext) await this.sparkContext.stop();
  }

  /**
   * Gracefully (Spark's stop(stopGracefully = true)): receivers stop first, batches are
   * generated until every received block is in one, and every generated batch runs. Otherwise,
   * batches not yet started are dropped (they stay pending in the checkpoint, and run again on
   * recovery). Either way the last metadata checkpoint is written before the inputs close.
   */
  private async stopActive(graceful: boolean): Promise<void> {
    // A stop in progress keeps the process alive, even while it waits on a batch that holds nothing open.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      await this.stopActiveKeptAlive(graceful);
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async stopActiveKeptAlive(graceful: boolean): Promise<void> {
    const batchMs = this.batchDuration.milliseconds;
    const stopTimeout = this.conf.getTimeAsMs("spark.streaming.stopTimeout", `${Math.max(2000, 10 * batchMs)}ms`);
    // Spark's JobGenerator.stop(processReceivedData = true): one deadline bounds the whole graceful
    // stop, from when it began, so an output operation that never ends cannot hold the stop for ever.
    const gracefulTimeout = this.conf.getTimeAsMs("spark.streaming.gracefulStopTimeout", `${10 * batchMs}ms`);
    const deadline = Date.now() + gracefulTimeout;
    let forced = false;
    const forcedDone = new Promise<Job[]>((resolve) => {
      this.forceStop = () => {
        if (forced) return;
        forced = true;
        logger().warn("Forcing the StreamingContext to stop: batches not yet started are dropped");
        this.jobGenerator?.stop();
        void this.jobScheduler.stop(false, stopTimeout).then(resolve);
      };
    });
    if (graceful) await stopReceiversAndDrain(this, () => forced, deadline, gracefulTimeout);
    this.jobGenerator?.stop();
    const gracefully = graceful && !forced;
    const scheduled = this.jobScheduler.stop(gracefully, gracefully ? Math.max(0, deadline - Date.now()) : stopTimeout);
    const stillRunning = await Promise.race([scheduled, forcedDone]);
    if (stillRunning.length > 0) {
      if (gracefully && !forced) logger().warn(`Timed out while stopping the job generator (timeout = ${gracefulTimeout})`);
      warnStillRunning(stillRunning, forced || !graceful ? "spark.streaming.stopTimeout" : "spark.streaming.gracefulStopTimeout");
    }
    await this.checkpointWriter?.close();
    for (const input of this.graph.inputStreams) {
      try {
        await input.stop();
      } catch (e) {
        logger().warn({ err: String(e) }, `Error stopping ${input.name}`);
      }
    }
    await streamingContextPlugins.shutdown(this.takePlugins());
    this.shutdownSignals?.uninstall();
    if (activeContext === this) activeContext = undefined;
    this.state = "STOPPED";
    this.waiter.notifyStop();
  }

  /** Waits until the context stops; rejects with the error of a failed batch. */
  async awaitTermination(): Promise<void> {
    if (isExecutorMode()) return driverOnly();
    await this.waiter.waitForStopOrError();
  }

  /** Waits up to `timeoutMs` milliseconds (a negative timeout waits for ever, as in Spark): true if the context stopped; rejects with the error of a failed batch. */
  awaitTerminationOrTimeout(timeoutMs: number): Promise<boolean> {
    if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs)) {
      throw new TypeError(`awaitTerminationOrTimeout: expected a timeout in milliseconds, got ${String(timeoutMs)}`);
    }
    if (isExecutorMode()) return driverOnly();
    return this.waiter.waitForStopOrError(timeoutMs);
  }

  /** @internal A batch failed: logged, and rethrown by awaitTermination*; later batches still run. */
  reportError(message: string, error: unknown): void {
    // As the uncaught-error report: the message and the user's frames; every frame at debug level.
    logger().error(`${message}: ${summarizeError(error, { verbose: showEveryFrame() })}`);
    this.waiter.notifyError(error);
  }

  /** The context started in this process and not yet stopped. */
  static getActive(): StreamingContext | undefined {
    return activeContext;
  }

  /**
   * Spark's getOrCreate: a context resumed from the checkpoint in `checkpointPath`, or, when
   * there is none, the new context `creatingFunc` returns. Since functions cannot be
   * serialized, `creatingFunc` runs in both cases and must build the same graph
   * deterministically; recovery refuses a graph that differs from the checkpoint's, saying
   * how. Broadcast variables and accumulators are not restored, as in Spark: create them
   * lazily (see examples/RecoverableNetworkWordCount.ts). A checkpoint that cannot be read
   * throws, unless `createOnError`.
   */
  static getOrCreate(checkpointPath: string, creatingFunc: () => StreamingContext, options?: GetOrCreateOptions): StreamingContext {
    return getOrCreateContext(checkpointPath, creatingFunc, options);
  }

  /** The active context, or a new one from `creatingFunc`. */
  static getActiveOrCreate(creatingFunc: () => StreamingContext): StreamingContext;
  /** The active context, or `getOrCreate(checkpointPath, creatingFunc, options)`. */
  static getActiveOrCreate(checkpointPath: string, creatingFunc: () => StreamingContext, options?: GetOrCreateOptions): StreamingContext;
  static getActiveOrCreate(a: string | (() => StreamingContext), b?: () => StreamingContext, c?: GetOrCreateOptions): StreamingContext {
    if (activeContext !== undefined) return activeContext;
    if (typeof a === "function") return a();
    return getOrCreateContext(a, b!, c);
  }
}

/**
 * In an executor that re-imports the application, waiting on the stream never ends: the
 * import stops there, as it does at the first RDD action, and nothing after it runs twice.
 */
function driverOnly<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

function batchDurationOf(batch: DurationLike | undefined): Duration {
  if (batch === undefined || batch === null) throw new TypeError("StreamingContext: a batch duration is required, e.g. Seconds(1)");
  return positiveDuration(batch, "StreamingContext: the batch duration");
}

function clockFromConf(conf: SparkConf): Clock {
  const name = conf.get("spark.streaming.clock", "SystemClock");
  if (/(^|\.)ManualClock$/.test(name)) return new ManualClock();
  if (/(^|\.)SystemClock$/.test(name)) return new SystemClock();
  throw new TypeError(`spark.streaming.clock: unknown clock '${name}'. Use SystemClock or ManualClock, or pass { clock } to the StreamingContext.`);
}
