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
 * keep open: records wait in memory while one request is in flight, and the next request
 * carries all of them (group commit again). The first request creates the file with the header;
 * each later one appends, and a record is durable when its request is answered (for WebHDFS,
 * after the DataNodes acknowledged it and the file was closed). A failed request may still have
 * appended part of its bytes, so the segment ends there: its records, and those queued behind
 * them, are refused (never acknowledged) and the log rolls to a new segment.
 */
export class RemoteSegmentWriter implements SegmentWriter {
  bytes = 0;
  private created = false;
  private inFlight: Promise<void> | undefined;
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

  write(framed: Buffer): Promise<void> {
    this.bytes += framed.length;
    const durable = new Promise<void>((resolve, reject) => this.queue.push({ framed, resolve, reject }));
    this.flush();
    return durable;
  }

  retire(): void {
    this.closing = true;
  }

  async drain(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private flush(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0);
    const records = Buffer.concat(batch.map((r) => r.framed));
    const request = this.created ? this.append(records) : this.create(Buffer.concat([segmentHeader(), records]));
    this.inFlight = request.then(
      () => {
        this.created = true;
        for (const r of batch) r.resolve();
      },
      (e: unknown) => {
        this.failed = true;
        for (const r of [...batch, ...this.queue.splice(0)]) r.reject(e);
      },
    );
    void this.inFlight.finally(() => {
      this.inFlight = undefined;
      if (!this.failed) this.flush();
    });
  }

  private create(bytes: Buffer): Promise<void> {
    // Never over an existing file: a segment name is used once.
    if (this.fs.createAsync) return this.fs.createAsync(this.path, bytes, false);
    return new Promise<void>((resolve) => resolve(this.fs.create(this.path, bytes, false)));
  }

  private append(bytes: Buffer): Promise<void> {
    if (this.fs.appendAsync) return this.fs.appendAsync(this.path, bytes);
    return new Promise<void>((resolve) => resolve(this.fs.append(this.path, bytes)));
  }
}
