import { FileSystems } from "../../core/fs/FileSystems.js";
import type { FileStatus } from "../../core/fs/FileSystem.js";
import { joinPath, qualify } from "../../core/fs/fsPath.js";
import { logger } from "../../core/log.js";
import type { RDD } from "../../core/rdd/RDD.js";
import { Duration } from "../Duration.js";
import type { Time } from "../Time.js";
import type { StreamingContext } from "../StreamingContext.js";
import { FileSplitRDD, type FileRecordFormat } from "../rdd/FileSplitRDD.js";
import { InputDStream } from "./InputDStream.js";
import type { CheckpointJson } from "../checkpoint/CheckpointJson.js";

export interface FileStreamOptions {
  /** Accepts or rejects a file by its absolute path; hidden files (`.` or `_` names) are always ignored. */
  filter?: (path: string) => boolean;
  /** Ignore files already in the directory when the stream is created (default true). */
  newFilesOnly?: boolean;
}

/**
 * Watches a directory and turns the files that appear in it into batches, with Spark's
 * FileInputDStream rules:
 * - a file belongs to the batch at time t when its modification time is in (threshold, t],
 *   where the threshold is the later of the stream's creation time (with `newFilesOnly`) and
 *   t minus the remember window; the window is `spark.streaming.fileStream.minRememberDuration`
 *   (60 s) rounded up to whole batches;
 * - files selected by the batches in that window are remembered and never selected again, so
 *   each file is processed exactly once; a file must therefore be complete when it appears:
 *   write it elsewhere (or under a hidden name) and move it in;
 * - names starting with `.` or `_` are hidden and ignored; `filter` selects among the rest.
 * The executors read the files; the driver only lists the directory.
 */
export class FileInputDStream<T> extends InputDStream<T> {
  readonly directory: string;
  private readonly fileFilter: (path: string) => boolean;
  private initialModTimeIgnoreThreshold: number;
  private readonly durationToRemember: Duration;
  /** @internal Files selected per batch, for the remembered batches. */
  readonly batchTimeToSelectedFiles = new Map<number, string[]>();
  private readonly recentlySelectedFiles = new Set<string>();

  constructor(
    ssc: StreamingContext,
    directory: string,
    options: FileStreamOptions,
    private readonly format: FileRecordFormat,
  ) {
    super(ssc);
    this.directory = qualify(directory);
    // An unknown scheme fails here, when the stream is defined, not at the first batch.
    FileSystems.get(this.directory, "fileStream");
    this.fileFilter = options.filter ?? (() => true);
    const newFilesOnly = options.newFilesOnly ?? true;
    this.initialModTimeIgnoreThreshold = newFilesOnly ? ssc.clock.getTimeMillis() : 0;
    const conf = ssc.conf;
    const minRemember = conf.getTimeAsMs("spark.streaming.fileStream.minRememberDuration", conf.get("spark.streaming.minRememberDuration", "60s"));
    const batch = this.slideDuration.milliseconds;
    this.durationToRemember = new Duration(batch * Math.ceil(minRemember / batch));
    this.remember(this.durationToRemember);
  }

  start(): void {}

  stop(): void {}

  compute(validTime: Time): RDD<T> {
    const files = this.findNewFiles(validTime.milliseconds);
    this.batchTimeToSelectedFiles.set(validTime.milliseconds, files.map((f) => f.path));
    for (const f of files) this.recentlySelectedFiles.add(f.path);
    if (files.length > 0) logger().info(`New files at time ${validTime}:\n${files.map((f) => f.path).join("\n")}`);
    for (const f of files) {
      if (f.size === 0) {
        logger().error(
          `File ${f.path} has no data in it. A file stream can only ingest files that have been "moved" to the directory it watches, complete, after the stream started.`,
        );
      }
    }
    this.reportInputInfo(validTime, 0, { files: files.map((f) => f.path), Description: files.map((f) => f.path).join("\n") });
    const sc = this.ssc.sparkContext;
    const rdd = new FileSplitRDD<T>(sc, files, Math.min(sc.defaultParallelism, 2), this.format);
    rdd.creationSite = this.creationSite;
    return rdd;
  }

  /** Checkpoint hook: a batch is the files it selected, which a restarted driver reads again for it. */
  override checkpointBatchData(time: Time): CheckpointJson | undefined {
    return this.batchTimeToSelectedFiles.get(time.milliseconds);
  }

  /** Recovery hook: the batch's files make its RDD again, and no later batch selects them. */
  override restoreBatchData(time: Time, data: CheckpointJson): RDD<T> | undefined {
    if (!Array.isArray(data) || !data.every((f) => typeof f === "string")) return undefined;
    const paths = data as string[];
    this.batchTimeToSelectedFiles.set(time.milliseconds, paths);
    for (const p of paths) this.recentlySelectedFiles.add(p);
    const files: Array<{ path: string; size: number }> = [];
    for (const path of paths) {
      let size: number | undefined;
      let problem = "it no longer exists";
      try {
        size = FileSystems.get(path, "fileStream").getFileStatus(path)?.length;
      } catch (e) {
        problem = (e as Error).message;
      }
      if (size !== undefined) files.push({ path, size });
      else logger().error(`File ${path} of batch ${time} is gone (${problem}); the batch is recomputed without it`);
    }
    this.reportInputInfo(time, 0, { files: paths, Description: paths.join("\n") });
    const sc = this.ssc.sparkContext;
    const rdd = new FileSplitRDD<T>(sc, files, Math.min(sc.defaultParallelism, 2), this.format);
    rdd.creationSite = this.creationSite;
    return rdd;
  }

  /** Checkpoint hook: with newFilesOnly, the time before which files are ignored survives a restart. */
  override checkpointStreamData(): CheckpointJson {
    return { initialModTimeIgnoreThreshold: this.initialModTimeIgnoreThreshold };
  }

  override restoreStreamData(data: CheckpointJson): void {
    const t = (data as { initialModTimeIgnoreThreshold?: unknown } | null)?.initialModTimeIgnoreThreshold;
    if (typeof t === "number") this.initialModTimeIgnoreThreshold = t;
  }

  /** @internal Also forgets the files of batches that left the remember window. */
  override clearMetadata(time: Time): void {
    super.clearMetadata(time);
    const limit = time.milliseconds - this.rememberDuration!.milliseconds;
    for (const [t, files] of [...this.batchTimeToSelectedFiles]) {
      if (t >= limit) continue;
      this.batchTimeToSelectedFiles.delete(t);
      for (const f of files) this.recentlySelectedFiles.delete(f);
    }
  }

  private findNewFiles(currentTime: number): Array<{ path: string; size: number }> {
    const started = Date.now();
    const threshold = Math.max(this.initialModTimeIgnoreThreshold, currentTime - this.durationToRemember.milliseconds);
    let entries: FileStatus[];
    const fs = FileSystems.get(this.directory, "fileStream");
    try {
      if (!fs.getFileStatus(this.directory)) {
        logger().warn(`No directory to scan: ${this.directory}`);
        return [];
      }
      entries = fs.listStatus(this.directory);
    } catch (e) {
      logger().warn({ err: String(e) }, `Error finding new files under ${this.directory}`);
      return [];
    }
    const found: Array<{ path: string; size: number }> = [];
    for (const st of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (st.name.startsWith(".") || st.name.startsWith("_") || st.isDirectory) continue;
      const path = joinPath(this.directory, st.name);
      if (this.recentlySelectedFiles.has(path) || !this.fileFilter(path)) continue;
      const modTime = Math.floor(st.modificationTime);
      // `<=` as in Spark (SPARK-4518): a file at exactly the threshold was visible to the previous window.
      if (modTime <= threshold || modTime > currentTime) continue;
      found.push({ path, size: st.length });
    }
    const took = Date.now() - started;
    if (took > this.slideDuration.milliseconds) {
      logger().warn(
        `Time taken to find new files (${took} ms) exceeds the batch size. Consider increasing the batch size or reducing the number of files in the monitored directory.`,
      );
    }
    return found;
  }
}
