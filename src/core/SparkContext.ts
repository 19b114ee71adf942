import { FileSystems } from "./fs/FileSystems.js";
import { joinPath, qualify } from "./fs/fsPath.js";
import { makeDirectories } from "./util/makeDirectories.js";
import { rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SparkConf, type ConfValue } from "./SparkConf.js";
import { MAX_THREADS_KEY, defaultMaxThreads, parseMaster } from "./master.js";
import { IllegalArgumentException, IllegalStateException, SparkException } from "./errors.js";
import { logger, setLogLevel } from "./log.js";
import type { RDD } from "./rdd/RDD.js";
import "./rdd/api/index.js";
import { ParallelCollectionRDD, RangeRDD, EmptyRDD } from "./rdd/ParallelCollectionRDD.js";
import { UnionRDD } from "./rdd/UnionRDD.js";
import { TextFileRDD } from "./rdd/TextFileRDD.js";
import { WholeTextFileRDD } from "./rdd/WholeTextFileRDD.js";
import { callSite } from "./rdd/callSite.js";
import { Broadcast } from "./Broadcast.js";
import { ContextCleaner } from "./ContextCleaner.js";
import { AccumulatorV2, CollectionAccumulator, DoubleAccumulator, LongAccumulator } from "./Accumulator.js";
import { LocalExecutor } from "./executor/LocalExecutor.js";
import { WorkerExecutor } from "./executor/WorkerExecutor.js";
import { runExecutorShutdownHooks } from "./executor/executorShutdown.js";
import { markExecutorGraphBuilt } from "./executor/executorModeSignal.js";
import { executorPreloads } from "./executor/executorPreload.js";
import { TaskScheduler } from "./scheduler/TaskScheduler.js";
import { DAGScheduler } from "./scheduler/DAGScheduler.js";
import { ListenerBus, type SparkListener } from "./scheduler/SparkListener.js";
import type { ResultOpCall } from "./scheduler/resultOps.js";
import { MapOutputTracker } from "./shuffle/MapOutputTracker.js";
import { BlockManagerMaster } from "./storage/BlockManagerMaster.js";
import { packValue, toShared } from "./serialization/blockCodec.js";
import { isExecutorMode, registerUserFunction, sealFunctionRegistry, userFunctionId } from "./closure/index.js";
import type { ShipFailure } from "./executor/PlanBuilder.js";
import { ContextPluginRegistry, type ContextPlugin } from "./plugin/ContextPluginRegistry.js";
import { applySubmitDefaults } from "./submitDefaults.js";

export interface SparkContextOptions {
  master?: string;
  appName?: string;
  conf?: SparkConf | Record<string, ConfValue>;
}

let activeContext: SparkContext | undefined;

/** @internal Extensions (the web UI) that start with each driver's SparkContext and stop with it. */
export const sparkContextPlugins = new ContextPluginRegistry<SparkContext>("SparkContext");

/**
 * The entry point to the engine: holds the configuration, the executors and the schedulers.
 * `local[N]` starts N worker-thread executors; `local[1]` runs every task in this thread.
 */
export class SparkContext {
  readonly conf: SparkConf;
  /** The Hadoop configuration filesystems are built with: `spark.hadoop.*` settings without the prefix. */
  readonly hadoopConfiguration: Readonly<Record<string, string>>;
  readonly master: string;
  readonly appName: string;
  readonly applicationId: string;
  readonly startTime = Date.now();
  readonly defaultParallelism: number;
  readonly listenerBus = new ListenerBus();
  /** The executor threads besides the driver's own; 0 in local[1]. */
  readonly workerCount: number;

  private nextRdd = 0;
  private nextShuffle = 0;
  private nextBroadcast = 0;
  private nextAccumulator = 0;
  private stopped = false;
  private stopSite = "";
  private checkpointDir: string | undefined;
  private readonly localDir: string;
  private readonly executorMode: boolean;
  private readonly driverExecutor: LocalExecutor;
  private readonly workers: WorkerExecutor[] = [];
  private readonly workersReady: Promise<void>;
  private readonly registries = new Map<string, Map<number, string>>();
  /** The application module executors may reload; undefined when reload is off or impossible. */
  private readonly reloadUrl: string | undefined;
  /** Set once the executors were asked to reload it: at most once per application. */
  private moduleReload: Promise<void> | undefined;
  private moduleReloaded = false;
  private readonly taskScheduler: TaskScheduler;
  private readonly tracker: MapOutputTracker;
  readonly dagScheduler: DAGScheduler;
  readonly blockManagerMaster = new BlockManagerMaster();
  /** Frees what the application can no longer reach; undefined with spark.cleaner.referenceTracking=false. */
  readonly cleaner: ContextCleaner | undefined;
  private readonly accumulators = new Map<number, AccumulatorV2<unknown, unknown>>();
  private readonly broadcasts = new Map<number, SharedArrayBuffer>();
  private nextExecutorId = 0;
  /** Bytes each executor may use for cached blocks. */
  private readonly storageMemory: number;
  private readonly creationSite: string;
  private plugins: ContextPlugin[] = [];
  private readonly reloadMode: "auto" | "true" | "false";
  private readonly reloadTimeoutMs: number;

  constructor(conf?: SparkConf | SparkContextOptions) {
    const c = conf instanceof SparkConf ? conf.clone() : optionsToConf(conf ?? {});
    this.executorMode = isExecutorMode();
    applySubmitDefaults(c);
    if (!c.contains("spark.master")) {
      throw new SparkException("A master URL must be set in your configuration: use setMaster('local[2]') or { master: 'local[2]' }.");
    }
    if (!c.contains("spark.app.name")) {
      throw new SparkException("An application name must be set in your configuration: use setAppName('name') or { appName: 'name' }.");
    }
    this.creationSite = callSite("SparkContext");
    if (activeContext && !this.executorMode) {
      throw new SparkException(
        `Only one SparkContext should be running in this process (see SPARK-2243). The currently running SparkContext was created at: ${activeContext.creationSite}. Call stop() on it first.`,
      );
    }
    this.conf = c;
    this.master = c.get("spark.master");
    this.appName = c.get("spark.app.name");
    // Everything the configuration can refuse is read before any executor thread starts, so a
    // refused configuration leaves nothing running.
    const parsed = parseMaster(this.master, positiveSetting(c, MAX_THREADS_KEY, defaultMaxThreads()));
    this.applicationId = `local-${this.startTime}`;
    c.setIfMissing("spark.app.id", this.applicationId);
    c.setIfMissing("spark.driver.host", "localhost");
    const logLevel = c.getOption("spark.log.level");
    if (logLevel) setLogLevel(logLevel);
    // Hadoop's configuration is the `spark.hadoop.*` entries without the prefix, as in Spark's
    // SparkHadoopUtil; remote filesystems (dstream/hdfs) are built with it.
    this.hadoopConfiguration = Object.fromEntries(
      c.getAll().filter(([k]) => k.startsWith("spark.hadoop.")).map(([k, v]) => [k.slice("spark.hadoop.".length), v]),
    );
    FileSystems.setConf(this.hadoopConfiguration);
    const threads = parsed.threads;
    this.defaultParallelism = positiveSetting(c, "spark.default.parallelism", threads);
    // Created now, not at the first spill: a spark.local.dir that cannot hold directories is refused before anything runs.
    this.localDir = join(makeDirectories(c.get("spark.local.dir", tmpdir()), "spark.local.dir"), `dstream-${this.applicationId}-${process.pid}`);
    const storageMemory = Math.floor(c.getSizeAsBytes("spark.executor.memory", "1g") * 0.6 * 0.5);
    this.storageMemory = storageMemory;
    const shuffleMemory = c.getSizeAsBytes("dstream.shuffle.memoryLimit", "512m");
    const localityWait = c.getTimeAsMs("spark.locality.wait", "3s");
    const maxFailures = positiveSetting(c, "spark.task.maxFailures", parsed.maxFailures);
    const referenceTracking = c.getBoolean("spark.cleaner.referenceTracking", true);
    this.reloadMode = reloadModeOf(c);
    this.reloadTimeoutMs = c.getTimeAsMs("dstream.executor.reloadTimeout", "10s");
    this.driverExecutor = new LocalExecutor(join(this.localDir, "driver"), storageMemory);
    this.tracker = new MapOutputTracker(join(this.localDir, "shuffle"), shuffleMemory);
    this.workerCount = threads > 1 && !this.executorMode ? threads : 0;
    this.reloadUrl = this.workerCount > 0 ? this.reloadEntry() : undefined;
    for (let i = 0; i < this.workerCount; i++) this.workers.push(this.spawnWorker(storageMemory));
    if (this.workerCount > 0) {
      this.driverExecutor.fetchRemoteBlock = (rddId, split) => {
        const at = this.blockManagerMaster.location(rddId, split);
        const worker = this.workers.find((w) => w.id === at);
        return worker ? worker.fetchBlock(rddId, split) : Promise.resolve(undefined);
      };
    }
    this.workersReady = Promise.all(this.workers.map((w) => w.ready.then((reg) => this.registries.set(w.id, new Map(reg))))).then(() => undefined);
    this.taskScheduler = new TaskScheduler(this.driverExecutor, this.workers, localityWait);
    this.dagScheduler = new DAGScheduler(this.tracker, this.taskScheduler, this.listenerBus, {
      maxFailures,
      moduleAllowed: this.workerCount > 0 ? (id, hash) => this.moduleAllowed(id, hash) : undefined,
      reloadModuleFor: this.reloadUrl !== undefined ? (failures) => this.reloadModuleFor(failures) : undefined,
      mergeAccumulators: (updates) => {
        for (const u of updates) this.accumulators.get(u.id)?.mergeUpdate(u.value);
      },
      blockAdded: (rddId, split, executorId, memSize, diskSize) => {
        this.blockManagerMaster.added(rddId, split, executorId, memSize, diskSize);
        this.listenerBus.post("onBlockUpdated", { rddId, split, executorId, memSize, diskSize });
      },
      blockLocation: (rddId, split) => this.blockManagerMaster.location(rddId, split),
      dropStageEverywhere: (key) => this.workers.forEach((w) => w.send({ type: "dropStage", key })),
    });
    this.cleaner = referenceTracking
      ? new ContextCleaner({
          shuffle: (id) => this.dagScheduler.removeShuffle(id),
          rdd: (id) => this.removeRdd(id),
          broadcast: (id) => this.removeBroadcast(id),
        })
      : undefined;
    if (!this.executorMode) activeContext = this;
    logger().info({ master: this.master, app: this.appName, workers: this.workerCount }, "SparkContext started");
    if (!this.executorMode) {
      try {
        this.plugins = sparkContextPlugins.start(this);
      } catch (e) {
        // A plugin (the web UI) that cannot start fails the context: stop what already runs, so a new one can start.
        void this.stop();
        throw e;
      }
    }
    // After the plugins start, so that the UI's listener sees every executor, as Spark's sees them register.
    this.executorAdded(this.driverExecutor.id, this.startTime);
    for (const w of this.workers) this.executorAdded(w.id, this.startTime);
  }

  private executorAdded(executorId: string, time: number): void {
    // Each executor is one thread running one task at a time: one core.
    this.listenerBus.post("onExecutorAdded", { executorId, time, totalCores: 1, maxMemory: this.storageMemory });
  }

  /**
   * Waits, blocking this thread, until every executor thread has imported the modules connectors
   * registered with `preloadOnExecutors`, for at most `dstream.executor.preloadTimeout` (10s).
   * A streaming context does this before its first batch is scheduled, so that the first batch
   * does not pay for loading a client library in each executor. Returns whether all finished.
   */
  awaitExecutorPreloads(): boolean {
    if (executorPreloads().length === 0) return true;
    const timeoutMs = this.conf.getTimeAsMs("dstream.executor.preloadTimeout", "10s");
    const t0 = performance.now();
    const deadline = t0 + timeoutMs;
    const done = this.workers.every((w) => w.waitPreloadedSync(deadline));
    const waited = performance.now() - t0;
    if (!done) logger().warn(`Executors had not finished loading ${executorPreloads().join(", ")} after ${timeoutMs} ms (dstream.executor.preloadTimeout); the first batch will wait for them`);
    else if (waited >= 1) logger().info(`Waited ${waited.toFixed(0)} ms for executors to load connector modules before the first batch`);
    return done;
  }

  private spawnWorker(storageMemory: number): WorkerExecutor {
    const id = String(this.nextExecutorId++);
    const w = new WorkerExecutor(
      id,
      {
        executorId: id,
        localDir: join(this.localDir, `executor-${id}`),
        storageMemory,
        entry: this.reloadUrl,
        reloadAtStart: this.moduleReload !== undefined,
        entryReadyTimeoutMs: this.reloadTimeoutMs,
        preload: executorPreloads(),
      },
      (lost, reason) => this.replaceWorker(lost, reason, storageMemory),
    );
    for (const [bid, buf] of this.broadcasts) w.send({ type: "broadcast", id: bid, buf });
    return w;
  }

  private replaceWorker(lost: WorkerExecutor, reason: string, storageMemory: number): void {
    if (this.stopped) return;
    logger().warn(`Executor ${lost.id} was lost; its cached blocks will be recomputed. Starting a replacement.`);
    this.blockManagerMaster.executorLost(lost.id);
    this.listenerBus.post("onExecutorRemoved", { executorId: lost.id, time: Date.now(), reason });
    const i = this.workers.indexOf(lost);
    const fresh = this.spawnWorker(storageMemory);
    this.executorAdded(fresh.id, Date.now());
    if (i >= 0) this.workers[i] = fresh;
    void fresh.ready.then((reg) => {
      this.registries.set(fresh.id, new Map(reg));
      this.taskScheduler.executorsChanged();
    });
  }

  /**
   * The application module that executors reload to rebuild closures (DESIGN §3). Off under
   * node's test runner, whose files register tests rather than build a job graph.
   */
  private reloadEntry(): string | undefined {
    if (this.reloadMode === "false") return undefined;
    const script = process.argv[1];
    if (!script || !existsSync(script) || !/\.(c|m)?(j|t)s$/.test(script)) return undefined;
    if (this.reloadMode === "auto" && process.env.NODE_TEST_CONTEXT) return undefined;
    return pathToFileURL(resolve(script)).href;
  }

  /**
   * Reloading runs the application's top-level code again in every executor, so it happens only
   * when a stage needs a function that cannot travel by source or with captured values, and only
   * once. Resolves true when the executors have just reloaded and the plan is worth building again.
   */
  private async reloadModuleFor(failures: readonly ShipFailure[]): Promise<boolean> {
    const needed = failures.find((f) => typeof f.key === "function" && userFunctionId(f.key) !== undefined);
    if (needed === undefined || this.reloadUrl === undefined) return false;
    if (this.moduleReload === undefined) {
      const where = needed.location ? ` at ${needed.location}` : "";
      logger().warn(
        `Reloading the application module ${fileURLToPath(this.reloadUrl)} in each executor, for the ${needed.what}${where}: it cannot be sent by its source: ${needed.reason}. ` +
          "The module's top-level code runs again in every executor: put code that must run once (writing files, creating topics, producing records) " +
          "inside `if (isDriver()) { ... }` or after the first action or ssc.start(). To avoid the reload, let the function capture only plain data or sc.broadcast(...) values; " +
          "with spark.executor.reloadModule=false such a stage runs on the driver thread instead.",
      );
      this.moduleReload = Promise.all(this.workers.map((w) => w.reload().then((reg) => void this.registries.set(w.id, new Map(reg))))).then(() => {
        this.moduleReloaded = true;
      });
    } else if (this.moduleReloaded) {
      // The plan was built after the reload: the function is not one the executors registered.
      return false;
    }
    await this.moduleReload;
    return true;
  }

  private moduleAllowed(id: number, sourceHash: string): boolean {
    if (this.registries.size < this.workers.length) return false;
    return this.workers.every((w) => this.registries.get(w.id)?.get(id) === sourceHash);
  }

  /** @internal */
  newRddId(): number {
    return this.nextRdd++;
  }

  /** @internal */
  newShuffleId(): number {
    return this.nextShuffle++;
  }

  private assertNotStopped(): void {
    if (this.stopped) {
      const active = activeContext ? activeContext.creationSite : "(No active SparkContext.)";
      throw new IllegalStateException(
        `Cannot call methods on a stopped SparkContext.\nThis stopped SparkContext was created at:\n\n${this.creationSite}\n\n` +
          `And it was stopped at:\n\n${this.stopSite}\n\nThe currently active SparkContext was created at:\n\n${active}\n`,
      );
    }
  }

  /** @internal Runs an action's per-partition operation and returns one result per requested partition. */
  async runJob<R>(rdd: RDD<unknown>, op: ResultOpCall, partitions?: number[], site?: string): Promise<R[]> {
    // Spark's runJob on a stopped context (actions on RDDs that already exist).
    if (this.stopped) throw new IllegalStateException("SparkContext has been shutdown");
    // The first action ends graph construction: the executors' reloaded module stops here too,
    // so functions created later (e.g. per batch) get no id and travel by source instead.
    sealFunctionRegistry();
    if (this.executorMode) {
      markExecutorGraphBuilt();
      return new Promise<R[]>(() => undefined);
    }
    await this.workersReady;
    // Before the partition count is read: a sortByKey's count is known once it has sampled.
    await this.prepareLineage(rdd);
    const parts = partitions ?? Array.from({ length: rdd.getNumPartitions() }, (_, i) => i);
    return this.dagScheduler.runJob<R>(rdd, op, parts, site ?? rdd.creationSite);
  }

  /**
   * @internal Runs the jobs that some RDD in `rdd`'s lineage needs before its partitions can be
   * counted or computed (range partitioners' sampling, zipWithIndex's counts). Spark runs them
   * when those RDDs are created; dstream's transformations are synchronous, so actions call this
   * before reading a partition count.
   */
  prepareLineage(rdd: RDD<unknown>): Promise<void> {
    return this.dagScheduler.prepareLineage(rdd);
  }

  /** Spark's `sc.runJob(rdd, func, partitions)`: applies `func` to the iterator of each partition. */
  runPartitionJob<T, R>(rdd: RDD<T>, func: (it: IterableIterator<T>) => R, partitions?: number[]): Promise<R[]> {
    registerUserFunction(func);
    return this.runJob<R>(rdd as RDD<unknown>, { name: "applyPartition", args: [func] }, partitions, callSite("runJob"));
  }

  private track<T extends RDD<unknown>>(rdd: T, op: string): T {
    rdd.creationSite = callSite(op);
    return rdd;
  }

  parallelize<T>(data: Iterable<T>, numSlices: number = this.defaultParallelism): RDD<T> {
    this.assertNotStopped();
    if (data === null || data === undefined || typeof (data as Iterable<T>)[Symbol.iterator] !== "function") {
      throw new TypeError(`parallelize: data must be an array or other iterable, got ${String(data)}`);
    }
    return this.track(new ParallelCollectionRDD(this, Array.isArray(data) ? data : Array.from(data), numSlices), "parallelize") as RDD<T>;
  }

  /** Alias of parallelize, as in Spark. */
  makeRDD<T>(data: Iterable<T>, numSlices?: number): RDD<T> {
    return this.parallelize(data, numSlices);
  }

  range(start: number, end?: number, step = 1, numSlices: number = this.defaultParallelism): RDD<number> {
    this.assertNotStopped();
    const [a, b] = end === undefined ? [0, start] : [start, end];
    return this.track(new RangeRDD(this, a, b, step, numSlices), "range");
  }

  emptyRDD<T>(): RDD<T> {
    return this.track(new EmptyRDD<T>(this), "emptyRDD");
  }

  union<T>(rdds: Array<RDD<T>>): RDD<T> {
    this.assertNotStopped();
    if (!Array.isArray(rdds) || rdds.length === 0) throw new TypeError("union: pass a non-empty array of RDDs");
    return this.track(new UnionRDD(this, rdds), "union");
  }

  /** Lines of local text files: a file, a directory, or a glob; several separated by commas. */
  textFile(path: string, minPartitions: number = Math.min(this.defaultParallelism, 2)): RDD<string> {
    this.assertNotStopped();
    return this.track(new TextFileRDD(this, path, minPartitions), "textFile");
  }

  /** One `[path, content]` pair per file, with paths as `file:/absolute/path`, as Spark gives them. */
  wholeTextFiles(path: string, minPartitions: number = Math.min(this.defaultParallelism, 2)): RDD<[string, string]> {
    this.assertNotStopped();
    return this.track(new WholeTextFileRDD(this, path, minPartitions), "wholeTextFiles");
  }

  broadcast<T>(value: T): Broadcast<T> {
    this.assertNotStopped();
    const id = this.nextBroadcast++;
    // Executors hold the packed value until unpersist(); a task that captures it afterwards sends it again.
    const send = (bid: number, v: T): void => {
      if (this.workers.length === 0 || this.broadcasts.has(bid) || this.stopped) return;
      const buf = toShared(packValue(v));
      this.broadcasts.set(bid, buf);
      for (const w of this.workers) w.send({ type: "broadcast", id: bid, buf });
    };
    send(id, value);
    const b = new Broadcast(id, value, (bid) => this.removeBroadcast(bid), send);
    this.cleaner?.registerBroadcastForCleanup(b, id);
    return b;
  }

  private removeBroadcast(id: number): void {
    this.broadcasts.delete(id);
    for (const w of this.workers) w.send({ type: "removeBroadcast", id });
  }

  private registerAccumulator<A extends AccumulatorV2<never, unknown>>(acc: A): A {
    this.accumulators.set(acc.id, acc as unknown as AccumulatorV2<unknown, unknown>);
    return acc;
  }

  longAccumulator(name?: string): LongAccumulator {
    return this.registerAccumulator(new LongAccumulator(this.nextAccumulator++, name));
  }

  doubleAccumulator(name?: string): DoubleAccumulator {
    return this.registerAccumulator(new DoubleAccumulator(this.nextAccumulator++, name));
  }

  collectionAccumulator<T>(name?: string): CollectionAccumulator<T> {
    return this.registerAccumulator(new CollectionAccumulator<T>(this.nextAccumulator++, name));
  }

  setCheckpointDir(directory: string): void {
    if (typeof directory !== "string" || directory.length === 0) throw new TypeError(`setCheckpointDir: expected a directory path, got ${String(directory)}`);
    this.checkpointDir = joinPath(qualify(directory), this.applicationId);
    FileSystems.get(this.checkpointDir, "setCheckpointDir").mkdirs(this.checkpointDir, "setCheckpointDir");
  }

  getCheckpointDir(): string | undefined {
    return this.checkpointDir;
  }

  setLogLevel(level: string): void {
    setLogLevel(level);
  }

  addSparkListener(listener: SparkListener): void {
    this.listenerBus.add(listener);
  }

  removeSparkListener(listener: SparkListener): void {
    this.listenerBus.remove(listener);
  }

  /** @internal The shuffles whose map output is still held (for tests of the cleaner). */
  registeredShuffles(): number[] {
    return this.tracker.shuffleIds();
  }

  /** @internal Drops an RDD's cached blocks on every executor. */
  removeRdd(rddId: number): void {
    this.driverExecutor.blockManager.removeRdd(rddId);
    for (const w of this.workers) w.send({ type: "removeRdd", rddId });
    this.blockManagerMaster.removeRdd(rddId);
    this.listenerBus.post("onUnpersistRDD", { rddId });
  }

  /** @internal */
  describeCachedBlocks(rddId: number): Array<{ split: number; executorId: string; memSize: number; diskSize: number }> {
    this.assertNotStopped();
    return this.blockManagerMaster.cachedPartitions(rddId);
  }

  isStopped(): boolean {
    return this.stopped;
  }

  get startTimeMs(): number {
    return this.startTime;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopSite = callSite("stop");
    if (activeContext === this) activeContext = undefined;
    await sparkContextPlugins.shutdown(this.plugins);
    this.cleaner?.stop();
    this.taskScheduler.stop();
    await Promise.all(this.workers.map((w) => w.stop()));
    // The driver thread's own executor: its connectors' cached clients would keep the process alive.
    await runExecutorShutdownHooks();
    this.driverExecutor.blockManager.clear();
    this.tracker.clear();
    rmSync(this.localDir, { recursive: true, force: true });
  }

  static getOrCreate(conf?: SparkConf | SparkContextOptions): SparkContext {
    return activeContext ?? new SparkContext(conf);
  }

  static getActive(): SparkContext | undefined {
    return activeContext;
  }
}

/** A whole-number setting that must be at least 1; refused with the key and the value otherwise. */
function positiveSetting(c: SparkConf, key: string, defaultValue: number): number {
  const n = c.getInt(key, defaultValue);
  if (n < 1) throw new IllegalArgumentException(`${key} must be at least 1, got ${n}`);
  return n;
}

function reloadModeOf(c: SparkConf): "auto" | "true" | "false" {
  const mode = c.get("spark.executor.reloadModule", "auto");
  if (mode === "auto" || mode === "true" || mode === "false") return mode;
  throw new IllegalArgumentException(`spark.executor.reloadModule must be auto, true or false, got '${mode}'`);
}

function optionsToConf(o: SparkContextOptions): SparkConf {
  const c = o.conf instanceof SparkConf ? o.conf.clone() : new SparkConf(o.conf ?? {});
  if (o.master !== undefined) c.setMaster(o.master);
  if (o.appName !== undefined) c.setAppName(o.appName);
  return c;
}

// Unused parameter names in shipped-function checks refer to these exports; keep them public.
export { Broadcast, LongAccumulator, CollectionAccumulator, DoubleAccumulator };
void SparkException;
