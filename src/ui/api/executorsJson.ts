import type { ExecutorRecord, ExecutorStatusStore } from "../status/ExecutorStatusStore.js";
import type { StorageStatusStore } from "../status/StorageStatusStore.js";
import { apiDate, apiDateOpt } from "./apiDate.js";
import type { ExecutorSummary } from "./types.js";

/** Spark's ExecutorSummary of one executor thread, with the blocks it caches. */
export function executorSummary(x: ExecutorRecord, storage: StorageStatusStore): ExecutorSummary {
  const blocks = storage.executorBlocks(x.executorId);
  return {
    id: x.executorId,
    hostPort: "localhost",
    isActive: x.removeTime === undefined,
    rddBlocks: blocks.rddBlocks,
    memoryUsed: blocks.memoryUsed,
    diskUsed: blocks.diskUsed,
    totalCores: x.totalCores,
    maxTasks: x.totalCores,
    activeTasks: x.activeTasks,
    failedTasks: x.failedTasks,
    completedTasks: x.completedTasks,
    totalTasks: x.activeTasks + x.failedTasks + x.completedTasks,
    totalDuration: x.totalDuration,
    totalGCTime: 0,
    totalInputBytes: 0,
    totalShuffleRead: x.totalShuffleRead,
    totalShuffleWrite: x.totalShuffleWrite,
    isBlacklisted: false,
    maxMemory: x.maxMemory,
    addTime: apiDate(x.addTime),
    removeTime: apiDateOpt(x.removeTime),
    removeReason: x.removeReason,
    executorLogs: {},
    memoryMetrics: { usedOnHeapStorageMemory: blocks.memoryUsed, usedOffHeapStorageMemory: 0, totalOnHeapStorageMemory: x.maxMemory, totalOffHeapStorageMemory: 0 },
    blacklistedInStages: [],
    attributes: {},
    resources: {},
    resourceProfileId: 0,
    isExcluded: false,
    excludedInStages: [],
  };
}

/** `/executors` lists the active executors, `/allexecutors` the dead ones too, as in Spark. */
export function executorList(executors: ExecutorStatusStore, storage: StorageStatusStore, activeOnly: boolean): ExecutorSummary[] {
  return executors.list(activeOnly).map((x) => executorSummary(x, storage));
}
