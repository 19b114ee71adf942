import { logger } from "../../core/log.js";
import type { StreamingContext } from "../StreamingContext.js";
import { ReceiverInputDStream } from "../dstream/ReceiverInputDStream.js";
import { ReceiverTracker } from "../receiver/ReceiverTracker.js";
import { isSteppedClock } from "../util/Clock.js";

/**
 * The first half of a graceful stop (Spark's ReceiverTracker.stop(graceful) and
 * JobGenerator.stop(processReceivedData = true)): stop every receiver, so that what it buffered
 * becomes blocks, then keep generating batches until every block belongs to one, up to
 * `spark.streaming.gracefulStopTimeout` (ten batches by default). The caller then lets those
 * batches run to completion. A manual clock does not move on its own: there, data not yet in
 * a batch is reported and left (the write-ahead log keeps it, when enabled).
 */
export async function stopReceiversAndDrain(ssc: StreamingContext, forced: () => boolean): Promise<void> {
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
  const timeout = ssc.conf.getTimeAsMs("spark.streaming.gracefulStopTimeout", `${10 * batchMs}ms`);
  const deadline = Date.now() + timeout;
  logger().info("Waiting for the received data to be allocated to batches");
  while (tracker.hasUnallocatedBlocks() && !forced()) {
    if (Date.now() >= deadline) {
      logger().warn(`Timed out after ${timeout} ms (spark.streaming.gracefulStopTimeout) waiting for received data to be allocated to batches`);
      return;
    }
    // Batches are generated on the timer; polling a fraction of a batch adds at most that to the stop.
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(100, batchMs)));
  }
}
