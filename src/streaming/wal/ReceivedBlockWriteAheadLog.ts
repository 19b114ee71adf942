import { FileSystems } from "../../core/fs/FileSystems.js";
import { joinPath } from "../../core/fs/fsPath.js";
import { logger } from "../../core/log.js";
import type { SparkConf } from "../../core/SparkConf.js";
import { packValue, unpackValue } from "../../core/serialization/blockCodec.js";
import type { ReceivedBlock, StoredBlock } from "../receiver/ReceivedBlock.js";
import { blockKey, LoggedBlockState, type BlockEvent, type LoggedBlock } from "./ReceivedBlockEvents.js";
import { WriteAheadLog, type WriteAheadLogOptions } from "./WriteAheadLog.js";

/** Spark's directory names under the checkpoint directory. */
export const RECEIVED_DATA_DIR = "receivedData";
export const RECEIVED_METADATA_DIR = "receivedBlockMetadata";

/** A stored block that the write-ahead log knows by `walKey`. */
export interface WalStoredBlock extends StoredBlock {
  walKey?: string;
}

/** What recovery hands the tracker: the blocks still needed, with their bytes back in memory. */
export interface RecoveredBlocks {
  unallocated: Map<number, StoredBlock[]>;
  allocated: Map<number, Map<number, StoredBlock[]>>;
  /** The record ids of the recovered blocks that have them: block → ids. */
  recordIds: Array<{ block: StoredBlock; ids: readonly string[] }>;
  /** Larger than every recovered block id's number, so new ids do not repeat them. */
  nextBlockId: number;
}

const SEGMENT_SEQ = /^log-\d+-(\d+)$/;

/**
 * The receivers' write-ahead logs under a checkpoint directory, as in Spark: one data log per
 * receiver stream (`receivedData/<streamId>`) holding the blocks' bytes, and one log of the
 * tracker's events (`receivedBlockMetadata`). A block is acknowledged only once both its bytes
 * and its addition are durable. Each segment of the event log begins with a snapshot of what is
 * live, so older segments go as soon as it is durable; a data segment goes once none of its
 * blocks is live, after the event that freed them is durable.
 */
export class ReceivedBlockWriteAheadLog {
  readonly state = new LoggedBlockState();
  private readonly events: WriteAheadLog;
  private readonly dataLogs = new Map<number, WriteAheadLog>();
  private readonly dataOptions: WriteAheadLogOptions;

  constructor(
    private readonly root: string,
    conf: SparkConf,
  ) {
    const maxSegmentBytes = conf.getSizeAsBytes("dstream.streaming.writeAheadLog.maxSegmentBytes", "64m");
    this.dataOptions = {
      rollingIntervalMs: conf.getInt("spark.streaming.receiver.writeAheadLog.rollingIntervalSecs", 60) * 1000,
      maxSegmentBytes,
    };
    this.events = new WriteAheadLog(joinPath(root, RECEIVED_METADATA_DIR), {
      rollingIntervalMs: conf.getInt("spark.streaming.driver.writeAheadLog.rollingIntervalSecs", 60) * 1000,
      maxSegmentBytes: Math.min(maxSegmentBytes, 8 * 1024 * 1024),
      onRoll: (segment) => this.startSegmentWithSnapshot(segment),
    });
  }

  /**
   * Deletes the logs a previous run left when this run does not resume its checkpoint: their
   * blocks belong to batches this run will never have. Returns how many segments there were.
   */
  static discardPrevious(root: string): number {
    const fs = FileSystems.get(root, "write-ahead log");
    let n = 0;
    for (const sub of [RECEIVED_DATA_DIR, RECEIVED_METADATA_DIR]) {
      const dir = joinPath(root, sub);
      if (!fs.getFileStatus(dir)) continue;
      n += countSegments(dir);
      fs.delete(dir, true);
    }
    return n;
  }

  /** Replays the event log and reads the live blocks' bytes back into shared memory. */
  recover(): RecoveredBlocks {
    for (const { payload } of this.events.readAll()) {
      let e: BlockEvent;
      try {
        e = unpackValue<BlockEvent>(payload);
      } catch (err) {
        logger().warn(`Skipping an unreadable record of ${this.events.directory}: ${String(err)}`);
        continue;
      }
      this.state.apply(e);
    }
    const toStored = new Map<string, StoredBlock>();
    const recordIds: RecoveredBlocks["recordIds"] = [];
    let nextBlockId = 0;
    for (const [k, b] of [...this.state.blocks]) {
      let bytes: Buffer;
      try {
        bytes = this.dataLog(b.streamId).read(b.data);
      } catch (err) {
        // Only a block whose bytes never became durable can be missing, and such a block was never acknowledged.
        logger().warn(`Received block ${b.id} of stream ${b.streamId} cannot be recovered: ${(err as Error).message}`);
        this.state.blocks.delete(k);
        continue;
      }
      const buf = new SharedArrayBuffer(bytes.byteLength);
      new Uint8Array(buf).set(bytes);
      const stored: WalStoredBlock = {
        id: b.id,
        streamId: b.streamId,
        format: b.format,
        numRecords: b.numRecords,
        time: b.time,
        ...(b.metadata !== undefined ? { metadata: b.metadata } : {}),
        location: { kind: "memory", buf },
        walKey: blockKey(b),
      };
      toStored.set(k, stored);
      if (b.recordIds !== undefined && b.recordIds.length > 0) recordIds.push({ block: stored, ids: b.recordIds });
      const n = Number(/-(\d+)$/.exec(b.id)?.[1]);
      if (Number.isInteger(n)) nextBlockId = Math.max(nextBlockId, n + 1);
    }
    const unallocated = new Map<number, StoredBlock[]>();
    for (const [streamId, blocks] of this.state.unallocated()) {
      unallocated.set(streamId, blocks.map((b) => toStored.get(`${streamId}:${blockKey(b)}`)).filter((b): b is StoredBlock => b !== undefined));
    }
    const allocated = new Map<number, Map<number, StoredBlock[]>>();
    for (const [streamId, byTime] of this.state.allocations) {
      const m = new Map<number, StoredBlock[]>();
      for (const [time, keys] of byTime) m.set(time, keys.map((k) => toStored.get(`${streamId}:${k}`)).filter((b): b is StoredBlock => b !== undefined));
      allocated.set(streamId, m);
    }
    for (const streamId of this.state.streams()) this.removeDeadData(streamId);
    let blocks = 0;
    for (const l of unallocated.values()) blocks += l.length;
    for (const m of allocated.values()) for (const l of m.values()) blocks += l.length;
    logger().info(`Recovered ${blocks} received block(s) from the write-ahead log in ${this.root}`);
    return { unallocated, allocated, recordIds, nextBlockId };
  }

  /** Logs a block's bytes and its addition; the key names it in later events. */
  logBlock(block: ReceivedBlock, id: string): { key: string; durable: Promise<void> } {
    const data = this.dataLog(block.streamId).append(block.bytes);
    const logged: LoggedBlock = { id, streamId: block.streamId, format: block.format, numRecords: block.numRecords, time: block.time, data: data.handle };
    if (block.metadata !== undefined) logged.metadata = block.metadata;
    if (block.recordIds !== undefined && block.recordIds.length > 0) logged.recordIds = block.recordIds;
    const added = this.append({ t: "add", block: logged });
    return { key: blockKey(logged), durable: Promise.all([data.durable, added]).then(() => undefined) };
  }

  logAllocation(streamId: number, time: number, keys: string[]): void {
    this.append({ t: "alloc", streamId, time, keys }).catch((e: unknown) => logger().warn({ err: String(e) }, "Could not log a block allocation"));
  }

  logCleanup(streamId: number, threshold: number): void {
    this.append({ t: "clean", streamId, threshold }).then(
      () => this.removeDeadData(streamId),
      (e: unknown) => logger().warn({ err: String(e) }, "Could not log a cleanup of received blocks"),
    );
  }

  logDrop(streamId: number, keys: string[]): void {
    if (keys.length === 0) return;
    this.append({ t: "drop", streamId, keys }).then(
      () => this.removeDeadData(streamId),
      (e: unknown) => logger().warn({ err: String(e) }, "Could not log dropped received blocks"),
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.events.close(), ...[...this.dataLogs.values()].map((l) => l.close())]);
  }

  private append(e: BlockEvent): Promise<void> {
    let payload: Uint8Array;
    try {
      payload = packValue(e);
    } catch (err) {
      if (e.t !== "add" || e.block.metadata === undefined) return Promise.reject(err);
      logger().warn({ err: String(err) }, `The metadata of received block ${e.block.id} cannot be logged; the block is logged without it`);
      const { metadata: _dropped, ...rest } = e.block;
      e = { t: "add", block: rest };
      payload = packValue(e);
    }
    let durable: Promise<void>;
    try {
      durable = this.events.append(payload).durable;
    } catch (err) {
      return Promise.reject(err);
    }
    this.state.apply(e);
    return durable;
  }

  /** Called by the event log as it starts a segment: the snapshot lets every older segment go. */
  private startSegmentWithSnapshot(segment: string): void {
    const seq = Number(SEGMENT_SEQ.exec(segment)![1]);
    const { durable } = this.events.append(packValue(this.state.snapshot()));
    durable.then(
      () => this.events.deleteSegments((name) => Number(SEGMENT_SEQ.exec(name)?.[1] ?? Infinity) < seq),
      (e: unknown) => logger().warn({ err: String(e) }, "Could not write a snapshot of the received block log"),
    );
  }

  private removeDeadData(streamId: number): void {
    const live = this.state.liveSegments(streamId);
    this.dataLog(streamId).deleteSegments((segment) => !live.has(segment));
  }

  private dataLog(streamId: number): WriteAheadLog {
    let log = this.dataLogs.get(streamId);
    if (!log) this.dataLogs.set(streamId, (log = new WriteAheadLog(joinPath(this.root, RECEIVED_DATA_DIR, String(streamId)), this.dataOptions)));
    return log;
  }
}

function countSegments(dir: string): number {
  let n = 0;
  for (const e of FileSystems.get(dir, "write-ahead log").listStatus(dir)) {
    if (e.isDirectory) n += countSegments(joinPath(dir, e.name));
    else if (e.name.startsWith("log-")) n++;
  }
  return n;
}
