import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { FileStatus, FileSystem } from "./FileSystem.js";
import { makeDirectories } from "../util/makeDirectories.js";

/** Paths on this machine's disks; `file:` URLs and plain paths. */
export class LocalFileSystem implements FileSystem {
  readonly scheme = "file";

  getFileStatus(path: string): FileStatus | undefined {
    const p = localPath(path);
    try {
      const st = statSync(p);
      return { path: p, name: basename(p), length: st.size, isDirectory: st.isDirectory(), modificationTime: st.mtimeMs };
    } catch (e) {
      // A path under a file is not there either (Hadoop's FileNotFoundException); mkdirs names the file.
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw e;
    }
  }

  listStatus(path: string): FileStatus[] {
    const p = localPath(path);
    const st = statSync(p);
    if (!st.isDirectory()) return [this.getFileStatus(p)!];
    const out: FileStatus[] = [];
    for (const d of readdirSync(p, { withFileTypes: true })) {
      // A file removed between the listing and its stat is simply no longer there.
      const s = this.getFileStatus(join(p, d.name));
      if (s) out.push(s);
    }
    return out;
  }

  mkdirs(path: string, operation = "mkdirs"): void {
    makeDirectories(localPath(path), operation);
  }

  delete(path: string, recursive: boolean): boolean {
    const p = localPath(path);
    if (!existsSync(p)) return false;
    rmSync(p, { recursive, force: true });
    return true;
  }

  rename(src: string, dst: string, overwrite: boolean): void {
    const to = localPath(dst);
    if (!overwrite && existsSync(to)) throw new Error(`rename: ${to} already exists`);
    renameSync(localPath(src), to);
    fsyncDirectory(dirname(to));
  }

  read(path: string, offset: number, length: number): Buffer {
    const fd = openSync(localPath(path), "r");
    try {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, offset + got);
        if (n <= 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  }

  create(path: string, data: Uint8Array, overwrite: boolean): void {
    const p = localPath(path);
    makeDirectories(dirname(p), "create");
    const fd = openSync(p, overwrite ? "w" : "wx");
    try {
      let off = 0;
      while (off < data.byteLength) off += writeSync(fd, data, off, data.byteLength - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  append(path: string, data: Uint8Array): void {
    appendFileSync(localPath(path), data);
  }

  setTimes(path: string, modificationTime: number): void {
    utimesSync(localPath(path), modificationTime / 1000, modificationTime / 1000);
  }
}

/** A `file:` URL or plain path as a plain path. */
export function localPath(path: string): string {
  return path.replace(/^file:(\/\/)?/, "");
}

/** Makes a rename durable; filesystems that cannot open a directory (some network ones) skip it. */
function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // best effort, as in ChecksummedFile
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
