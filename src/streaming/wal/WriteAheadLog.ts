import { readdirSync, rmSync } from "node:fs";
import { FileSystems } from "../../core/fs/FileSystems.js";
import { isLocal, joinPath } from "../../core/fs/fsPath.js";
import { makeDirectories } from "../../core/util/makeDirectories.js";
import { logger } from "../../core/log.js";
import { fsyncDirectorySync, HEADER_BYTES } from "../../core/storage/ChecksummedFile.js";
import { frame, readRecordAt, readSegment } from "./WalSegment.js";
import { LocalSegmentWriter, RemoteSegmentWriter, type SegmentWriter } from "./SegmentWriter.js";

/** Where a record is: enough to read it back without scanning its segment. */
export interface WalRecordHandle {
  segment: string;
  offset: number;
  length: number;
}

export interface WriteAheadLogOptions {
  /** A segment is closed and a new one started once it is this old (Spark's rollingIntervalSecs; 60 s). */
  rollingIntervalMs: number;
  /** ... or this large. */
  maxSegmentBytes: number;
  /**
   * Called when a new segment has just been started, before the record that started it is
   * written: a log can begin each segment with a snapshot so that older segments can go.
   */
  onRoll?: (segment: string) => void;
}

const SEGMENT = /^log-(\d+)-(\d+)$/;

/**
 * A segmented, checksummed write-ahead log in one directory (Spark's FileBasedWriteAheadLog),
 * local or on a registered filesystem such as HDFS. Appends are made durable by group commit
 * (see SegmentWriter: an fsync locally, a CREATE or APPEND request on HDFS), and each append's
 * promise settles when its record is durable. A restarted process never appends to an old
 * segment: it reads them, then writes new ones, so a torn tail from a crash is only ever at the
 * end of an old segment.
 */
export class WriteAheadLog {
  private active: SegmentWriter | undefined;
  private readonly retired = new Set<SegmentWriter>();
  private readonly local: boolean;
  private nextSeq: number;
  private closed = false;
  private inRoll = false;

  constructor(
    readonly directory: string,
    private readonly options: WriteAheadLogOptions,
  ) {
    this.local = isLocal(directory);
    if (this.local) makeDirectories(directory, "write-ahead log");
    else FileSystems.get(directory, "write-ahead log").mkdirs(directory, "write-ahead log");
    const last = this.segments().at(-1);
    this.nextSeq = last === undefined ? 0 : Number(SEGMENT.exec(last)![2]) + 1;
  }

  /** The segment files, oldest first. */
  segments(): string[] {
    let names: string[];
    try {
      names = this.local ? readdirSync(this.directory) : FileSystems.get(this.directory, "write-ahead log").listStatus(this.directory).map((st) => st.name);
    } catch {
      return [];
    }
    return names
      .filter((n) => SEGMENT.test(n))
      .sort((a, b) => {
        const [, ta, sa] = SEGMENT.exec(a)!;
        const [, tb, sb] = SEGMENT.exec(b)!;
        return Number(sa) - Number(sb) || Number(ta) - Number(tb);
      });
  }

  /** The segment being written to, if any. */
  get activeSegment(): string | undefined {
    return this.active?.name;
  }

  /**
   * Appends a record: it is written before this returns, and `durable` settles once it is on
   * disk. The handle is known at once, so callers can refer to the record before it is durable.
   */
  append(payload: Uint8Array): { handle: WalRecordHandle; durable: Promise<void> } {
    if (this.closed) throw new Error(`write-ahead log ${this.directory} is closed`);
    const framed = frame(payload);
    const now = Date.now();
    const a = this.active;
    const full = a !== undefined && (!a.usable || now - a.openedAt >= this.options.rollingIntervalMs || (a.bytes > 0 && a.bytes + framed.length > this.options.maxSegmentBytes));
    // What onRoll appends opens the new segment, whatever its size: it must not roll again.
    if (a === undefined || (full && !this.inRoll)) this.roll(now);
    const seg = this.active!;
    const handle = { segment: seg.name, offset: HEADER_BYTES + seg.bytes, length: payload.byteLength };
    return { handle, durable: seg.write(framed) };
  }

  private roll(now: number): void {
    const old = this.active;
    const name = `log-${now}-${this.nextSeq++}`;
    const path = joinPath(this.directory, name);
    if (this.local) {
      this.active = new LocalSegmentWriter(name, path, now);
      fsyncDirectorySync(this.directory);
    } else {
      this.active = new RemoteSegmentWriter(name, path, now, FileSystems.get(path, "write-ahead log"));
    }
    if (old !== undefined) this.retire(old);
    this.inRoll = true;
    try {
      this.options.onRoll?.(name);
    } finally {
      this.inRoll = false;
    }
  }

  private retire(seg: SegmentWriter): void {
    seg.retire();
    this.retired.add(seg);
    void seg.drain().then(() => this.retired.delete(seg));
  }

  /** One record, verified. */
  read(handle: WalRecordHandle): Buffer {
    return readRecordAt(joinPath(this.directory, handle.segment), handle.offset, handle.length);
  }

  /**
   * Every intact record, oldest first. A torn tail (a record a crash cut short) ends its
   * segment with a warning naming the file; later segments are still read.
   */
  *readAll(): Generator<{ handle: WalRecordHandle; payload: Buffer }> {
    for (const name of this.segments()) {
      if (name === this.active?.name) continue;
      const path = joinPath(this.directory, name);
      let contents;
      try {
        contents = readSegment(path);
      } catch (e) {
        logger().warn(`Skipping write-ahead log segment ${path}: ${(e as Error).message}`);
        continue;
      }
      for (const r of contents.records) yield { handle: { segment: name, offset: r.offset, length: r.payload.length }, payload: r.payload };
      if (contents.tornAt) logger().warn(`Write-ahead log segment ${path} ends with ${contents.tornAt.reason} at offset ${contents.tornAt.offset}, left by a crash; the records before it are kept`);
    }
  }

  /** Deletes the segments (never one still being written) for which `obsolete` says so. */
  deleteSegments(obsolete: (segment: string) => boolean): string[] {
    const deleted: string[] = [];
    for (const name of this.segments()) {
      // A retired segment on HDFS may still have records on their way to it.
      if (name === this.active?.name || [...this.retired].some((r) => r.name === name && r.unwritten) || !obsolete(name)) continue;
      if (this.local) rmSync(joinPath(this.directory, name), { force: true });
      else FileSystems.get(this.directory, "write-ahead log").delete(joinPath(this.directory, name), false);
      deleted.push(name);
    }
    if (deleted.length > 0 && this.local) fsyncDirectorySync(this.directory);
    return deleted;
  }

  /** Waits for every append to be durable, then closes the log. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const seg = this.active;
    this.active = undefined;
    if (seg !== undefined) this.retire(seg);
    await Promise.all([...this.retired].map((s) => s.drain()));
  }
}
