import { blockStorageLevel, rddTotals, type RddRecord } from "../status/StorageStatusStore.js";
import type { RDDDataDistribution, RDDPartitionInfo, RDDStorageInfo } from "./types.js";

/** An executor's storage memory: its budget and what all of its cached blocks use. */
export type ExecutorMemory = (executorId: string) => { maxMemory: number; memoryUsed: number };

/** Spark's RDDStorageInfo; with `memory`, also how the RDD spreads over executors and each partition. */
export function rddStorageInfo(r: RddRecord, memory?: ExecutorMemory): RDDStorageInfo {
  const { memoryUsed, diskUsed } = rddTotals(r);
  const info: RDDStorageInfo = {
    id: r.id,
    name: r.name,
    numPartitions: r.numPartitions,
    numCachedPartitions: r.blocks.size,
    storageLevel: r.storageLevel,
    memoryUsed,
    diskUsed,
  };
  if (!memory) return info;
  const byExecutor = new Map<string, RDDDataDistribution>();
  const blocks = [...r.blocks.values()].sort((a, b) => a.split - b.split);
  for (const b of blocks) {
    let d = byExecutor.get(b.executorId);
    if (!d) {
      // What remains is the executor's free storage memory, which every RDD cached there shares.
      const m = memory(b.executorId);
      const remaining = Math.max(0, m.maxMemory - m.memoryUsed);
      d = { address: executorAddress(b.executorId), memoryUsed: 0, memoryRemaining: remaining, diskUsed: 0, onHeapMemoryUsed: 0, offHeapMemoryUsed: 0, onHeapMemoryRemaining: remaining, offHeapMemoryRemaining: 0 };
      byExecutor.set(b.executorId, d);
    }
    d.memoryUsed += b.memSize;
    d.onHeapMemoryUsed = d.memoryUsed;
    d.diskUsed += b.diskSize;
  }
  info.dataDistribution = [...byExecutor.values()];
  info.partitions = blocks.map(
    (b): RDDPartitionInfo => ({ blockName: `rdd_${r.id}_${b.split}`, storageLevel: blockStorageLevel(r, b), memoryUsed: b.memSize, diskUsed: b.diskSize, executors: [b.executorId] }),
  );
  return info;
}

/** Spark's data distribution names executors by address; here each is a thread of this process. */
export function executorAddress(executorId: string): string {
  return executorId === "driver" ? "localhost (driver)" : `localhost (executor ${executorId})`;
}
