import { closeSync, fsync } from "node:fs";
import type { FileSystem } from "../../core/fs/FileSystem.js";
import { createSegment, segmentHeader, writeAll } from "./WalSegment.js";

/**
 * The segment a write-ahead log is appending to. `write` takes a framed record and settles once
 * it is durable; records are durable in the order they were written. Once a write has failed the
 * segment is no longer `usable` (what follows the failure could not be framed with confidence),
 * and the log starts a new one.
 */
export interface SegmentWriter {
  readonly name: string;
  readonly openedAt: number;
  /** Bytes of records written (durable or not) after the header. */
  readonly bytes: number;
  readonly usable: boolean;
  /** Records written here that are not yet in the file (deleting it now would lose them). */
  readonly unwritten: boolean;
  write(framed: Buffer): Promise<void>;
  /** No more writes: closes once the last one is durable. */
  retire(): void;
  /** Settles once every write so far has settled. */
  drain(): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * A local segment: each record is written at once, and group commit makes them durable: one
 * fsync at a time, run off the event loop, covers everything written before it began.
 */
export class LocalSegmentWriter implements SegmentWriter {
  bytes = 0;
  private readonly fd: number;
  private syncing = false;
  private waiting: Waiter[] = [];
  private closing = false;
  private failed = false;

  constructor(
    readonly name: string,
    path: string,
    readonly openedAt: number,
  ) {
    this.fd = createSegment(path);
  }

  get usable(): boolean {
    return !this.failed && !this.closing;
  }

  /** Each record is in the file as soon as it is written; only its fsync may be pending. */
  readonly unwritten = false;

  write(framed: Buffer): Promise<void> {
    writeAll(this.fd, framed);
    this.bytes += framed.length;
    const durable = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.sync();
    return durable;
  }

  retire(): void {
    this.closing = true;
    if (!this.syncing && this.waiting.length === 0) closeSync(this.fd);
  }

  drain(): Promise<void> {
    if (!this.syncing && this.waiting.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.waiting.push({ resolve, reject: () => resolve() }));
    this.sync();
    return done;
  }

  private sync(): void {
    if (this.syncing || this.waiting.length === 0) return;
    this.syncing = true;
    const batch = this.waiting.splice(0);
    fsync(this.fd, (err) => {
      this.syncing = false;
      if (err) this.failed = true;
      for (const w of batch) {
        if (err) w.reject(err);
        else w.resolve();
      }
      if (this.waiting.length > 0) this.sync();
      else if (this.closing) closeSync(this.fd);
    });
  }
}

/**
 * A segment on a network filesystem (HDFS through WebHDFS), which has no file descriptor to
 * keep open. Records written in one turn of the event loop go out together in one request on
 * the next turn (group commit): the first request creates the file with the header, each later
 * one appends. The request blocks the driver's thread, as the checkpoint writes on HDFS do. A
 * record is durable when its request has been answered (for WebHDFS, after the DataNodes
 * acknowledged it and the file was closed). A failed request may still have appended part of
 * its bytes, so the segment ends there: its records are refused (never acknowledged) and the
 * log rolls to a new segment.
 */
export class RemoteSegmentWriter implements SegmentWriter {
  bytes = 0;
  private created = false;
  private scheduled: Promise<void> | undefined;
  private queue: Array<{ framed: Buffer } & Waiter> = [];
  private failed = false;
  private closing = false;

  constructor(
    readonly name: string,
    private readonly path: string,
    readonly openedAt: number,
    private readonly fs: FileSystem,
  ) {}

  get usable(): boolean {
    return !this.failed && !this.closing;
  }

  get unwritten(): boolean {
    return this.queue.length > 0;
  }

  write(framed: Buffer): Promise<void> {
    this.bytes += framed.length;
    const durable = new Promise<void>((resolve, reject) => this.queue.push({ framed, resolve, reject }));
    this.scheduled ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.scheduled = undefined;
        this.flush();
        resolve();
      }),
    );
    return durable;
  }

  retire(): void {
    this.closing = true;
  }

  async drain(): Promise<void> {
    while (this.scheduled) await this.scheduled;
  }

  private flush(): void {
    const batch = this.queue.splice(0);
    if (batch.length === 0) return;
    if (this.failed) {
      for (const r of batch) r.reject(new Error(`write-ahead log segment ${this.path} failed earlier`));
      return;
    }
    const records = Buffer.concat(batch.map((r) => r.framed));
    try {
      // Never over an existing file: a segment name is used once.
      if (this.created) this.fs.append(this.path, records);
      else this.fs.create(this.path, Buffer.concat([segmentHeader(), records]), false);
    } catch (e) {
      this.failed = true;
      for (const r of batch) r.reject(e);
      return;
    }
    this.created = true;
    for (const r of batch) r.resolve();
  }
}
