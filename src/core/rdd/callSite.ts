import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, basename, sep } from "node:path";
import { findSourceMap } from "node:module";
import { AsyncLocalStorage } from "node:async_hooks";

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
    Error.captureStackTrace(holder, userCallSite);
    return (holder.stack as unknown as Frame[]) ?? [];
  } finally {
    Error.prepareStackTrace = original;
    Error.stackTraceLimit = limit;
  }
}

function toPath(file: string): string {
  return file.startsWith("file://") ? fileURLToPath(file) : file;
}

/**
 * A call site set for code that runs on dstream's behalf, as Spark's `sc.setCallSite` sets one
 * in the thread's local properties. Async context plays the thread here: a batch's RDDs are
 * built, and its output operations run, from timers whose stacks hold no user frame at all.
 */
interface SiteOverride {
  site: string;
  /** Wins over the user's frames (Spark's setCallSite); otherwise used only when there is none. */
  force: boolean;
}
const siteOverride = new AsyncLocalStorage<SiteOverride>();

/**
 * Runs `fn` with every RDD it creates and every job it runs named `site`, as Spark's DStream
 * does while it generates a batch's RDDs (so they carry the stream's call site, not dstream's).
 */
export function withCallSite<T>(site: string, fn: () => T): T {
  return siteOverride.run({ site, force: true }, fn);
}

/**
 * Runs `fn` (user code, such as a foreachRDD body) so that its RDDs and jobs carry the user's
 * own lines, falling back to `site` where the stack holds only dstream's frames.
 */
export function withDefaultCallSite<T>(site: string, fn: () => T): T {
  return siteOverride.run({ site, force: false }, fn);
}

/** Spark's short call site: "map at wordcount.ts:12". */
export function callSite(operation: string): string {
  const o = siteOverride.getStore();
  if (o?.force) return o.site;
  return userCallSite(operation) ?? o?.site ?? `${operation} at <unknown>:0`;
}

/** The first frame outside dstream (src/ or dist/, wherever the package is installed). */
function userCallSite(operation: string): string | undefined {
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
  return undefined;
}
