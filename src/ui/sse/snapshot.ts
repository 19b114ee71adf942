import type { StreamingBatchInfo, StreamingReceiverInfo, StreamingStatistics } from "../api/types.js";

/** A batch as the Streaming page draws it: the REST shape plus records per input stream id. */
export interface UiBatchRow extends StreamingBatchInfo {
  inputs: Record<string, number>;
}

export interface StreamingSnapshot {
  batchDuration: number;
  /** Epoch ms, null until the context has started. */
  startTime: number | null;
  stopped: boolean;
  retainedBatches: number;
  statistics: StreamingStatistics;
  streams: Array<{ id: number; name: string }>;
  receivers: StreamingReceiverInfo[];
  /** Oldest first. */
  batches: UiBatchRow[];
  /** Event-time streams' watermarks and the late records of their windows; absent without any. */
  eventTime?: {
    streams: Array<{ name: string; watermark: number | null; deadLetters: number }>;
    windows: Array<{ name: string; lateRecords: number }>;
  };
  /** The gauges of the metrics sources connectors registered; absent without any. */
  sources?: Array<{ name: string; gauges: Array<{ name: string; help: string; samples: Array<{ labels: Record<string, string | number>; value: number }> }> }>;
}

/**
 * The first event on `/events`. Later events: `batch` ({ batch, statistics }), `receiver`
 * ({ receiver, statistics }), `streaming` ({ state: "attached" | "stopped" }), `jobs`
 * ({ jobIds, stageIds } that changed), and `snapshot` again when a stream (re)starts.
 */
export interface UiSnapshot {
  app: { id: string; name: string; startTime: number };
  streaming: StreamingSnapshot | null;
}
