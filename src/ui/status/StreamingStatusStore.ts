import type { BatchInfo, OutputOperationInfo } from "../../streaming/scheduler/BatchInfo.js";
import type { ReceiverInfo, StreamingListener } from "../../streaming/scheduler/StreamingListener.js";
import { Histogram } from "../metrics/Histogram.js";

export type BatchStatus = "QUEUED" | "PROCESSING" | "COMPLETED";

export interface OutputOpRecord {
  id: number;
  name: string;
  description: string;
  startTime: number | undefined;
  endTime: number | undefined;
  failureReason: string | undefined;
  /** The Spark jobs this output operation ran, in start order. */
  jobIds: number[];
}

export interface BatchRecord {
  /** Epoch milliseconds; also the batch's id in the REST API, as in Spark. */
  batchTime: number;
  status: BatchStatus;
  submissionTime: number;
  processingStartTime: number | undefined;
  processingEndTime: number | undefined;
  numRecords: number;
  /** Records per input stream id, with what the stream reported about them. */
  inputs: Map<number, { numRecords: number; metadata: Record<string, unknown> }>;
  outputOps: Map<number, OutputOpRecord>;
}

export interface InputStreamDescription {
  id: number;
  name: string;
}

export type StreamingChange = { kind: "started" } | { kind: "batch"; batchTime: number } | { kind: "receiver"; streamId: number };

/** What the store needs to know of its StreamingContext, read when it attaches. */
export interface StreamingDescription {
  batchDurationMs: number;
  inputStreams: InputStreamDescription[];
}

/**
 * The state of one StreamingContext's batches and receivers, as its StreamingListener events
 * report them (Spark's StreamingJobProgressListener): queued, processing and the most recent
 * `spark.streaming.ui.retainedBatches` completed batches, with totals over the whole run.
 */
export class StreamingStatusStore {
  readonly batchDurationMs: number;
  readonly inputStreams: InputStreamDescription[];
  /** When the context started (epoch ms); undefined until onStreamingStarted. */
  startTime: number | undefined;
  numTotalCompletedBatches = 0;
  numTotalReceivedRecords = 0;
  numTotalProcessedRecords = 0;
  numTotalFailedBatches = 0;
  /** Records each input stream has contributed over the whole run. */
  readonly recordsByStream = new Map<number, number>();
  /** Delays of every completed batch since the start, in seconds, for /metrics. */
  readonly delayHistograms = { schedulingDelay: new Histogram(), processingTime: new Histogram(), totalDelay: new Histogram() };
  private readonly waiting = new Map<number, BatchRecord>();
  private readonly running = new Map<number, BatchRecord>();
  /** Oldest first. */
  private readonly completed = new Map<number, BatchRecord>();
  private readonly receivers = new Map<number, ReceiverInfo>();
  private lastCompleted: BatchRecord | undefined;

  constructor(
    description: StreamingDescription,
    private readonly retainedLimit: number,
    private readonly changed: (change: StreamingChange) => void = () => undefined,
  ) {
    this.batchDurationMs = description.batchDurationMs;
    this.inputStreams = description.inputStreams.map((s) => ({ ...s }));
  }

  readonly listener: StreamingListener = {
    onStreamingStarted: (e) => {
      this.startTime = e.time;
      this.changed({ kind: "started" });
    },
    onBatchSubmitted: (e) => {
      const b = this.fromInfo(e.batchInfo, "QUEUED");
      this.waiting.set(b.batchTime, b);
      this.changed({ kind: "batch", batchTime: b.batchTime });
    },
    onBatchStarted: (e) => {
      const b = this.fromInfo(e.batchInfo, "PROCESSING");
      this.waiting.delete(b.batchTime);
      this.running.set(b.batchTime, b);
      this.numTotalReceivedRecords += b.numRecords;
      this.changed({ kind: "batch", batchTime: b.batchTime });
    },
    onBatchCompleted: (e) => {
      const b = this.fromInfo(e.batchInfo, "COMPLETED");
      this.waiting.delete(b.batchTime);
      this.running.delete(b.batchTime);
      this.completed.set(b.batchTime, b);
      for (const t of this.completed.keys()) {
        if (this.completed.size <= this.retainedLimit) break;
        this.completed.delete(t);
      }
      this.numTotalCompletedBatches++;
      this.numTotalProcessedRecords += b.numRecords;
      for (const [id, input] of b.inputs) this.recordsByStream.set(id, (this.recordsByStream.get(id) ?? 0) + input.numRecords);
      const d = batchDelays(b);
      if (d.schedulingDelay !== undefined) this.delayHistograms.schedulingDelay.observe(d.schedulingDelay / 1000);
      if (d.processingDelay !== undefined) this.delayHistograms.processingTime.observe(d.processingDelay / 1000);
      if (d.totalDelay !== undefined) this.delayHistograms.totalDelay.observe(d.totalDelay / 1000);
      if ([...b.outputOps.values()].some((op) => op.failureReason !== undefined)) this.numTotalFailedBatches++;
      this.lastCompleted = b;
      this.changed({ kind: "batch", batchTime: b.batchTime });
    },
    onOutputOperationStarted: (e) => this.outputOp(e.outputOperationInfo),
    onOutputOperationCompleted: (e) => this.outputOp(e.outputOperationInfo),
    onReceiverStarted: (e) => this.receiver(e.receiverInfo),
    onReceiverError: (e) => this.receiver(e.receiverInfo),
    onReceiverStopped: (e) => this.receiver(e.receiverInfo),
  };

  /**
   * Notes that a Spark job belongs to an output operation of a batch (Spark passes this in job
   * properties); the batch page lists the job under that operation.
   */
  jobStarted(batchTime: number, outputOpId: number, jobId: number): void {
    const b = this.batch(batchTime);
    if (!b) return;
    const op = b.outputOps.get(outputOpId);
    if (op && !op.jobIds.includes(jobId)) op.jobIds.push(jobId);
  }

  private fromInfo(info: BatchInfo, status: BatchStatus): BatchRecord {
    const batchTime = info.batchTime.milliseconds;
    const previous = this.batch(batchTime);
    const inputs = new Map<number, { numRecords: number; metadata: Record<string, unknown> }>();
    for (const [id, input] of info.streamIdToInputInfo) inputs.set(id, { numRecords: input.numRecords, metadata: { ...input.metadata } });
    const outputOps = new Map<number, OutputOpRecord>();
    for (const [id, op] of info.outputOperationInfos) outputOps.set(id, opRecord(op, previous?.outputOps.get(id)?.jobIds ?? []));
    return {
      batchTime,
      status,
      submissionTime: info.submissionTime,
      processingStartTime: info.processingStartTime,
      processingEndTime: info.processingEndTime,
      numRecords: info.numRecords,
      inputs,
      outputOps,
    };
  }

  private outputOp(info: OutputOperationInfo): void {
    const b = this.batch(info.batchTime.milliseconds);
    if (!b) return;
    b.outputOps.set(info.id, opRecord(info, b.outputOps.get(info.id)?.jobIds ?? []));
    this.changed({ kind: "batch", batchTime: b.batchTime });
  }

  private receiver(info: ReceiverInfo): void {
    this.receivers.set(info.streamId, { ...info });
    this.changed({ kind: "receiver", streamId: info.streamId });
  }

  batch(batchTime: number): BatchRecord | undefined {
    return this.running.get(batchTime) ?? this.waiting.get(batchTime) ?? this.completed.get(batchTime);
  }

  /** Queued batches, oldest first. */
  waitingBatches(): BatchRecord[] {
    return [...this.waiting.values()].sort((a, b) => a.batchTime - b.batchTime);
  }

  runningBatches(): BatchRecord[] {
    return [...this.running.values()].sort((a, b) => a.batchTime - b.batchTime);
  }

  /** Retained completed batches, oldest first. */
  completedBatches(): BatchRecord[] {
    return [...this.completed.values()];
  }

  /** Every batch the store holds, oldest first: what the charts and averages cover. */
  retainedBatches(): BatchRecord[] {
    return [...this.completedBatches(), ...this.runningBatches(), ...this.waitingBatches()].sort((a, b) => a.batchTime - b.batchTime);
  }

  lastCompletedBatch(): BatchRecord | undefined {
    return this.lastCompleted;
  }

  receiverInfo(streamId: number): ReceiverInfo | undefined {
    const r = this.receivers.get(streamId);
    return r && { ...r };
  }

  receiverInfos(): ReceiverInfo[] {
    return [...this.receivers.values()].map((r) => ({ ...r }));
  }

  streamName(streamId: number): string {
    return this.receivers.get(streamId)?.name ?? this.inputStreams.find((s) => s.id === streamId)?.name ?? `Stream-${streamId}`;
  }

  /** Records per second of one input stream in each retained batch, as (batch time, rate). */
  recordRates(streamId: number): Array<[number, number]> {
    return this.retainedBatches().map((b) => [b.batchTime, ((b.inputs.get(streamId)?.numRecords ?? 0) * 1000) / this.batchDurationMs]);
  }
}

function opRecord(op: OutputOperationInfo, jobIds: number[]): OutputOpRecord {
  return {
    id: op.id,
    name: op.name,
    description: op.description,
    startTime: op.startTime,
    endTime: op.endTime,
    failureReason: op.failureReason,
    jobIds: [...jobIds],
  };
}

/** Delays in milliseconds, undefined until the batch has reached that point. */
export function batchDelays(b: BatchRecord): { schedulingDelay: number | undefined; processingDelay: number | undefined; totalDelay: number | undefined } {
  const start = b.processingStartTime;
  const end = b.processingEndTime;
  const schedulingDelay = start === undefined ? undefined : Math.max(0, start - b.submissionTime);
  const processingDelay = start === undefined || end === undefined ? undefined : Math.max(0, end - start);
  const totalDelay = schedulingDelay === undefined || processingDelay === undefined ? undefined : schedulingDelay + processingDelay;
  return { schedulingDelay, processingDelay, totalDelay };
}

/** Spark's per-batch output operation counts. */
export function outputOpCounts(b: BatchRecord): { active: number; completed: number; failed: number; total: number } {
  let active = 0;
  let completed = 0;
  let failed = 0;
  for (const op of b.outputOps.values()) {
    if (op.failureReason !== undefined) failed++;
    else if (op.endTime !== undefined) completed++;
    else active++;
  }
  return { active, completed, failed, total: b.outputOps.size };
}
