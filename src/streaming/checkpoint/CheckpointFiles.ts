import { readdirSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { FileSystems } from "../../core/fs/FileSystems.js";
import { isLocal, joinPath } from "../../core/fs/fsPath.js";
import { CheckpointReadException } from "./CheckpointErrors.js";

/**
 * Names of metadata checkpoint files: `checkpoint-<sequence>-<batch time ms>`, the sequence
 * zero-padded so that names sort in writing order. Spark's own checkpoints are also named
 * `checkpoint-...`; any such name that is not dstream's is reported, never guessed at.
 */
export const CHECKPOINT_PREFIX = "checkpoint-";
const NAME = /^checkpoint-(\d{12})-(\d+)$/;

export interface CheckpointFileName {
  name: string;
  path: string;
  sequence: number;
  time: number;
}

export function metadataFileName(sequence: number, time: number): string {
  return `${CHECKPOINT_PREFIX}${String(sequence).padStart(12, "0")}-${time}`;
}

export interface CheckpointListing {
  /** dstream's metadata checkpoints, newest first. */
  files: CheckpointFileName[];
  /** Names that look like checkpoints but are not dstream's. */
  foreign: string[];
}

/** Lists the checkpoint files in `dir`; an absent directory lists nothing. */
export function listCheckpointFiles(dir: string): CheckpointListing {
  const fs = FileSystems.get(dir, "checkpoint");
  let names: string[];
  try {
    if (isLocal(dir)) {
      // readdir tells a missing directory (ENOENT) from one under a file (ENOTDIR), which a status cannot.
      names = readdirSync(dir.replace(/^file:(\/\/)?/, ""));
    } else {
      const status = fs.getFileStatus(dir);
      if (!status) return { files: [], foreign: [] };
      if (!status.isDirectory) throw Object.assign(new Error(`${dir} is a file`), { code: "ENOTDIR" });
      names = fs.listStatus(dir).map((s) => s.name);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { files: [], foreign: [] };
    const why = code === "ENOTDIR" ? "it, or a directory above it, is a file" : `it cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
    throw new CheckpointReadException(`Cannot use checkpoint directory ${dir}: ${why}. Choose a directory on a writable file system.`, dir, { cause: e });
  }
  const files: CheckpointFileName[] = [];
  const foreign: string[] = [];
  for (const name of names) {
    if (!name.startsWith(CHECKPOINT_PREFIX)) continue;
    const m = NAME.exec(name);
    if (!m) {
      foreign.push(name);
      continue;
    }
    files.push({ name, path: joinPath(dir, name), sequence: Number(m[1]), time: Number(m[2]) });
  }
  files.sort((a, b) => b.sequence - a.sequence);
  return { files, foreign: foreign.sort() };
}

/** A path as stored in a checkpoint: relative to its directory when inside it. */
export function storedPath(root: string, path: string): string {
  if (!isLocal(root) || !isLocal(path)) return path.startsWith(root + "/") ? path.slice(root.length + 1) : path;
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : resolve(path);
}

export function resolveStoredPath(root: string, stored: string): string {
  if (!isLocal(stored)) return stored;
  if (!isLocal(root)) return stored.startsWith("/") ? stored : joinPath(root, stored);
  return isAbsolute(stored) ? stored : resolve(root, stored);
}
