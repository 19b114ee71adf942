import type { Time } from "../Time.js";

/** What one input stream contributed to a batch. */
export interface StreamInputInfo {
  inputStreamId: number;
  numRecords: number;
  metadata: Record<string, unknown>;
}

/** One output operation of one batch, as the listener and UI see it. Times are epoch milliseconds. */
export interface OutputOperationInfo {
  batchTime: Time;
  id: number;
  /** The operation, e.g. "foreachRDD". */
  name: string;
  /** Where it was defined, e.g. "foreachRDD at app.ts:12". */
  description: string;
  startTime: number | undefined;
  endTime: number | undefined;
  failureReason: string | undefined;
  duration: number | undefined;
}

/** A batch's progress. Delays are in milliseconds and undefined until the batch has reached that point. */
export interface BatchInfo {
  batchTime: Time;
  streamIdToInputInfo: Map<number, StreamInputInfo>;
  submissionTime: number;
  processingStartTime: number | undefined;
  processingEndTime: number | undefined;
  outputOperationInfos: Map<number, OutputOperationInfo>;
  /** Records received by all input streams in this batch. */
  numRecords: number;
  /** From submission until the first job started. */
  schedulingDelay: number | undefined;
  /** From the first job's start until the last job's end. */
  processingDelay: number | undefined;
  /** schedulingDelay + processingDelay. */
  totalDelay: number | undefined;
}
