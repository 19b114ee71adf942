import { IllegalArgumentException } from "../errors.js";
import type { FileSystem } from "../fs/FileSystem.js";
import { FileSystems } from "../fs/FileSystems.js";
import { displayPath, joinPath, pathPart, qualify } from "../fs/fsPath.js";

/** Hadoop's hidden-file rule: names starting with `_` or `.` (such as `_SUCCESS`) are not input. */
function hidden(name: string): boolean {
  return name.startsWith("_") || name.startsWith(".");
}

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i);
      if (end < 0) re += "\\[";
      else {
        re += "[" + glob.slice(i + 1, end).replace(/^\^/, "^").replace(/^!/, "^") + "]";
        i = end;
      }
    } else if (c === "{") {
      const end = glob.indexOf("}", i);
      if (end < 0) re += "\\{";
      else {
        re += "(?:" + glob.slice(i + 1, end).split(",").map((s) => s.replace(/[.+^$()|\\]/g, "\\$&")).join("|") + ")";
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\]/g, "\\$&");
  }
  return new RegExp("^" + re + "$");
}

function expandGlob(fs: FileSystem, pattern: string): string[] {
  const [prefix, abs] = pathPart(qualify(pattern));
  const parts = abs.split("/");
  let current = [prefix + "/"];
  for (const part of parts.slice(1)) {
    if (part === "") continue;
    if (!/[*?[{]/.test(part)) {
      current = current.map((c) => joinPath(c, part)).filter((p) => fs.getFileStatus(p) !== undefined);
      continue;
    }
    const re = globToRegExp(part);
    const next: string[] = [];
    for (const dir of current) {
      const st = fs.getFileStatus(dir);
      if (!st?.isDirectory) continue;
      const names = fs.listStatus(dir).map((s) => s.name);
      for (const n of names.sort()) if (re.test(n) && !hidden(n)) next.push(joinPath(dir, n));
    }
    current = next;
  }
  return current;
}

/** Splits Spark's comma-separated path list, keeping commas inside `{a,b}` globs. */
function splitPaths(path: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of path) {
    if (c === "{") depth++;
    if (c === "}") depth--;
    if (c === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** The input files behind a path argument, as Hadoop's FileInputFormat lists them (sorted for determinism). */
export function listInputFiles(op: string, path: string): Array<{ path: string; size: number }> {
  if (typeof path !== "string" || path.length === 0) {
    throw new IllegalArgumentException(`${op}: path must be a non-empty string naming a file, directory or glob`);
  }
  const files: Array<{ path: string; size: number }> = [];
  const problems: string[] = [];
  for (const raw of splitPaths(path)) {
    const fs = FileSystems.get(raw, op);
    const isGlob = /[*?[{]/.test(raw);
    const full = qualify(raw);
    const matches = isGlob ? expandGlob(fs, raw) : fs.getFileStatus(full) ? [full] : [];
    if (matches.length === 0) {
      problems.push(isGlob ? `Input Pattern ${displayPath(full)} matches 0 files` : `Input path does not exist: ${displayPath(full)}`);
      continue;
    }
    for (const m of matches) {
      const st = fs.getFileStatus(m)!;
      if (st.isDirectory) {
        for (const child of fs.listStatus(m).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
          if (hidden(child.name)) continue;
          const childPath = joinPath(m, child.name);
          if (child.isDirectory) {
            throw new IllegalArgumentException(
              `${op}: Path: ${childPath} is a directory, which is not supported by the record reader. Point ${op} at the files, or use a glob such as ${joinPath(m, "*", "*")}.`,
            );
          }
          files.push({ path: childPath, size: child.length });
        }
      } else files.push({ path: m, size: st.length });
    }
  }
  if (problems.length > 0) throw new IllegalArgumentException(`${op}: ${problems.join("\n")}`);
  return files;
}
