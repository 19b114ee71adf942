import type { BatchInfo, OutputOperationInfo } from "./BatchInfo.js";

/** A receiver's status, as receivers report it. */
export interface ReceiverInfo {
  streamId: number;
  name: string;
  active: boolean;
  location: string;
  executorId: string;
  lastErrorMessage: string;
  lastError: string;
  /** Epoch milliseconds of the last error, -1 if none. */
  lastErrorTime: number;
}

export interface StreamingListenerStreamingStarted {
  /** Epoch milliseconds. */
  time: number;
}
export interface StreamingListenerBatchSubmitted {
  batchInfo: BatchInfo;
}
export interface StreamingListenerBatchStarted {
  batchInfo: BatchInfo;
}
export interface StreamingListenerBatchCompleted {
  batchInfo: BatchInfo;
}
export interface StreamingListenerOutputOperationStarted {
  outputOperationInfo: OutputOperationInfo;
}
export interface StreamingListenerOutputOperationCompleted {
  outputOperationInfo: OutputOperationInfo;
}
export interface StreamingListenerReceiverStarted {
  receiverInfo: ReceiverInfo;
}
export interface StreamingListenerReceiverError {
  receiverInfo: ReceiverInfo;
}
export interface StreamingListenerReceiverStopped {
  receiverInfo: ReceiverInfo;
}

/**
 * Spark's StreamingListener: implement any subset. Events of a batch arrive in order
 * (submitted, started, output operations, completed) before `ManualClock.advance` settles.
 */
export interface StreamingListener {
  onStreamingStarted?(event: StreamingListenerStreamingStarted): void;
  onBatchSubmitted?(event: StreamingListenerBatchSubmitted): void;
  onBatchStarted?(event: StreamingListenerBatchStarted): void;
  onBatchCompleted?(event: StreamingListenerBatchCompleted): void;
  onOutputOperationStarted?(event: StreamingListenerOutputOperationStarted): void;
  onOutputOperationCompleted?(event: StreamingListenerOutputOperationCompleted): void;
  onReceiverStarted?(event: StreamingListenerReceiverStarted): void;
  onReceiverError?(event: StreamingListenerReceiverError): void;
  onReceiverStopped?(event: StreamingListenerReceiverStopped): void;
}

export type StreamingListenerEvent = {
  [K in keyof StreamingListener]-?: Parameters<NonNullable<StreamingListener[K]>>[0];
};
