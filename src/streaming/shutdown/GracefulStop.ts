import { logger } from "../../core/log.js";
import type { StreamingContext } from "../StreamingContext.js";
import { ReceiverInputDStream } from "../dstream/ReceiverInputDStream.js";
import { ReceiverTracker } from "../receiver/ReceiverTracker.js";
import { isSteppedClock } from "../util/Clock.js";
import type { Job } from "../scheduler/Job.js";

/**
 * The first half of a graceful stop (Spark's ReceiverTracker.stop(graceful) and
 * JobGenerator.stop(processReceivedData = true)): stop every receiver, so that what it buffered
 * becomes blocks, then keep generating batches until every block belongs to one, up to
 * `spark.streaming.gracefulStopTimeout` (ten batches by default). The caller then lets those
 * batches run to completion. A manual clock does not move on its own: there, data not yet in
 * a batch is reported and left (the write-ahead log keeps it, when enabled).
 */
export async function stopReceiversAndDrain(ssc: StreamingContext, forced: () => boolean, deadline: number, timeout: number): Promise<void> {
  const receivers = ssc.graph.inputStreams.filter((s) => s instanceof ReceiverInputDStream);
  if (receivers.length === 0) return;
  const tracker = ReceiverTracker.of(ssc);
  await Promise.all(receivers.map((r) => tracker.stopReceiving(r.id)));
  if (!tracker.hasUnallocatedBlocks()) return;
  if (isSteppedClock(ssc.clock)) {
    logger().warn("Stopping gracefully on a manual clock: received blocks not yet in a batch stay unprocessed until the clock moves");
    return;
  }
  const batchMs = ssc.batchDuration.milliseconds;
  logger().info("Waiting for all received blocks to be consumed for job generation");
  while (tracker.hasUnallocatedBlocks() && !forced()) {
    if (Date.now() >= deadline) {
      logger().warn(`Timed out while stopping the job generator (timeout = ${timeout}): received blocks not yet in a batch stay unprocessed (spark.streaming.gracefulStopTimeout)`);
      return;
    }
    // Batches are generated on the timer; polling a fraction of a batch adds at most that to the stop.
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(100, batchMs)));
  }
}

/**
 * The stop gave up waiting for these jobs (their output operations never finished): say which
 * output operation of which batch each is, and how long it has run. Their batches stay pending
 * in the checkpoint, so a recovered context runs them again.
 */
export function warnStillRunning(jobs: readonly Job[], setting: string): void {
  const now = Date.now();
  for (const job of jobs) {
    const ran = job.startTime === undefined ? "" : `, running for ${now - job.startTime} ms`;
    logger().warn(
      `Stopping without waiting for ${job}: output operation ${job.outputOpId} (${job.callSite || "unknown call site"}) of batch ${job.time} is still running${ran} after ${setting}`,
    );
  }
}
