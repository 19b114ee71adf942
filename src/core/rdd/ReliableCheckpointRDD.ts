import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RDD } from "./RDD.js";
import type { SparkContext } from "../SparkContext.js";
import type { PlanArgs } from "../executor/plan.js";
import { unpackRecords } from "../serialization/blockCodec.js";
import type { Partitioner } from "../partitioner/Partitioner.js";

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
    return unpackRecords<T>(readFileSync(join(this.dir, `part-${String(split).padStart(5, "0")}`)));
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ dir: this.dir, numPartitions: this.numPartitions });
  }

  get checkpointPath(): string {
    return this.dir;
  }
}
