import { joinPath } from "../fs/fsPath.js";
import { RDD } from "./RDD.js";
import type { SparkContext } from "../SparkContext.js";
import type { PlanArgs } from "../executor/plan.js";
import { unpackRecords } from "../serialization/blockCodec.js";
import { readChecksummedFileSync } from "../storage/ChecksummedFile.js";
import type { Partitioner } from "../partitioner/Partitioner.js";

/** The kind tag of a checkpointed partition's file (see ChecksummedFile). */
export const CHECKPOINT_PART_KIND = "PART";

/** The file that holds partition `split` of a checkpoint written to `dir`. */
export function checkpointPartFile(dir: string, split: number): string {
  return joinPath(dir, `part-${String(split).padStart(5, "0")}`);
}

/** Reads an RDD back from the files its checkpoint wrote; the lineage before it is gone. */
export class ReliableCheckpointRDD<T> extends RDD<T> {
  static override planModule = import.meta.url;
  private readonly dir: string;
  private readonly numPartitions: number;

  constructor(sc: SparkContext, dir: string, numPartitions: number, partitioner: Partitioner | undefined) {
    super(sc, []);
    this.dir = dir;
    this.numPartitions = numPartitions;
    this.partitioner = partitioner;
  }

  getNumPartitions(): number {
    return this.numPartitions;
  }

  compute(split: number): Iterable<T> {
    // A damaged file fails the task with the file's name and what is wrong with it.
    return unpackRecords<T>(readChecksummedFileSync(checkpointPartFile(this.dir, split), CHECKPOINT_PART_KIND).payload);
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ dir: this.dir, numPartitions: this.numPartitions });
  }

  get checkpointPath(): string {
    return this.dir;
  }
}
