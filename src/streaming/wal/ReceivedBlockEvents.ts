import type { BlockFormat } from "../receiver/ReceivedBlock.js";
import type { WalRecordHandle } from "./WriteAheadLog.js";

/** A received block as the write-ahead log knows it: its description, and where its bytes are. */
export interface LoggedBlock {
  id: string;
  streamId: number;
  format: BlockFormat;
  numRecords: number | undefined;
  time: number;
  metadata?: unknown;
  /** Its records' ids from their source, when the receiver gave them (`storeUnique`). */
  recordIds?: readonly string[];
  /** The record holding the block's bytes, in its stream's data log. */
  data: WalRecordHandle;
}

/**
 * What the received-block tracker does, as logged (Spark's ReceivedBlockTrackerLogEvent):
 * a block stored, blocks allocated to a batch, the batches before a time forgotten, blocks
 * dropped unread, and a snapshot of everything live, which begins each segment of the log.
 */
export type BlockEvent =
  | { t: "add"; block: LoggedBlock }
  | { t: "alloc"; streamId: number; time: number; keys: string[] }
  | { t: "clean"; streamId: number; threshold: number }
  | { t: "drop"; streamId: number; keys: string[] }
  | { t: "snap"; blocks: LoggedBlock[]; allocations: Array<[number, number, string[]]> };

/** A block's identity in the log: its data record (segment names are per stream). */
export function blockKey(b: Pick<LoggedBlock, "data">): string {
  return `${b.data.segment}@${b.data.offset}`;
}

/**
 * The tracker's state as the log describes it, updated as each event is appended (and replayed
 * in order on recovery): the live blocks in the order they were stored, and each stream's
 * allocations by batch time. Snapshots are taken from it, so they always match the log.
 */
export class LoggedBlockState {
  /** `${streamId}:${key}` → block, in storing order. */
  readonly blocks = new Map<string, LoggedBlock>();
  /** streamId → batch time → block keys. */
  readonly allocations = new Map<number, Map<number, string[]>>();

  apply(e: BlockEvent): void {
    switch (e.t) {
      case "add":
        this.blocks.set(`${e.block.streamId}:${blockKey(e.block)}`, e.block);
        break;
      case "alloc": {
        let byTime = this.allocations.get(e.streamId);
        if (!byTime) this.allocations.set(e.streamId, (byTime = new Map()));
        byTime.set(e.time, e.keys);
        break;
      }
      case "clean": {
        const byTime = this.allocations.get(e.streamId);
        if (!byTime) break;
        for (const [time, keys] of [...byTime]) {
          if (time >= e.threshold) continue;
          byTime.delete(time);
          for (const k of keys) this.blocks.delete(`${e.streamId}:${k}`);
        }
        break;
      }
      case "drop":
        for (const k of e.keys) this.blocks.delete(`${e.streamId}:${k}`);
        break;
      case "snap":
        this.blocks.clear();
        this.allocations.clear();
        for (const b of e.blocks) this.blocks.set(`${b.streamId}:${blockKey(b)}`, b);
        for (const [streamId, time, keys] of e.allocations) this.apply({ t: "alloc", streamId, time, keys });
        break;
    }
  }

  snapshot(): BlockEvent {
    const allocations: Array<[number, number, string[]]> = [];
    for (const [streamId, byTime] of this.allocations) for (const [time, keys] of byTime) allocations.push([streamId, time, keys]);
    return { t: "snap", blocks: [...this.blocks.values()], allocations };
  }

  /** The block with `key` of stream `streamId`, if live. */
  get(streamId: number, key: string): LoggedBlock | undefined {
    return this.blocks.get(`${streamId}:${key}`);
  }

  /** Live blocks no batch has taken, per stream, in storing order. */
  unallocated(): Map<number, LoggedBlock[]> {
    const taken = new Set<string>();
    for (const [streamId, byTime] of this.allocations) for (const keys of byTime.values()) for (const k of keys) taken.add(`${streamId}:${k}`);
    const out = new Map<number, LoggedBlock[]>();
    for (const [k, b] of this.blocks) {
      if (taken.has(k)) continue;
      let list = out.get(b.streamId);
      if (!list) out.set(b.streamId, (list = []));
      list.push(b);
    }
    return out;
  }

  /** The data-log segments of `streamId` that hold a live block. */
  liveSegments(streamId: number): Set<string> {
    const out = new Set<string>();
    for (const b of this.blocks.values()) if (b.streamId === streamId) out.add(b.data.segment);
    return out;
  }

  streams(): Set<number> {
    const out = new Set<number>(this.allocations.keys());
    for (const b of this.blocks.values()) out.add(b.streamId);
    return out;
  }
}
