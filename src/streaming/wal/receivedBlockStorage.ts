import { SparkException } from "../../core/errors.js";
import { logger } from "../../core/log.js";
import type { SparkConf } from "../../core/SparkConf.js";
import { StorageLevelBlockHandler, type ReceivedBlockHandler } from "../receiver/ReceivedBlockHandler.js";
import { ReceivedBlockTracker } from "../receiver/ReceivedBlockTracker.js";
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

/** What the received-block storage needs of its streaming context. */
export interface ReceivedBlockStorageContext {
  conf: SparkConf;
  checkpointDir: string | undefined;
  /** True when the context resumed a checkpoint, whose logs are then read back. */
  resumed: boolean;
}

export function isReceiverWalEnabled(conf: SparkConf): boolean {
  return conf.getBoolean(WAL_ENABLE_KEY, false);
}

/** Spark's check and message, made when a context with receivers starts. */
export function requireCheckpointForWal(conf: SparkConf, checkpointDir: string | undefined): void {
  if (isReceiverWalEnabled(conf) && checkpointDir === undefined) {
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
export function receivedBlockStorage(ctx: ReceivedBlockStorageContext): ReceivedBlockStorage {
  if (!isReceiverWalEnabled(ctx.conf)) return { handler: new StorageLevelBlockHandler(), tracker: new ReceivedBlockTracker(), nextBlockId: 0 };
  requireCheckpointForWal(ctx.conf, ctx.checkpointDir);
  const root = ctx.checkpointDir!;
  if (!ctx.resumed) {
    const discarded = ReceivedBlockWriteAheadLog.discardPrevious(root);
    if (discarded > 0) logger().warn(`Discarded ${discarded} write-ahead log segment(s) in ${root} left by a run whose checkpoint is not being resumed`);
  }
  const wal = new ReceivedBlockWriteAheadLog(root, ctx.conf);
  const tracker = new WriteAheadLogBlockTracker(wal);
  let nextBlockId = 0;
  if (ctx.resumed) {
    const recovered = wal.recover();
    tracker.restore(recovered);
    nextBlockId = recovered.nextBlockId;
  }
  return { handler: new WriteAheadLogBlockHandler(wal), tracker, nextBlockId };
}
