import type { StoredBlock } from "./ReceivedBlock.js";

/**
 * The ids of the records in the blocks a received-block tracker holds, per stream: what
 * `Receiver.storeUnique` checks a redelivered record against. An id is held exactly as long as
 * its block: from the moment the block reaches the tracker until the tracker frees it (the
 * cleanup of its batch, about `rememberDuration` after the batch, or the stop of the receivers).
 * With the write-ahead log, a restarted driver holds again the ids of every block the log
 * recovered, which is the same set. The ids stay on the driver: a block's descriptor, which
 * travels to executors in each task, does not carry them.
 */
export class HeldRecordIds {
  /** streamId → record id → the id of the block holding it. */
  private readonly byStream = new Map<number, Map<string, string>>();
  /** block id → its record ids, to forget them with the block. */
  private readonly byBlock = new Map<string, readonly string[]>();

  add(streamId: number, blockId: string, recordIds: readonly string[]): void {
    if (recordIds.length === 0) return;
    let ids = this.byStream.get(streamId);
    if (!ids) this.byStream.set(streamId, (ids = new Map()));
    for (const id of recordIds) ids.set(id, blockId);
    this.byBlock.set(blockId, recordIds);
  }

  has(streamId: number, recordId: string): boolean {
    return this.byStream.get(streamId)?.has(recordId) === true;
  }

  /** The ids the blocks had, if held; a later block that holds an id again keeps it. */
  removeBlocks(blocks: readonly Pick<StoredBlock, "id" | "streamId">[]): void {
    for (const b of blocks) {
      const recordIds = this.byBlock.get(b.id);
      if (!recordIds) continue;
      this.byBlock.delete(b.id);
      const ids = this.byStream.get(b.streamId);
      if (!ids) continue;
      for (const id of recordIds) if (ids.get(id) === b.id) ids.delete(id);
      if (ids.size === 0) this.byStream.delete(b.streamId);
    }
  }

  clear(): void {
    this.byStream.clear();
    this.byBlock.clear();
  }
}
