import { FileSystems } from "../../core/fs/FileSystems.js";
import { joinPath, parentOf } from "../../core/fs/fsPath.js";
import { logger } from "../../core/log.js";
import { SparkException } from "../../core/errors.js";
import { writeChecksummedFile, writeChecksummedFileSync } from "../../core/storage/ChecksummedFile.js";
import type { StreamingContext } from "../StreamingContext.js";
import type { Time } from "../Time.js";
import type { DStream } from "../dstream/DStream.js";
import { listCheckpointFiles, metadataFileName } from "./CheckpointFiles.js";
import { readableCheckpoints } from "./CheckpointReader.js";
import { fingerprintGraph, graphStreams, type GraphFingerprint } from "./GraphFingerprint.js";
import { encodeMetadata, METADATA_KIND, METADATA_VERSION, type MetadataCheckpoint } from "./MetadataCheckpoint.js";
import { captureStreams, liveDataDirs, recordedDataDirs } from "./StreamCheckpointData.js";

/** How many metadata checkpoints stay on disk: the newest, and a few to fall back to if it is damaged. */
export const RETAINED_CHECKPOINTS = 3;
const MAX_ATTEMPTS = 3;

/** What the job generator tells the checkpoint writer (Spark's DoCheckpoint events). */
export interface BatchCheckpointer {
  batchGenerated(time: Time): void;
  batchCompleted(time: Time): void;
}

interface Retained {
  file: string;
  dirs: string[];
}

/**
 * Writes a metadata checkpoint after each batch is generated and after it completes (Spark's
 * CheckpointWriter), off the batch's critical path: a write runs in the background, and events
 * that arrive meanwhile are folded into the next write, which captures the state as it is then
 * (a newer checkpoint supersedes an older one). After each write it removes metadata
 * checkpoints beyond the last few, and the data checkpoints that neither they nor the running
 * graph need any more.
 */
export class CheckpointWriter implements BatchCheckpointer {
  private readonly streams: Array<DStream<unknown>>;
  private readonly fingerprint: GraphFingerprint;
  private readonly root: string;
  private sequence: number;
  private lastGenerated: number | undefined;
  private checkpointTime: number | undefined;
  private dirty = false;
  private running: Promise<void> | undefined;
  private retained: Retained[];
  /** Data checkpoint directories named by some metadata checkpoint this writer knows of. */
  private readonly announced = new Set<string>();
  private writes = 0;
  private closed = false;
  private totalWriteMs = 0;

  constructor(
    private readonly ssc: StreamingContext,
    private readonly pendingTimes: () => number[],
    /** The last batch the checkpoint being resumed had generated. */
    lastGenerated?: number,
  ) {
    this.root = ssc.checkpointDir!;
    this.streams = graphStreams(ssc.graph);
    this.fingerprint = fingerprintGraph(ssc.graph);
    this.lastGenerated = lastGenerated;
    removeStaleTemporaryFiles(this.root);
    const existing = readableCheckpoints(this.root);
    this.retained = existing.map((c) => ({ file: c.file, dirs: recordedDataDirs(c.checkpoint.streams, this.root) }));
    for (const r of this.retained) for (const d of r.dirs) this.announced.add(d);
    this.sequence = (listCheckpointFiles(this.root).files[0]?.sequence ?? -1) + 1;
  }

  /**
   * Writes a checkpoint now, synchronously: called as the context starts, before any receiver
   * runs, so that every record a source is acknowledged for is covered by a checkpoint that
   * recovery finds (without one, a restart would start afresh and discard the logs).
   */
  writeNow(time: number): void {
    this.checkpointTime = time;
    const cp = this.snapshot();
    const file = joinPath(this.root, metadataFileName(cp.sequence, cp.checkpointTime));
    this.sequence++;
    try {
      writeChecksummedFileSync(file, METADATA_KIND, encodeMetadata(cp), METADATA_VERSION);
    } catch (e) {
      throw new SparkException(`Cannot write a checkpoint to ${this.root}: ${(e as Error).message}. Check that the checkpoint directory is writable.`, { cause: e });
    }
    this.afterWrite(file, cp);
  }

  batchGenerated(time: Time): void {
    this.lastGenerated = Math.max(this.lastGenerated ?? -Infinity, time.milliseconds);
    this.request(time.milliseconds);
  }

  batchCompleted(time: Time): void {
    this.request(time.milliseconds);
  }

  /** Average time of a metadata checkpoint write (encoding, fsync, rename), for monitoring and benchmarks. */
  get averageWriteMs(): number {
    return this.writes === 0 ? 0 : this.totalWriteMs / this.writes;
  }

  /** Waits for the writes requested so far to finish. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Finishes the writes requested so far; later events (a batch a forced stop left running) write nothing. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private request(time: number): void {
    if (this.closed) return;
    this.checkpointTime = time;
    this.dirty = true;
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = undefined;
      });
    }
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      await this.writeOnce();
    }
  }

  private snapshot(): MetadataCheckpoint {
    const sc = this.ssc.sparkContext;
    return {
      sequence: this.sequence,
      checkpointTime: this.checkpointTime!,
      writtenAt: Date.now(),
      appName: sc.appName,
      master: sc.master,
      conf: this.ssc.conf.getAll(),
      batchMs: this.fingerprint.batchMs,
      zeroTime: this.ssc.graph.zeroTime!.milliseconds,
      lastGeneratedTime: this.lastGenerated ?? null,
      pendingTimes: this.pendingTimes().sort((a, b) => a - b),
      fingerprint: this.fingerprint,
      streams: captureStreams(this.streams, this.root),
    };
  }

  private async writeOnce(): Promise<void> {
    let cp: MetadataCheckpoint;
    let payload: Uint8Array;
    try {
      // Taken synchronously, so it is one consistent moment of the driver's state.
      cp = this.snapshot();
      payload = encodeMetadata(cp);
    } catch (e) {
      logger().error({ err: e instanceof Error ? (e.stack ?? e.message) : String(e) }, `Could not take a metadata checkpoint of batch ${this.checkpointTime} ms`);
      return;
    }
    const file = joinPath(this.root, metadataFileName(cp.sequence, cp.checkpointTime));
    this.sequence++;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const t0 = performance.now();
      try {
        await writeChecksummedFile(file, METADATA_KIND, payload, METADATA_VERSION);
        this.totalWriteMs += performance.now() - t0;
        this.writes++;
        logger().debug(`Checkpoint for time ${cp.checkpointTime} ms saved to ${file} (${payload.byteLength} bytes)`);
        this.afterWrite(file, cp);
        return;
      } catch (e) {
        logger().warn({ err: String(e) }, `Error in attempt ${attempt} of writing checkpoint to ${file}`);
      }
    }
    logger().warn(`Could not write checkpoint for time ${cp.checkpointTime} ms to ${file}; the next batch writes a newer one`);
  }

  private afterWrite(file: string, cp: MetadataCheckpoint): void {
    const dirs = recordedDataDirs(cp.streams, this.root);
    for (const d of dirs) this.announced.add(d);
    this.retained.push({ file, dirs });
    try {
      // By sequence, newest first: writes may finish out of order (the one at start is synchronous).
      const files = listCheckpointFiles(this.root).files;
      const fs = FileSystems.get(this.root, "checkpoint");
      for (const f of files.slice(RETAINED_CHECKPOINTS)) {
        fs.delete(f.path, false);
        logger().debug(`Deleted old checkpoint ${f.path}`);
      }
      const kept = new Set(files.slice(0, RETAINED_CHECKPOINTS).map((f) => f.path));
      this.retained = this.retained.filter((r) => kept.has(r.file));
      this.removeObsoleteData();
    } catch (e) {
      logger().warn({ err: String(e) }, `Error cleaning up old checkpoints in ${this.root}`);
    }
  }

  /** Removes the data checkpoints no retained metadata checkpoint names and the graph no longer uses. */
  private removeObsoleteData(): void {
    const keep = liveDataDirs(this.streams);
    for (const r of this.retained) for (const d of r.dirs) keep.add(d);
    const current = this.ssc.sparkContext.getCheckpointDir();
    const fs = FileSystems.get(this.root, "checkpoint");
    for (const dir of [...this.announced]) {
      if (keep.has(dir)) continue;
      this.announced.delete(dir);
      if (!dir.startsWith(this.root + "/")) continue; // never delete outside the checkpoint directory
      fs.delete(dir, true);
      logger().debug(`Deleted obsolete data checkpoint ${dir}`);
      const parent = parentOf(dir);
      if (parent !== this.root && parent !== current) {
        try {
          // Not empty: other checkpoints of that run are still needed.
          if (fs.listStatus(parent).length === 0) fs.delete(parent, false);
        } catch {
          // already gone
        }
      }
    }
  }
}

/** Temporary files of writes a crash interrupted: never renamed into place, never read. */
function removeStaleTemporaryFiles(root: string): void {
  const fs = FileSystems.get(root, "checkpoint");
  let names: string[];
  try {
    names = fs.getFileStatus(root) ? fs.listStatus(root).map((s) => s.name) : [];
  } catch {
    return;
  }
  for (const n of names) {
    if (n.startsWith(".checkpoint-") && n.includes(".tmp-")) fs.delete(joinPath(root, n), false);
  }
}
