import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { ReceivedBlock, StoredBlock } from "./ReceivedBlock.js";

/**
 * Stores what receivers produce before the block is handed to the tracker, and so before a
 * reliable `store(items)` resolves. This is the seam for a write-ahead log: a handler that
 * appends the block to the log and resolves only once it is durable makes every acknowledged
 * block recoverable, with nothing else changing. A handler may answer synchronously; the
 * in-memory one does, so a block cut when a batch is allocated joins that batch.
 */
export interface ReceivedBlockHandler {
  storeBlock(block: ReceivedBlock, blockId: string, level: StorageLevel): StoredBlock | Promise<StoredBlock>;
  /** Frees blocks that no batch can read any more. */
  removeBlocks(blocks: readonly StoredBlock[]): void;
  stop(): void;
}

/**
 * Keeps blocks in shared memory, which the driver and every executor read without a copy, or
 * in a local file when the storage level does not use memory (DISK_ONLY). Serialized and
 * deserialized levels are the same here: a block is always kept in its packed form.
 */
export class StorageLevelBlockHandler implements ReceivedBlockHandler {
  private dir: string | undefined;

  storeBlock(block: ReceivedBlock, blockId: string, level: StorageLevel): StoredBlock {
    const stored = { id: blockId, streamId: block.streamId, format: block.format, numRecords: block.numRecords, time: block.time, metadata: block.metadata };
    if (!level.useMemory && level.useDisk) {
      this.dir ??= mkdtempSync(join(tmpdir(), "dstream-received-"));
      const path = join(this.dir, blockId);
      writeFileSync(path, block.bytes);
      return { ...stored, location: { kind: "file", path, bytes: block.bytes.byteLength } };
    }
    return { ...stored, location: { kind: "memory", buf: toSharedBuffer(block.bytes) } };
  }

  removeBlocks(blocks: readonly StoredBlock[]): void {
    for (const b of blocks) {
      if (b.location.kind !== "file") continue;
      try {
        unlinkSync(b.location.path);
      } catch {
        // Already gone: removal is idempotent.
      }
    }
  }

  stop(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** The bytes as a whole SharedArrayBuffer, copying only when they are not one already. */
function toSharedBuffer(bytes: Uint8Array): SharedArrayBuffer {
  if (bytes.buffer instanceof SharedArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return bytes.buffer;
  }
  const sab = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(sab).set(bytes);
  return sab;
}
