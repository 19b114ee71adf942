import { mkdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SparkConf } from "./SparkConf.js";
import { parseMaster } from "./master.js";
import { IllegalStateException, SparkException } from "./errors.js";
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
import { isExecutorMode, registerUserFunction, sealFunctionRegistry } from "./closure/index.js";
import { ContextPluginRegistry, type ContextPlugin } from "./plugin/ContextPluginRegistry.js";
import { applySubmitDefaults } from "./submitDefaults.js";

export interface SparkContextOptions {
  master?: string;
  appName?: string;
  conf?: SparkConf | Record<string, string>;
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
  private readonly taskScheduler: TaskScheduler;
  private readonly tracker: MapOutputTracker;
  readonly dagScheduler: DAGScheduler;
  readonly blockManagerMaster = new BlockManagerMaster();
  /** Frees what the application can no longer reach; undefined with spark.cleaner.referenceTracking=false. */
  readonly cleaner: ContextCleaner | undefined;
  private readonly accumulators = new Map<number, AccumulatorV2<unknown, unknown>>();
  private readonly broadcasts = new Map<number, SharedArrayBuffer>();
  private nextExecutorId = 0;
  private readonly creationSite: string;
  private plugins: ContextPlugin[] = [];

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
    const parsed = parseMaster(this.master);
    this.applicationId = `local-${this.startTime}`;
    c.setIfMissing("spark.app.id", this.applicationId);
    c.setIfMissing("spark.driver.host", "localhost");
    const logLevel = c.getOption("spark.log.level");
    if (logLevel) setLogLevel(logLevel);
    const threads = parsed.threads;
    this.defaultParallelism = c.getInt("spark.default.parallelism", threads);
    this.localDir = join(resolve(c.get("spark.local.dir", tmpdir())), `dstream-${this.applicationId}-${process.pid}`);
    const storageMemory = Math.floor(c.getSizeAsBytes("spark.executor.memory", "1g") * 0.6 * 0.5);
    this.driverExecutor = new LocalExecutor(join(this.localDir, "driver"), storageMemory);
    this.tracker = new MapOutputTracker(join(this.localDir, "shuffle"), c.getSizeAsBytes("dstream.shuffle.memoryLimit", "512m"));
    this.workerCount = threads > 1 && !this.executorMode ? threads : 0;
    for (let i = 0; i < this.workerCount; i++) this.workers.push(this.spawnWorker(storageMemory));
    if (this.workerCount > 0) {
      this.driverExecutor.fetchRemoteBlock = (rddId, split) => {
        const at = this.blockManagerMaster.location(rddId, split);
        const worker = this.workers.find((w) => w.id === at);
        return worker ? worker.fetchBlock(rddId, split) : Promise.resolve(undefined);
      };
    }
    this.workersReady = Promise.all(this.workers.map((w) => w.ready.then((reg) => this.registries.set(w.id, new Map(reg))))).then(() => undefined);
    this.taskScheduler = new TaskScheduler(this.driverExecutor, this.workers, c.getTimeAsMs("spark.locality.wait", "3s"));
    const maxFailures = c.getInt("spark.task.maxFailures", parsed.maxFailures);
    this.dagScheduler = new DAGScheduler(this.tracker, this.taskScheduler, this.listenerBus, {
      maxFailures,
      moduleAllowed: this.workerCount > 0 ? (id, hash) => this.moduleAllowed(id, hash) : undefined,
      mergeAccumulators: (updates) => {
        for (const u of updates) this.accumulators.get(u.id)?.mergeUpdate(u.value);
      },
      blockAdded: (rddId, split, executorId, memSize, diskSize) => this.blockManagerMaster.added(rddId, split, executorId, memSize, diskSize),
      blockLocation: (rddId, split) => this.blockManagerMaster.location(rddId, split),
      dropStageEverywhere: (key) => this.workers.forEach((w) => w.send({ type: "dropStage", key })),
    });
    this.cleaner = c.getBoolean("spark.cleaner.referenceTracking", true)
      ? new ContextCleaner({
          shuffle: (id) => this.dagScheduler.removeShuffle(id),
          rdd: (id) => this.removeRdd(id),
          broadcast: (id) => this.removeBroadcast(id),
        })
      : undefined;
    if (!this.executorMode) activeContext = this;
    logger().info({ master: this.master, app: this.appName, workers: this.workerCount }, "SparkContext started");
    if (!this.executorMode) this.plugins = sparkContextPlugins.start(this);
  }

  private spawnWorker(storageMemory: number): WorkerExecutor {
    const id = String(this.nextExecutorId++);
    const w = new WorkerExecutor(
      id,
      {
        executorId: id,
        localDir: join(this.localDir, `executor-${id}`),
        storageMemory,
        entry: this.reloadEntry(),
        entryReadyTimeoutMs: this.conf.getTimeAsMs("dstream.executor.reloadTimeout", "10s"),
        preload: executorPreloads(),
      },
      (lost) => this.replaceWorker(lost, storageMemory),
    );
    for (const [bid, buf] of this.broadcasts) w.send({ type: "broadcast", id: bid, buf });
    return w;
  }

  private replaceWorker(lost: WorkerExecutor, storageMemory: number): void {
    if (this.stopped) return;
    logger().warn(`Executor ${lost.id} was lost; its cached blocks will be recomputed. Starting a replacement.`);
    this.blockManagerMaster.executorLost(lost.id);
    const i = this.workers.indexOf(lost);
    const fresh = this.spawnWorker(storageMemory);
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
    const mode = this.conf.get("spark.executor.reloadModule", "auto");
    if (mode === "false") return undefined;
    const script = process.argv[1];
    if (!script || !existsSync(script) || !/\.(c|m)?(j|t)s$/.test(script)) return undefined;
    if (mode === "auto" && process.env.NODE_TEST_CONTEXT) return undefined;
    return pathToFileURL(resolve(script)).href;
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
    const parts = partitions ?? Array.from({ length: rdd.getNumPartitions() }, (_, i) => i);
    return this.dagScheduler.runJob<R>(rdd, op, parts, site ?? rdd.creationSite);
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
    this.checkpointDir = join(resolve(directory), this.applicationId);
    mkdirSync(this.checkpointDir, { recursive: true });
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

function optionsToConf(o: SparkContextOptions): SparkConf {
  const c = o.conf instanceof SparkConf ? o.conf.clone() : new SparkConf(o.conf ?? {});
  if (o.master !== undefined) c.setMaster(o.master);
  if (o.appName !== undefined) c.setAppName(o.appName);
  return c;
}

// Unused parameter names in shipped-function checks refer to these exports; keep them public.
export { Broadcast, LongAccumulator, CollectionAccumulator, DoubleAccumulator };
void SparkException;
