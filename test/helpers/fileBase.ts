/**
 * Where a file test puts its files: a local temporary directory, or a directory on the HDFS
 * minicluster (test/connectors/hdfs/cluster.ts). Test bodies write and inspect files only through
 * this, so the same cases run against both.
 */
import { FileSystems } from "../../src/index.js";
import { joinPath } from "../../src/core/fs/fsPath.js";
import { tempDir } from "./masters.js";

export interface FileBase {
  label: string;
  /** Settings for the SparkContext that reads these files. */
  conf: Record<string, string>;
  /** A new, empty directory. */
  newDir(): string;
}

export function localFiles(): FileBase {
  return { label: "local", conf: {}, newDir: () => tempDir() };
}

export const join = joinPath;

/** Writes a whole file (creating its parents), optionally with a modification time; returns its path. */
export function put(path: string, content: string | Uint8Array, modTimeMs?: number): string {
  const fs = FileSystems.get(path);
  fs.create(path, typeof content === "string" ? Buffer.from(content) : content, true);
  if (modTimeMs !== undefined) fs.setTimes(path, modTimeMs);
  return path;
}

export function readText(path: string): string {
  const fs = FileSystems.get(path);
  return fs.read(path, 0, fs.getFileStatus(path)?.length ?? 0).toString("utf8");
}

export function names(dir: string): string[] {
  return FileSystems.get(dir)
    .listStatus(dir)
    .map((s) => s.name)
    .sort();
}

export function exists(path: string): boolean {
  return FileSystems.get(path).getFileStatus(path) !== undefined;
}

export function mkdirs(path: string): void {
  FileSystems.get(path).mkdirs(path);
}

export function move(from: string, to: string): void {
  FileSystems.get(from).rename(from, to, false);
}

export function setTimes(path: string, modTimeMs: number): void {
  FileSystems.get(path).setTimes(path, modTimeMs);
}
