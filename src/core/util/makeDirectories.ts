import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { IOException } from "../errors.js";

/**
 * `mkdir -p` for a path the user gave, failing with a clear error. Node's own recursive
 * mkdirSync loops for ever, at 100% CPU, where a parent cannot hold directories (under /proc):
 * here the missing components are found first, the nearest existing one must be a directory,
 * and each is created on its own, so a refusal is an error naming the component.
 */
export function makeDirectories(path: string, what: string): string {
  const full = resolve(path);
  const missing: string[] = [];
  for (let p = full; ; ) {
    const kind = entryKind(p, full, what);
    if (kind === "directory") break;
    if (kind === "other") throw new IOException(`${what}: cannot create the directory ${full}: ${p} exists and is not a directory`);
    missing.push(p);
    const parent = dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && entryKind(dir, full, what) === "directory") continue;
      throw new IOException(`${what}: cannot create the directory ${full}: mkdir ${dir} failed (${code ?? String(e)}). Choose a directory on a writable file system.`, { cause: e });
    }
  }
  return full;
}

function entryKind(p: string, full: string, what: string): "directory" | "other" | "missing" {
  try {
    return statSync(p).isDirectory() ? "directory" : "other";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a component above is a file; walking up finds it and reports it.
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    throw new IOException(`${what}: cannot create the directory ${full}: ${p} cannot be read (${code ?? String(e)})`, { cause: e });
  }
}
