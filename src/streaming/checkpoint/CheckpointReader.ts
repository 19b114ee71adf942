import { logger } from "../../core/log.js";
import { ChecksummedFileError, readChecksummedFileSync } from "../../core/storage/ChecksummedFile.js";
import { CheckpointReadException } from "./CheckpointErrors.js";
import { listCheckpointFiles, type CheckpointFileName } from "./CheckpointFiles.js";
import { decodeMetadata, METADATA_KIND, METADATA_VERSION, type MetadataCheckpoint } from "./MetadataCheckpoint.js";
import { verifyDataCheckpoints } from "./StreamCheckpointData.js";

export interface LoadedCheckpoint {
  checkpoint: MetadataCheckpoint;
  file: string;
}

/**
 * Finds the checkpoint to resume from: the newest metadata checkpoint that reads back intact
 * and whose data checkpoints are intact too. A damaged newer one is skipped with a warning
 * naming it (a crash can leave one behind only through damage, since files are renamed into
 * place complete). A file dstream did not write, or wrote in a newer format, stops recovery:
 * resuming an older checkpoint past it could silently lose progress, or mean the directory
 * belongs to someone else. Undefined when the directory holds no checkpoint at all.
 */
export function readCheckpoint(dir: string): LoadedCheckpoint | undefined {
  const { files, foreign } = listCheckpointFiles(dir);
  if (foreign.length > 0) {
    throw new CheckpointReadException(
      `Cannot recover from checkpoint directory ${dir}: it holds ${foreign.map((f) => `'${f}'`).join(", ")}, which dstream did not write ` +
        `(dstream names its checkpoints checkpoint-<sequence>-<time>; Spark's own checkpoints cannot be read). ` +
        `Point the application at its own checkpoint directory, or remove the foreign files.`,
      dir,
    );
  }
  if (files.length === 0) return undefined;
  const problems: string[] = [];
  for (const f of files) {
    const loaded = tryRead(f, dir, problems);
    if (loaded === undefined) continue;
    for (const p of problems) logger().warn(`Skipping a damaged checkpoint: ${p}`);
    if (problems.length > 0) logger().warn(`Recovering from the older checkpoint ${f.path} (batch ${loaded.checkpoint.checkpointTime} ms)`);
    return loaded;
  }
  throw new CheckpointReadException(
    `Cannot recover from checkpoint directory ${dir}: none of its ${files.length} checkpoint(s) is usable:\n` +
      problems.map((p) => `  - ${p}`).join("\n") +
      `\nRestore the directory from a backup, or delete it (or use a new one) to start afresh without the saved state; ` +
      `StreamingContext.getOrCreate(dir, create, { createOnError: true }) starts afresh automatically.`,
    dir,
  );
}

function tryRead(f: CheckpointFileName, dir: string, problems: string[]): LoadedCheckpoint | undefined {
  let checkpoint: MetadataCheckpoint;
  try {
    checkpoint = decodeMetadata(f.path, readChecksummedFileSync(f.path, METADATA_KIND, METADATA_VERSION).payload);
  } catch (e) {
    if (e instanceof ChecksummedFileError && (e.problem === "foreign" || e.problem === "unsupported")) {
      throw new CheckpointReadException(
        `Cannot recover from checkpoint directory ${dir}: ${e.message}. ` +
          (e.problem === "foreign"
            ? "It is named like a dstream checkpoint but is not one; point the application at its own checkpoint directory, or remove the file."
            : "Run the dstream version that wrote it, or start afresh in a new checkpoint directory."),
        dir,
        { cause: e },
      );
    }
    problems.push(e instanceof Error ? e.message : String(e));
    return undefined;
  }
  const damaged = verifyDataCheckpoints(checkpoint.streams, dir);
  if (damaged !== undefined) {
    problems.push(`${f.path}: ${damaged}`);
    return undefined;
  }
  return { checkpoint, file: f.path };
}

/** Every metadata checkpoint in `dir` that reads back, newest first, for cleaning up after them. */
export function readableCheckpoints(dir: string): LoadedCheckpoint[] {
  const out: LoadedCheckpoint[] = [];
  for (const f of listCheckpointFiles(dir).files) {
    try {
      out.push({ checkpoint: decodeMetadata(f.path, readChecksummedFileSync(f.path, METADATA_KIND, METADATA_VERSION).payload), file: f.path });
    } catch {
      // Unreadable files are pruned by count like any other; they name no data to keep.
    }
  }
  return out;
}
