import { FileSystems } from "../fs/FileSystems.js";
import type { RDD } from "../rdd/RDD.js";
import { NarrowDependency, ShuffleDependency } from "../rdd/Dependency.js";
import { StorageLevel } from "../storage/StorageLevel.js";
import { PlanBuilder, type ShipFailure } from "../executor/PlanBuilder.js";
import type { StagePlan } from "../executor/messages.js";
import type { TaskWork } from "../executor/runTask.js";
import type { MapStatus, ShuffleWriteSpec } from "../shuffle/ShuffleWriter.js";
import type { MapOutputTracker } from "../shuffle/MapOutputTracker.js";
import { blockBytes, type BlockRef } from "../shuffle/BlockRef.js";
import { shuffleInputKey, type AccumulatorUpdate } from "./TaskContext.js";
import type { TaskScheduler } from "./TaskScheduler.js";
import type { ResultOpCall } from "./resultOps.js";
import { ResultStage, ShuffleMapStage, type Stage } from "./Stage.js";
import type { ListenerBus, RDDInfo, StageInfo, TaskInfo } from "./SparkListener.js";
import { SparkException, reviveError } from "../errors.js";
import { warnOnce } from "../log.js";

export interface SchedulerHooks {
  maxFailures: number;
  moduleAllowed: ((id: number, sourceHash: string) => boolean) | undefined;
  /** Has the executors reload the application module when that would ship these; true when worth retrying. */
  reloadModuleFor?: ((failures: readonly ShipFailure[]) => Promise<boolean>) | undefined;
  mergeAccumulators(updates: AccumulatorUpdate[]): void;
  blockAdded(rddId: number, split: number, executorId: string, memSize: number, diskSize: number): void;
  blockLocation(rddId: number, split: number): string | undefined;
  dropStageEverywhere(key: string): void;
}

/**
 * Splits a job into stages at shuffle boundaries, runs missing parent stages first (reusing
 * shuffle output that earlier jobs already wrote), and retries failed tasks up to
 * `spark.task.maxFailures` before failing the job with Spark's message.
 */
export class DAGScheduler {
  private nextJobId = 0;
  private nextStageId = 0;
  private nextTaskId = 0;
  private readonly shuffleStages = new Map<number, ShuffleMapStage>();
  private activeJobs = 0;

  constructor(
    private readonly tracker: MapOutputTracker,
    private readonly tasks: TaskScheduler,
    private readonly bus: ListenerBus,
    private readonly hooks: SchedulerHooks,
  ) {}

  /** Call `prepareLineage` first: the partitions' count and the stages depend on it. */
  async runJob<R>(rdd: RDD<unknown>, op: ResultOpCall, partitions: number[], callSite: string): Promise<R[]> {
    const jobId = this.nextJobId++;
    this.activeJobs++;
    const parents = this.parentStages(rdd, jobId);
    const stage = new ResultStage(this.nextStageId++, rdd, parents, jobId, partitions, op);
    this.bus.post("onJobStart", { jobId, time: Date.now(), stageIds: this.stageIds(stage), callSite });
    try {
      await Promise.all(parents.map((p) => this.ensureShuffleOutput(p)));
      const results = new Array<R>(partitions.length);
      await this.runStage(stage, partitions, (index, value) => {
        results[index] = value as R;
      }, callSite);
      this.bus.post("onJobEnd", { jobId, time: Date.now(), succeeded: true });
      return results;
    } catch (e) {
      this.bus.post("onJobEnd", { jobId, time: Date.now(), succeeded: false, error: String(e) });
      throw e;
    } finally {
      // Stages hold their RDDs' lineage; once no job runs they are let go, so the cleaner can
      // free shuffles the application dropped. Map output stays registered by shuffle id and a
      // later job finds it there, creating a fresh stage that it then skips.
      if (--this.activeJobs === 0) this.shuffleStages.clear();
    }
  }

  /**
   * Runs the jobs some RDD in the lineage needs before its partitions can be counted or computed:
   * zipWithIndex counts its parent's partitions, a range partitioner samples its shuffle's keys.
   * Spark runs them when the RDD is created; dstream's transformations are synchronous, so they
   * run before a job takes its id. Shuffles whose output already exists end the search: nothing
   * above them will be computed.
   */
  async prepareLineage(rdd: RDD<unknown>): Promise<void> {
    const preparing = this.driverPreparations(rdd);
    if (preparing.length > 0) await Promise.all(preparing);
  }

  private driverPreparations(rdd: RDD<unknown>): Array<Promise<void>> {
    const out: Array<Promise<void>> = [];
    const visited = new Set<number>();
    const stack = [rdd];
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (visited.has(r.id)) continue;
      visited.add(r.id);
      const p = (r as { driverPrepare?: () => Promise<void> | undefined }).driverPrepare?.();
      if (p) out.push(p);
      for (const dep of r.dependencies()) {
        if (dep instanceof ShuffleDependency) {
          if (this.tracker.isAvailable(dep.shuffleId)) continue;
          const sampled = (dep.partitioner as { prepare?: () => Promise<void> | undefined }).prepare?.();
          if (sampled) out.push(sampled);
        }
        stack.push(dep.rdd);
      }
    }
    return out;
  }

  private stageIds(stage: Stage): number[] {
    const ids = new Set<number>();
    const visit = (s: Stage): void => {
      ids.add(s.id);
      s.parents.forEach(visit);
    };
    visit(stage);
    return [...ids].sort((a, b) => a - b);
  }

  /** The shuffle stages an RDD's narrow lineage reads from, created ancestors first as in Spark. */
  private parentStages(rdd: RDD<unknown>, jobId: number): ShuffleMapStage[] {
    const found: ShuffleMapStage[] = [];
    const visited = new Set<number>();
    const stack = [rdd];
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (visited.has(r.id)) continue;
      visited.add(r.id);
      for (const dep of r.dependencies()) {
        if (dep instanceof ShuffleDependency) {
          const s = this.shuffleStage(dep as ShuffleDependency<unknown, unknown, unknown>, jobId);
          if (!found.includes(s)) found.push(s);
        } else stack.push(dep.rdd);
      }
    }
    return found;
  }

  private shuffleStage(dep: ShuffleDependency<unknown, unknown, unknown>, jobId: number): ShuffleMapStage {
    let s = this.shuffleStages.get(dep.shuffleId);
    if (s) return s;
    const parents = this.parentStages(dep.rdd, jobId);
    s = new ShuffleMapStage(this.nextStageId++, dep.rdd, parents, jobId, dep);
    this.shuffleStages.set(dep.shuffleId, s);
    this.tracker.registerShuffle(dep.shuffleId, dep.rdd.getNumPartitions(), dep.partitioner.numPartitions);
    return s;
  }

  private ensureShuffleOutput(stage: ShuffleMapStage): Promise<void> {
    const shuffleId = stage.dep.shuffleId;
    if (this.tracker.isAvailable(shuffleId)) return Promise.resolve();
    stage.running ??= (async () => {
      try {
        await Promise.all(stage.parents.map((p) => this.ensureShuffleOutput(p)));
        await this.runStage(stage, this.tracker.missingMaps(shuffleId), (index, value) => {
          this.tracker.registerMapOutput(shuffleId, index, value as MapStatus);
        }, `${stage.rdd.creationSite}`);
      } finally {
        stage.running = undefined;
      }
    })();
    return stage.running;
  }

  private async runStage(stage: Stage, partitions: number[], onResult: (index: number, value: unknown) => void, name: string): Promise<void> {
    const attempt = stage.attempt++;
    const info: StageInfo = {
      stageId: stage.id,
      attemptNumber: attempt,
      name,
      numTasks: partitions.length,
      rddIds: this.narrowRddIds(stage.rdd),
      rddInfos: this.persistedRdds(stage.rdd),
      parentIds: stage.parents.map((p) => p.id),
      submissionTime: Date.now(),
    };
    this.bus.post("onStageSubmitted", { stageInfo: info });
    const work = this.liveWork(stage);
    const plan = this.tasks.hasWorkers ? await this.workerPlan(stage, work, attempt) : undefined;
    try {
      await Promise.all(
        partitions.map((partition, i) =>
          this.runTask(stage, attempt, partition, work, plan).then((value) =>
            onResult(stage instanceof ResultStage ? i : partition, value),
          ),
        ),
      );
    } catch (e) {
      info.failureReason = e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      info.completionTime = Date.now();
      this.bus.post("onStageCompleted", { stageInfo: info });
      if (plan) this.hooks.dropStageEverywhere(plan.key);
    }
  }

  private liveWork(stage: Stage): TaskWork {
    if (stage instanceof ShuffleMapStage) {
      const d = stage.dep;
      const shuffle: ShuffleWriteSpec = {
        shuffleId: d.shuffleId,
        numPartitions: d.partitioner.numPartitions,
        partitioner: d.partitioner,
        aggregator: d.aggregator,
        mapSideCombine: d.mapSideCombine,
      };
      return { kind: "shuffleMap", rdd: stage.rdd, shuffle };
    }
    return { kind: "result", rdd: stage.rdd, op: (stage as ResultStage).op };
  }

  /** The stage as data for a worker, or undefined (with a warning) when something in it cannot travel. */
  private async workerPlan(stage: Stage, work: TaskWork, attempt: number): Promise<StagePlan | undefined> {
    let built = this.buildPlan(stage, work, attempt);
    if (built.failures.length > 0 && (await this.hooks.reloadModuleFor?.(built.failures))) built = this.buildPlan(stage, work, attempt);
    if (built.failures.length === 0) return built.plan;
    for (const f of built.failures) warnDriverFallback(stage, f);
    return undefined;
  }

  private buildPlan(stage: Stage, work: TaskWork, attempt: number): { plan: StagePlan; failures: ShipFailure[] } {
    const b = new PlanBuilder(this.hooks.moduleAllowed);
    const key = `${stage.id}.${attempt}`;
    const rdd = b.node(stage.rdd);
    let plan: StagePlan;
    if (work.kind === "result") {
      const args = work.op.args.map((a, i) => (typeof a === "function" ? b.fn(a, `${work.op.name} function`) : checkData(a, `${work.op.name} argument ${i + 1}`, b)));
      plan = { key, rdd, op: { name: work.op.name, args } };
    } else {
      const s = work.shuffle;
      const partitioner = b.partitioner(s.partitioner);
      plan = {
        key,
        rdd,
        shuffle: {
          shuffleId: s.shuffleId,
          numPartitions: s.numPartitions,
          partitioner: partitioner ?? { $partitioner: { kind: "hash", numPartitions: 1 } },
          aggregator: s.aggregator && {
            createCombiner: b.fn(s.aggregator.createCombiner, "createCombiner"),
            mergeValue: b.fn(s.aggregator.mergeValue, "mergeValue"),
            mergeCombiners: b.fn(s.aggregator.mergeCombiners, "mergeCombiners"),
          },
          mapSideCombine: s.mapSideCombine,
        },
      };
    }
    // Executor threads register the same remote filesystems (dstream/hdfs) before they meet a path.
    const fileSystems = FileSystems.refs();
    if (fileSystems.length > 0) plan.fileSystems = fileSystems;
    return { plan, failures: b.failures };
  }

  private async runTask(stage: Stage, stageAttempt: number, partition: number, work: TaskWork, plan: StagePlan | undefined): Promise<unknown> {
    const index = stage instanceof ResultStage ? stage.partitions.indexOf(partition) : partition;
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < this.hooks.maxFailures; attempt++) {
      const taskId = this.nextTaskId++;
      const taskInfo: TaskInfo = { taskId, index, attemptNumber: attempt, stageId: stage.id, executorId: "", launchTime: Date.now() };
      const preferred = this.preferredLocation(stage.rdd, partition, 0);
      const shuffleInputs = this.shuffleInputs(stage.rdd, partition);
      // Spark's task start: when an executor takes the task, not while it waits for a free one.
      let started = false;
      const launched = (executorId: string): void => {
        started = true;
        taskInfo.executorId = executorId;
        taskInfo.launchTime = Date.now();
        this.bus.post("onTaskStart", { taskInfo: { ...taskInfo } });
      };
      const { result, executorId } = await this.tasks.submit({
        local: { taskId, stageId: stage.id, stageAttempt, partition, attempt, work, shuffleInputs },
        plan,
        preferred,
        launched,
      });
      // A task that no executor took (the context stopped) still starts before it ends.
      if (!started) launched(executorId);
      taskInfo.executorId = executorId;
      taskInfo.finishTime = Date.now();
      taskInfo.executorDeserializeTime = result.metrics.executorDeserializeTime;
      taskInfo.executorRunTime = result.metrics.executorRunTime;
      taskInfo.resultSerializationTime = result.metrics.resultSerializationTime;
      taskInfo.recordsRead = result.metrics.recordsRead;
      // Packed shuffle blocks only, as shuffleWriteBytes counts them: blocks the driver keeps as objects have no size.
      for (const refs of shuffleInputs.values()) for (const ref of refs) taskInfo.shuffleReadBytes = (taskInfo.shuffleReadBytes ?? 0) + blockBytes(ref);
      if (result.ok) {
        taskInfo.successful = true;
        if (stage instanceof ShuffleMapStage) {
          const st = result.value as MapStatus;
          taskInfo.shuffleWriteRecords = st.records;
          taskInfo.shuffleWriteBytes = st.bytes;
        }
        this.hooks.mergeAccumulators(result.accumUpdates);
        for (const [rddId, split, memSize, diskSize] of result.blocksAdded) this.hooks.blockAdded(rddId, split, executorId, memSize, diskSize);
        this.bus.post("onTaskEnd", { taskInfo });
        return result.value;
      }
      taskInfo.successful = false;
      taskInfo.errorMessage = `${result.error.name}: ${result.error.message}`;
      this.bus.post("onTaskEnd", { taskInfo });
      lastError = reviveError(result.error);
      const failures = attempt + 1;
      if (failures >= this.hooks.maxFailures) {
        throw new SparkException(
          `Job aborted due to stage failure: Task ${index} in stage ${stage.id}.${stageAttempt} failed ${failures} times, most recent failure: Lost task ${index}.${attempt} in stage ${stage.id}.${stageAttempt} (TID ${taskId}) (localhost executor ${executorId}): ${result.error.name}: ${result.error.message}`,
          { cause: lastError },
        );
      }
    }
    throw lastError ?? new SparkException("task did not run");
  }

  /** Every (shuffle, reduce partition) this task's narrow lineage reads. */
  private shuffleInputs(rdd: RDD<unknown>, partition: number): Map<string, BlockRef[]> {
    const out = new Map<string, BlockRef[]>();
    const visit = (r: RDD<unknown>, p: number): void => {
      for (const dep of r.dependencies()) {
        if (dep instanceof ShuffleDependency) {
          const key = shuffleInputKey(dep.shuffleId, p);
          if (!out.has(key)) out.set(key, this.tracker.blocksFor(dep.shuffleId, p));
        } else if (dep instanceof NarrowDependency) {
          // A cached partition is read from its block, so its lineage's inputs are not needed.
          for (const pp of dep.getParents(p)) visit(dep.rdd, pp);
        }
      }
    };
    visit(rdd, partition);
    return out;
  }

  private preferredLocation(rdd: RDD<unknown>, partition: number, depth: number): string | undefined {
    if (rdd.storageLevel !== StorageLevel.NONE) {
      const loc = this.hooks.blockLocation(rdd.id, partition);
      if (loc) return loc;
    }
    if (depth > 50) return undefined;
    for (const dep of rdd.dependencies()) {
      if (!(dep instanceof NarrowDependency)) continue;
      for (const p of dep.getParents(partition)) {
        const loc = this.preferredLocation(dep.rdd, p, depth + 1);
        if (loc) return loc;
      }
    }
    return undefined;
  }

  private persistedRdds(rdd: RDD<unknown>): RDDInfo[] {
    const out: RDDInfo[] = [];
    const seen = new Set<number>();
    const stack = [rdd];
    while (stack.length) {
      const r = stack.pop()!;
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      if (r.storageLevel !== StorageLevel.NONE) {
        out.push({ id: r.id, name: r.name ?? r.constructor.name, numPartitions: r.getNumPartitions(), storageLevel: r.storageLevel.description(), callSite: r.creationSite });
      }
      for (const d of r.dependencies()) if (d instanceof NarrowDependency) stack.push(d.rdd);
    }
    return out;
  }

  private narrowRddIds(rdd: RDD<unknown>): number[] {
    const ids: number[] = [];
    const stack = [rdd];
    while (stack.length) {
      const r = stack.pop()!;
      if (ids.includes(r.id)) continue;
      ids.push(r.id);
      for (const d of r.dependencies()) if (d instanceof NarrowDependency) stack.push(d.rdd);
    }
    return ids;
  }

  /** Forgets a shuffle whose RDD is gone, so a later job recomputes rather than reads freed blocks. */
  removeShuffle(shuffleId: number): void {
    this.shuffleStages.delete(shuffleId);
    this.tracker.unregisterShuffle(shuffleId);
  }
}

function checkData(value: unknown, what: string, b: PlanBuilder): unknown {
  // A class instance (a zero value such as new StatCounter()) would arrive as a plain object.
  const instance = classInstanceIn(value, new Set());
  if (instance) {
    b.failures.push({ what, reason: `it holds ${instance}, which would lose its class when copied to another thread`, key: { what } });
    return undefined;
  }
  try {
    structuredClone(value);
    return value;
  } catch (e) {
    b.failures.push({ what, reason: `it cannot be copied to another thread (${(e as Error).message})`, key: { what } });
    return undefined;
  }
}

const CLONED_EXACTLY = new Set<unknown>([Object.prototype, null, Array.prototype, Map.prototype, Set.prototype, Date.prototype, RegExp.prototype, ArrayBuffer.prototype]);

/** Describes the first object in `value` that structured clone would strip of its class, if any. */
function classInstanceIn(value: unknown, seen: Set<object>): string | undefined {
  if (typeof value !== "object" || value === null || seen.has(value)) return undefined;
  seen.add(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (ArrayBuffer.isView(value)) return Buffer.isBuffer(value) ? "a Buffer" : undefined;
  if (!CLONED_EXACTLY.has(proto)) {
    const name = (proto as { constructor?: { name?: string } } | null)?.constructor?.name;
    return name ? `a ${name} instance` : "an object with a custom prototype";
  }
  const children = value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Object.values(value);
  for (const c of children) {
    const found = classInstanceIn(c, seen);
    if (found) return found;
  }
  return undefined;
}

function warnDriverFallback(stage: Stage, f: ShipFailure): void {
  const where = f.location ? ` at ${f.location}` : "";
  warnOnce(
    `${f.what}|${f.reason}|${f.location ?? ""}`,
    `Running stage ${stage.id} (${stage.rdd.creationSite}) on the driver thread, not in parallel: the ${f.what}${where} cannot be sent to an executor: ${f.reason}. ` +
      `To run it in parallel, capture only plain data (numbers, strings, arrays, plain objects, Maps, Sets) or sc.broadcast(...) values, or pass a function with no free variables.`,
  );
}
