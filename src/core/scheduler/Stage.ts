import type { RDD } from "../rdd/RDD.js";
import type { ShuffleDependency } from "../rdd/Dependency.js";
import type { ResultOpCall } from "./resultOps.js";

/** A set of tasks that run the same chain of narrow operations, one per partition. */
export abstract class Stage {
  attempt = 0;
  constructor(
    readonly id: number,
    readonly rdd: RDD<unknown>,
    readonly parents: ShuffleMapStage[],
    readonly firstJobId: number,
  ) {}
  abstract get numTasks(): number;
}

/** Writes a shuffle's map output. Reused by later jobs while its output is still registered. */
export class ShuffleMapStage extends Stage {
  running: Promise<void> | undefined;
  constructor(
    id: number,
    rdd: RDD<unknown>,
    parents: ShuffleMapStage[],
    firstJobId: number,
    readonly dep: ShuffleDependency<unknown, unknown, unknown>,
  ) {
    super(id, rdd, parents, firstJobId);
  }
  get numTasks(): number {
    return this.rdd.getNumPartitions();
  }
}

/** Computes an action's result on the requested partitions. */
export class ResultStage extends Stage {
  constructor(
    id: number,
    rdd: RDD<unknown>,
    parents: ShuffleMapStage[],
    firstJobId: number,
    readonly partitions: number[],
    readonly op: ResultOpCall,
  ) {
    super(id, rdd, parents, firstJobId);
  }
  get numTasks(): number {
    return this.partitions.length;
  }
}
