import type { StoredBlock } from "../receiver/ReceivedBlock.js";
import { ReceivedBlockTracker } from "../receiver/ReceivedBlockTracker.js";
import type { ReceivedBlockWriteAheadLog, RecoveredBlocks, WalStoredBlock } from "./ReceivedBlockWriteAheadLog.js";

/**
 * The received-block tracker with its decisions logged (Spark's ReceivedBlockTracker with a
 * write-ahead log): each allocation of blocks to a batch, and each cleanup, so that a restarted
 * driver regenerates every batch with exactly the blocks it had, and knows which blocks no
 * batch has taken yet. Allocations are logged without waiting: a batch whose allocation was
 * lost in a crash takes the same blocks again by the same rule (every block stored by its time).
 */
export class WriteAheadLogBlockTracker extends ReceivedBlockTracker {
  constructor(private readonly wal: ReceivedBlockWriteAheadLog) {
    super();
  }

  /**
   * Puts back what the log recovered, before any batch asks for blocks, record ids included:
   * a record the source delivers again because the kill came before its acknowledgement is then
   * recognised by `storeUnique` for as long as its recovered block is held.
   */
  restore(recovered: RecoveredBlocks): void {
    for (const [streamId, blocks] of recovered.unallocated) this.unallocated.set(streamId, [...blocks]);
    for (const [streamId, byTime] of recovered.allocated) this.allocated.set(streamId, new Map(byTime));
    for (const { block, ids } of recovered.recordIds) this.recordIds.add(block.streamId, block.id, ids);
  }

  override addBlock(block: StoredBlock, recordIds?: readonly string[]): boolean {
    const added = super.addBlock(block, recordIds);
    if (!added) this.wal.logDrop(block.streamId, keysOf([block]));
    return added;
  }

  override allocateBlocksToBatch(streamId: number, batchTime: number): StoredBlock[] {
    const isNew = this.allocated.get(streamId)?.has(batchTime) !== true;
    const blocks = super.allocateBlocksToBatch(streamId, batchTime);
    if (isNew) this.wal.logAllocation(streamId, batchTime, keysOf(blocks));
    return blocks;
  }

  override cleanupOldBatches(streamId: number, threshold: number): StoredBlock[] {
    const forgets = [...(this.allocated.get(streamId)?.keys() ?? [])].some((t) => t < threshold);
    const removed = super.cleanupOldBatches(streamId, threshold);
    if (forgets) this.wal.logCleanup(streamId, threshold);
    return removed;
  }
}

function keysOf(blocks: readonly StoredBlock[]): string[] {
  const keys: string[] = [];
  for (const b of blocks) {
    const k = (b as WalStoredBlock).walKey;
    if (k !== undefined) keys.push(k);
  }
  return keys;
}
