import { apiDate, apiDateOpt } from "./apiDate.js";
import type { OutputOperationInfo, StreamingBatchInfo, StreamingReceiverInfo, StreamingStatistics } from "./types.js";
import { batchDelays, outputOpCounts, type BatchRecord, type BatchStatus, type StreamingStatusStore } from "../status/StreamingStatusStore.js";

function avg(values: number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Spark averages delays with integer (Long) division. */
function avgMillis(values: number[]): number | undefined {
  const a = avg(values);
  return a === undefined ? undefined : Math.floor(a);
}

export function streamingStatistics(store: StreamingStatusStore): StreamingStatistics {
  const batches = store.retainedBatches();
  const delays = batches.map(batchDelays);
  const receivers = store.receiverInfos();
  const active = receivers.filter((r) => r.active).length;
  return {
    startTime: apiDate(store.startTime ?? Date.now()),
    batchDuration: store.batchDurationMs,
    numReceivers: receivers.length,
    numActiveReceivers: active,
    numInactiveReceivers: receivers.length - active,
    numTotalCompletedBatches: store.numTotalCompletedBatches,
    numRetainedCompletedBatches: store.completedBatches().length,
    numActiveBatches: store.waitingBatches().length + store.runningBatches().length,
    numProcessedRecords: store.numTotalProcessedRecords,
    numReceivedRecords: store.numTotalReceivedRecords,
    avgInputRate: avg(batches.map((b) => (b.numRecords * 1000) / store.batchDurationMs)),
    avgSchedulingDelay: avgMillis(delays.flatMap((d) => (d.schedulingDelay === undefined ? [] : [d.schedulingDelay]))),
    avgProcessingTime: avgMillis(delays.flatMap((d) => (d.processingDelay === undefined ? [] : [d.processingDelay]))),
    avgTotalDelay: avgMillis(delays.flatMap((d) => (d.totalDelay === undefined ? [] : [d.totalDelay]))),
  };
}

/** Every input stream, receiver-based or not, as Spark's `receivers` endpoint lists them. */
export function receiverList(store: StreamingStatusStore): StreamingReceiverInfo[] {
  const ids = new Set<number>(store.inputStreams.map((s) => s.id));
  for (const r of store.receiverInfos()) ids.add(r.streamId);
  return [...ids].sort((a, b) => a - b).map((id) => receiverJson(store, id));
}

export function receiverJson(store: StreamingStatusStore, streamId: number): StreamingReceiverInfo {
  const info = store.receiverInfo(streamId);
  const eventRates = store.recordRates(streamId);
  return {
    streamId,
    streamName: store.streamName(streamId),
    isActive: info?.active,
    executorId: info?.executorId,
    executorHost: info?.location,
    lastErrorTime: info && info.lastErrorTime >= 0 ? apiDate(info.lastErrorTime) : undefined,
    lastErrorMessage: info?.lastErrorMessage ? info.lastErrorMessage : undefined,
    lastError: info?.lastError ? info.lastError : undefined,
    avgEventRate: avg(eventRates.map(([, r]) => r)),
    eventRates,
  };
}

export function batchJson(store: StreamingStatusStore, b: BatchRecord, withOperations = false): StreamingBatchInfo {
  const d = batchDelays(b);
  const c = outputOpCounts(b);
  const ops = [...b.outputOps.values()].sort((x, y) => x.id - y.id);
  return {
    batchId: b.batchTime,
    batchTime: apiDate(b.batchTime),
    status: b.status,
    batchDuration: store.batchDurationMs,
    inputSize: b.numRecords,
    schedulingDelay: d.schedulingDelay,
    processingTime: d.processingDelay,
    totalDelay: d.totalDelay,
    numActiveOutputOps: c.active,
    numCompletedOutputOps: c.completed,
    numFailedOutputOps: c.failed,
    numTotalOutputOps: c.total,
    firstFailureReason: ops.find((op) => op.failureReason !== undefined)?.failureReason,
    outputOperations: withOperations ? outputOperations(b) : undefined,
  };
}

/** Batches, newest first; `statuses` keeps only those (Spark's `?status=` query). */
export function batchList(store: StreamingStatusStore, statuses: readonly BatchStatus[] = []): StreamingBatchInfo[] {
  const keep = (s: BatchStatus): boolean => statuses.length === 0 || statuses.includes(s);
  const out: BatchRecord[] = [];
  if (keep("COMPLETED")) out.push(...store.completedBatches());
  if (keep("QUEUED")) out.push(...store.waitingBatches());
  if (keep("PROCESSING")) out.push(...store.runningBatches());
  return out.sort((a, b) => b.batchTime - a.batchTime).map((b) => batchJson(store, b));
}

export function outputOperations(b: BatchRecord): OutputOperationInfo[] {
  return [...b.outputOps.values()]
    .sort((x, y) => x.id - y.id)
    .map((op) => ({
      outputOpId: op.id,
      name: op.name,
      description: op.description,
      startTime: apiDateOpt(op.startTime),
      endTime: apiDateOpt(op.endTime),
      duration: op.startTime !== undefined && op.endTime !== undefined ? op.endTime - op.startTime : undefined,
      failureReason: op.failureReason,
      jobIds: [...op.jobIds].sort((x, y) => x - y),
    }));
}
