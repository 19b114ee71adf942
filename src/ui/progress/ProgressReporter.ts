import type { SparkContext } from "../../core/SparkContext.js";
import type { StreamingContext } from "../../streaming/StreamingContext.js";
import type { StreamingListener } from "../../streaming/scheduler/StreamingListener.js";
import type { ContextPlugin } from "../../core/plugin/ContextPluginRegistry.js";
import { SparkUI } from "../SparkUI.js";

/** Set by `dstream submit` for the application it starts with an IPC channel. */
export const PROGRESS_IPC_ENV = "DSTREAM_PROGRESS_IPC";

/** What the application tells the `dstream` command that launched it, for its status line. */
export type ProgressMessage =
  | { type: "dstream:ui"; url: string }
  | { type: "dstream:streaming"; state: "started" | "stopped"; batchDuration: number }
  | {
      type: "dstream:batch";
      batchTime: number;
      batchDuration: number;
      records: number;
      schedulingDelay: number | null;
      processingTime: number | null;
      totalDelay: number | null;
      failed: boolean;
      completedBatches: number;
      totalRecords: number;
    };

function send(message: ProgressMessage): void {
  if (!process.send || !process.connected) return;
  try {
    process.send(message);
  } catch {
    // The dstream command went away; the application keeps running without its status line.
  }
}

function enabled(): boolean {
  return process.env[PROGRESS_IPC_ENV] === "1" && typeof process.send === "function";
}

/** Sends the UI's address once it listens. */
export function reportUiAddress(sc: SparkContext): ContextPlugin | undefined {
  if (!enabled()) return undefined;
  // An open IPC channel would keep the application alive after its work is done.
  process.channel?.unref();
  SparkUI.get(sc)
    ?.whenBound()
    .then((url) => send({ type: "dstream:ui", url }))
    .catch(() => undefined);
  return undefined;
}

/** Sends each completed batch's numbers while a StreamingContext runs. */
export function reportBatches(ssc: StreamingContext): ContextPlugin | undefined {
  if (!enabled()) return undefined;
  process.channel?.unref();
  const batchDuration = ssc.batchDuration.milliseconds;
  let completedBatches = 0;
  let totalRecords = 0;
  const listener: StreamingListener = {
    onStreamingStarted: () => send({ type: "dstream:streaming", state: "started", batchDuration }),
    onBatchCompleted: ({ batchInfo: b }) => {
      completedBatches++;
      totalRecords += b.numRecords;
      send({
        type: "dstream:batch",
        batchTime: b.batchTime.milliseconds,
        batchDuration,
        records: b.numRecords,
        schedulingDelay: b.schedulingDelay ?? null,
        processingTime: b.processingDelay ?? null,
        totalDelay: b.totalDelay ?? null,
        failed: [...b.outputOperationInfos.values()].some((op) => op.failureReason !== undefined),
        completedBatches,
        totalRecords,
      });
    },
  };
  ssc.addStreamingListener(listener);
  return {
    shutdown: () => {
      ssc.removeStreamingListener(listener);
      send({ type: "dstream:streaming", state: "stopped", batchDuration });
    },
  };
}
