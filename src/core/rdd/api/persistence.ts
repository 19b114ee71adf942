import { RDD } from "../RDD.js";
import { NarrowDependency } from "../Dependency.js";
import { ReliableCheckpointRDD } from "../ReliableCheckpointRDD.js";
import { StorageLevel } from "../../storage/StorageLevel.js";
import { SparkException, UnsupportedOperationException } from "../../errors.js";
import { FileSystems } from "../../fs/FileSystems.js";
import { displayPath, joinPath } from "../../fs/fsPath.js";

type Any = RDD<unknown>;
const proto = RDD.prototype as unknown as Record<string, Function>;

proto.persist = function (this: Any, level: StorageLevel = StorageLevel.MEMORY_ONLY) {
  if (!(level instanceof StorageLevel)) {
    throw new TypeError(`persist: expected a StorageLevel such as StorageLevel.MEMORY_ONLY, got ${String(level)}`);
  }
  if (this.storageLevel !== StorageLevel.NONE && this.storageLevel !== level) {
    throw new UnsupportedOperationException(
      `Cannot change storage level of an RDD after it was already assigned a level (it is ${this.storageLevel.name}, asked for ${level.name}); call unpersist() first`,
    );
  }
  if (this.storageLevel === StorageLevel.NONE) this.sc.cleaner?.registerRddForCleanup(this, this.id);
  this.storageLevel = level;
  return this;
};
proto.cache = function (this: Any) {
  return this.persist(StorageLevel.MEMORY_ONLY);
};
proto.unpersist = function (this: Any) {
  this.sc.removeRdd(this.id);
  this.storageLevel = StorageLevel.NONE;
  return this;
};
proto.getStorageLevel = function (this: Any) {
  return this.storageLevel;
};
proto.checkpoint = function (this: Any) {
  const dir = this.sc.getCheckpointDir();
  if (!dir) throw new SparkException("Checkpoint directory has not been set in the SparkContext");
  if (!this.checkpointData) this.checkpointData = { state: "marked" };
};
proto.localCheckpoint = function (this: Any) {
  // Spark keeps the blocks on executors and cuts lineage; dstream keeps them, spilling to disk.
  if (this.storageLevel === StorageLevel.NONE) this.persist(StorageLevel.MEMORY_AND_DISK);
  return this;
};
proto.isCheckpointed = function (this: Any) {
  return this.checkpointData?.state === "done";
};
proto.getCheckpointFile = function (this: Any) {
  const cp = this.checkpointData?.checkpointRDD as ReliableCheckpointRDD<unknown> | undefined;
  return cp ? displayPath(cp.checkpointPath) : undefined;
};

/** Where `rdd.checkpoint()` writes the RDD's files: known from the moment it is marked, before they exist. */
export function reliableCheckpointDir(rdd: Any): string | undefined {
  const root = rdd.sc.getCheckpointDir();
  return root === undefined ? undefined : joinPath(root, `rdd-${rdd.id}`);
}

/**
 * After a job, writes every RDD in its lineage that was marked for checkpointing, then cuts the
 * lineage so later jobs (and recovery) read the files instead of recomputing.
 */
export async function doCheckpoint(rdd: Any): Promise<void> {
  const marked: Any[] = [];
  const seen = new Set<number>();
  const visit = (r: Any): void => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    if (r.checkpointData?.state === "marked") {
      marked.push(r);
      return; // Spark checkpoints the RDDs nearest the action; ancestors are reached through them.
    }
    for (const d of r.dependencies()) visit(d.rdd);
  };
  visit(rdd);
  for (const r of marked) {
    r.checkpointData!.state = "writing";
    const dir = reliableCheckpointDir(r)!;
    FileSystems.get(dir, "checkpoint").mkdirs(dir, "checkpoint");
    await r.sc.runJob(r, { name: "writeCheckpoint", args: [dir] });
    r.checkpointData = {
      state: "done",
      checkpointRDD: new ReliableCheckpointRDD(r.sc, dir, r.getNumPartitions(), r.partitioner) as Any,
    };
  }
}

void NarrowDependency;
