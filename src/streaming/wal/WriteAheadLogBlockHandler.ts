import type { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { ReceivedBlock, StoredBlock } from "../receiver/ReceivedBlock.js";
import { StorageLevelBlockHandler, type ReceivedBlockHandler } from "../receiver/ReceivedBlockHandler.js";
import type { ReceivedBlockWriteAheadLog, WalStoredBlock } from "./ReceivedBlockWriteAheadLog.js";

/**
 * Spark's WriteAheadLogBasedBlockHandler: keeps the block where its storage level says, as
 * without a log, and also appends it to the write-ahead log; the block reaches the tracker (and
 * a reliable `store` resolves) only once the log holds it durably. Freeing a block frees its
 * memory; its log records go when the tracker's cleanup says so, not before.
 */
export class WriteAheadLogBlockHandler implements ReceivedBlockHandler {
  private readonly inner = new StorageLevelBlockHandler();

  constructor(private readonly wal: ReceivedBlockWriteAheadLog) {}

  storeBlock(block: ReceivedBlock, blockId: string, level: StorageLevel): Promise<StoredBlock> {
    try {
      const logged = this.wal.logBlock(block, blockId);
      const stored: WalStoredBlock = { ...this.inner.storeBlock(block, blockId, level), walKey: logged.key };
      return logged.durable.then(() => stored);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  removeBlocks(blocks: readonly StoredBlock[]): void {
    this.inner.removeBlocks(blocks);
  }

  stop(): void {
    this.inner.stop();
    void this.wal.close();
  }
}
