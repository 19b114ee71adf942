import { SparkException } from "../../core/errors.js";
import { logger } from "../../core/log.js";
import type { StreamingContext } from "../StreamingContext.js";
import { StorageLevelBlockHandler, type ReceivedBlockHandler } from "../receiver/ReceivedBlockHandler.js";
import { ReceivedBlockTracker } from "../receiver/ReceivedBlockTracker.js";
import { isResumed } from "../checkpoint/ResumedContexts.js";
import { ReceivedBlockWriteAheadLog } from "./ReceivedBlockWriteAheadLog.js";
import { WriteAheadLogBlockHandler } from "./WriteAheadLogBlockHandler.js";
import { WriteAheadLogBlockTracker } from "./WriteAheadLogBlockTracker.js";

/** Where a context's received blocks are kept and tracked, and the first free block id. */
export interface ReceivedBlockStorage {
  handler: ReceivedBlockHandler;
  tracker: ReceivedBlockTracker;
  nextBlockId: number;
}

export const WAL_ENABLE_KEY = "spark.streaming.receiver.writeAheadLog.enable";

export function isReceiverWalEnabled(ssc: StreamingContext): boolean {
  return ssc.conf.getBoolean(WAL_ENABLE_KEY, false);
}

/** Spark's check and message, made when a context with receivers starts. */
export function requireCheckpointForWal(ssc: StreamingContext): void {
  if (isReceiverWalEnabled(ssc) && ssc.checkpointDir === undefined) {
    throw new SparkException(
      "Cannot enable receiver write-ahead log without checkpoint directory set. Please use streamingContext.checkpoint() to set the checkpoint directory. See documentation for more details.",
    );
  }
}

/**
 * Memory (or local files) only, by default. With `spark.streaming.receiver.writeAheadLog.enable`,
 * the write-ahead log under the checkpoint directory too: a context resumed from its checkpoint
 * first reads the blocks its predecessor logged; a fresh one discards any such logs.
 */
export function receivedBlockStorage(ssc: StreamingContext): ReceivedBlockStorage {
  if (!isReceiverWalEnabled(ssc)) return { handler: new StorageLevelBlockHandler(), tracker: new ReceivedBlockTracker(), nextBlockId: 0 };
  requireCheckpointForWal(ssc);
  const root = ssc.checkpointDir!;
  if (!isResumed(ssc)) {
    const discarded = ReceivedBlockWriteAheadLog.discardPrevious(root);
    if (discarded > 0) logger().warn(`Discarded ${discarded} write-ahead log segment(s) in ${root} left by a run whose checkpoint is not being resumed`);
  }
  const wal = new ReceivedBlockWriteAheadLog(root, ssc.conf);
  const tracker = new WriteAheadLogBlockTracker(wal);
  let nextBlockId = 0;
  if (isResumed(ssc)) {
    const recovered = wal.recover();
    tracker.restore(recovered);
    nextBlockId = recovered.nextBlockId;
  }
  return { handler: new WriteAheadLogBlockHandler(wal), tracker, nextBlockId };
}
