import type { StoredBlock } from "./ReceivedBlock.js";
import { HeldRecordIds } from "./HeldRecordIds.js";

/**
 * Which stored blocks belong to which batch. A block waits unallocated until the first batch
 * at or after its time asks for its stream's blocks; it then belongs to that batch for good,
 * so recomputing a batch reads the same blocks, and no block is in two batches.
 */
export class ReceivedBlockTracker {
  // Protected: the write-ahead-log tracker logs these and puts them back on recovery.
  protected readonly unallocated = new Map<number, StoredBlock[]>();
  /** streamId → batch time (ms) → blocks. */
  protected readonly allocated = new Map<number, Map<number, StoredBlock[]>>();
  /** The ids of the held blocks' records, for receivers that store with ids. */
  protected readonly recordIds = new HeldRecordIds();
  private readonly ignored = new Set<number>();

  addBlock(block: StoredBlock, recordIds?: readonly string[]): boolean {
    if (this.ignored.has(block.streamId)) return false;
    let q = this.unallocated.get(block.streamId);
    if (!q) this.unallocated.set(block.streamId, (q = []));
    q.push(block);
    if (recordIds) this.recordIds.add(block.streamId, block.id, recordIds);
    return true;
  }

  /** Whether a block the tracker holds for `streamId` has a record with this id. */
  hasRecordId(streamId: number, recordId: string): boolean {
    return this.recordIds.has(streamId, recordId);
  }

  /** Blocks of a stream that no output reads are dropped as they arrive, rather than kept forever. */
  ignoreStream(streamId: number): void {
    this.ignored.add(streamId);
    this.recordIds.removeBlocks(this.unallocated.get(streamId) ?? []);
    this.unallocated.delete(streamId);
  }

  /**
   * The blocks of `streamId` for the batch at `batchTime`: on the first call, every unallocated
   * block stored at or before that time; afterwards, the same blocks again.
   */
  allocateBlocksToBatch(streamId: number, batchTime: number): StoredBlock[] {
    let byBatch = this.allocated.get(streamId);
    if (!byBatch) this.allocated.set(streamId, (byBatch = new Map()));
    const existing = byBatch.get(batchTime);
    if (existing) return existing;
    const q = this.unallocated.get(streamId) ?? [];
    const taken: StoredBlock[] = [];
    const kept: StoredBlock[] = [];
    for (const b of q) (b.time <= batchTime ? taken : kept).push(b);
    this.unallocated.set(streamId, kept);
    byBatch.set(batchTime, taken);
    return taken;
  }

  getBlocksOfBatchAndStream(batchTime: number, streamId: number): StoredBlock[] {
    return this.allocated.get(streamId)?.get(batchTime) ?? [];
  }

  unallocatedBlocks(streamId: number): readonly StoredBlock[] {
    return this.unallocated.get(streamId) ?? [];
  }

  /** Forgets the allocations of batches before `threshold`; returns their blocks so they can be freed. */
  cleanupOldBatches(streamId: number, threshold: number): StoredBlock[] {
    const byBatch = this.allocated.get(streamId);
    if (!byBatch) return [];
    const removed: StoredBlock[] = [];
    for (const [t, blocks] of byBatch) {
      if (t >= threshold) continue;
      byBatch.delete(t);
      removed.push(...blocks);
    }
    this.recordIds.removeBlocks(removed);
    return removed;
  }

  /** Everything still held, for freeing at shutdown. */
  clear(): StoredBlock[] {
    const all: StoredBlock[] = [];
    for (const q of this.unallocated.values()) all.push(...q);
    for (const m of this.allocated.values()) for (const bs of m.values()) all.push(...bs);
    this.unallocated.clear();
    this.allocated.clear();
    this.recordIds.clear();
    return all;
  }
}
