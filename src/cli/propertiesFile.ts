import { readFileSync, statSync } from "node:fs";
import { UsageError } from "./submitConf.js";

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ t: "\t", n: "\n", r: "\r", f: "\f" } as Record<string, string>)[e] ?? e;
  });
}

/** Logical lines: a line ending in an odd number of backslashes continues on the next. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending: string | undefined;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = pending === undefined ? raw : pending + raw.replace(/^[ \t\f]+/, "");
    const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
    if (trailing % 2 === 1) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = undefined;
    out.push(line);
  }
  if (pending !== undefined) out.push(pending);
  return out;
}

/**
 * Java's `Properties.load`, which Spark reads spark-defaults.conf with: `key value`, `key=value`
 * or `key: value`; `#` and `!` start comments; backslash escapes and line continuations. Values
 * are trimmed, as Spark's Utils.getPropertiesFromFile does.
 */
export function parseProperties(text: string): Array<[string, string]> {
  const out = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const body = line.replace(/^[ \t\f]+/, "");
    if (body === "" || body.startsWith("#") || body.startsWith("!")) continue;
    let i = 0;
    while (i < body.length && !/[=: \t\f]/.test(body[i]!)) i += body[i] === "\\" ? 2 : 1;
    const key = body.slice(0, i);
    let rest = body.slice(i).replace(/^[ \t\f]+/, "");
    if (rest.startsWith("=") || rest.startsWith(":")) rest = rest.slice(1).replace(/^[ \t\f]+/, "");
    out.set(unescape(key), unescape(rest).trim());
  }
  return [...out];
}

/** `--properties-file`: the file's properties, with Spark's messages for a missing or odd file. */
export function readPropertiesFile(path: string): Array<[string, string]> {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UsageError(`--properties-file: Properties file ${path} does not exist`);
  }
  if (!isFile) throw new UsageError(`--properties-file: Properties file ${path} is not a normal file`);
  return parseProperties(readFileSync(path, "utf8"));
}
