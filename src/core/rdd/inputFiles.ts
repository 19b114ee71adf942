import { readdirSync, statSync, existsSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { IllegalArgumentException } from "../errors.js";

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

function expandGlob(pattern: string): string[] {
  const abs = resolve(pattern);
  const parts = abs.split(sep);
  let current = [parts[0] === "" ? sep : parts[0]!];
  for (const part of parts.slice(1)) {
    if (part === "") continue;
    if (!/[*?[{]/.test(part)) {
      current = current.map((c) => join(c, part)).filter((p) => existsSync(p));
      continue;
    }
    const re = globToRegExp(part);
    const next: string[] = [];
    for (const dir of current) {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names.sort()) if (re.test(n) && !hidden(n)) next.push(join(dir, n));
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
  for (const raw of splitPaths(path.replace(/^file:(\/\/)?/, ""))) {
    const isGlob = /[*?[{]/.test(raw);
    const matches = isGlob ? expandGlob(raw) : existsSync(raw) ? [resolve(raw)] : [];
    if (matches.length === 0) {
      problems.push(isGlob ? `Input Pattern file:${resolve(raw)} matches 0 files` : `Input path does not exist: file:${resolve(raw)}`);
      continue;
    }
    for (const m of matches) {
      const st = statSync(m);
      if (st.isDirectory()) {
        for (const name of readdirSync(m).sort()) {
          if (hidden(name)) continue;
          const child = join(m, name);
          const cst = statSync(child);
          if (cst.isDirectory()) {
            throw new IllegalArgumentException(
              `${op}: Path: ${child} is a directory, which is not supported by the record reader. Point ${op} at the files, or use a glob such as ${join(m, "*", "*")}.`,
            );
          }
          files.push({ path: child, size: cst.size });
        }
      } else files.push({ path: m, size: st.size });
    }
  }
  if (problems.length > 0) throw new IllegalArgumentException(`${op}: ${problems.join("\n")}`);
  return files;
}

export { basename, dirname };
