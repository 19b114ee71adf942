import type { RDDInfo, SparkListener } from "../../core/scheduler/SparkListener.js";

export interface BlockRecord {
  rddId: number;
  split: number;
  executorId: string;
  memSize: number;
  diskSize: number;
}

export interface RddRecord extends RDDInfo {
  /** Cached partitions by split. */
  blocks: Map<number, BlockRecord>;
}

/**
 * The cached RDDs and their blocks, as Spark's AppStatusListener keeps them for the Storage
 * page: an RDD is known from the stages that compute it, its blocks from block updates.
 */
export class StorageStatusStore {
  private readonly rdds = new Map<number, RddRecord>();

  constructor(private readonly changed: () => void = () => undefined) {}

  readonly listener: SparkListener = {
    onStageSubmitted: (e) => {
      for (const info of e.stageInfo.rddInfos ?? []) {
        const known = this.rdds.get(info.id);
        if (known) Object.assign(known, info);
        else this.rdds.set(info.id, { ...info, blocks: new Map() });
      }
    },
    onBlockUpdated: (e) => {
      const rdd = this.rdds.get(e.rddId);
      if (!rdd) return;
      if (e.memSize === 0 && e.diskSize === 0) rdd.blocks.delete(e.split);
      else rdd.blocks.set(e.split, { ...e });
      this.changed();
    },
    onUnpersistRDD: (e) => {
      if (this.rdds.delete(e.rddId)) this.changed();
    },
    onExecutorRemoved: (e) => {
      for (const rdd of this.rdds.values()) {
        for (const [split, b] of rdd.blocks) if (b.executorId === e.executorId) rdd.blocks.delete(split);
      }
      this.changed();
    },
  };

  /** RDDs with at least one cached partition, by id, as Spark's Storage page lists them. */
  cachedRdds(): RddRecord[] {
    return [...this.rdds.values()].filter((r) => r.blocks.size > 0).sort((a, b) => a.id - b.id);
  }

  rdd(rddId: number): RddRecord | undefined {
    const r = this.rdds.get(rddId);
    return r && r.blocks.size > 0 ? r : undefined;
  }

  /** One executor's cached blocks: count, bytes in memory, bytes on disk. */
  executorBlocks(executorId: string): { rddBlocks: number; memoryUsed: number; diskUsed: number } {
    let rddBlocks = 0;
    let memoryUsed = 0;
    let diskUsed = 0;
    for (const rdd of this.rdds.values()) {
      for (const b of rdd.blocks.values()) {
        if (b.executorId !== executorId) continue;
        rddBlocks++;
        memoryUsed += b.memSize;
        diskUsed += b.diskSize;
      }
    }
    return { rddBlocks, memoryUsed, diskUsed };
  }
}

/** Totals of an RDD's blocks. */
export function rddTotals(r: RddRecord): { memoryUsed: number; diskUsed: number } {
  let memoryUsed = 0;
  let diskUsed = 0;
  for (const b of r.blocks.values()) {
    memoryUsed += b.memSize;
    diskUsed += b.diskSize;
  }
  return { memoryUsed, diskUsed };
}

/** The level a block is actually stored at: Spark reports a spilled MEMORY_AND_DISK block as on disk. */
export function blockStorageLevel(r: RddRecord, b: BlockRecord): string {
  if (b.memSize > 0) return r.storageLevel.replace(/^Disk /, "");
  return "Disk Serialized 1x Replicated";
}
