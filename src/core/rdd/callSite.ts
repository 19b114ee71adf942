import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, basename, sep } from "node:path";
import { findSourceMap } from "node:module";

// Frames inside dstream's own sources are skipped so the site names the user's line, as Spark's does.
const packageSrc = dirname(dirname(dirname(fileURLToPath(import.meta.url)))) + sep;
const packageSrcUrl = pathToFileURL(packageSrc).href;

interface Frame {
  file: string;
  line: number;
  column: number;
}

/**
 * The caller's frames as data. Formatting `new Error().stack` would source-map every frame
 * (slow under a TypeScript loader, and this runs for every RDD created); V8's structured
 * call sites give positions directly, and only the one user frame is mapped.
 */
function frames(): Frame[] {
  const original = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_e, sites) =>
      sites.map((s) => ({ file: s.getFileName() ?? "", line: s.getLineNumber() ?? 0, column: s.getColumnNumber() ?? 0 }));
    const holder: { stack?: Frame[] } = {};
    Error.captureStackTrace(holder, callSite);
    return (holder.stack as unknown as Frame[]) ?? [];
  } finally {
    Error.prepareStackTrace = original;
    Error.stackTraceLimit = limit;
  }
}

function toPath(file: string): string {
  return file.startsWith("file://") ? fileURLToPath(file) : file;
}

/** Spark's short call site: "map at wordcount.ts:12". */
export function callSite(operation: string): string {
  for (const f of frames()) {
    if (!f.file || f.file.startsWith("node:") || f.file.startsWith(packageSrcUrl) || f.file.startsWith(packageSrc)) continue;
    const path = toPath(f.file);
    let file = path;
    let line = f.line;
    const map = findSourceMap(f.file) ?? findSourceMap(path);
    const entry = map?.findEntry(f.line - 1, f.column - 1) as { originalSource?: string; originalLine?: number } | undefined;
    if (entry && entry.originalLine !== undefined) {
      line = entry.originalLine + 1;
      if (entry.originalSource) file = toPath(entry.originalSource);
    }
    return `${operation} at ${basename(file)}:${line}`;
  }
  return `${operation} at <unknown>:0`;
}
