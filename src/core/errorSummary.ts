import { fileURLToPath } from "node:url";
import { relative, sep } from "node:path";
import { inspect } from "node:util";
import { logger } from "./log.js";

/** Set by `dstream submit --verbose`: errors are printed and logged with every frame. */
export const VERBOSE_ENV = "DSTREAM_VERBOSE";

/** dstream's code (src/ or dist/ of its package), whose frames are internals to a user. */
const ENGINE_DIR = fileURLToPath(new URL("../", import.meta.url));

const FRAME = /^\s+at\s/;

/** The file:line:column of a stack frame; for eval'd code, the evaluated script's own position. */
function location(frame: string): string | undefined {
  const open = frame.indexOf("(");
  const inner = open >= 0 && frame.trimEnd().endsWith(")") ? frame.trimEnd().slice(open + 1, -1) : /^\s+at\s+(?:async\s+)?(\S+)\s*$/.exec(frame)?.[1];
  if (inner === undefined) return undefined;
  return inner.startsWith("eval at ") ? inner.slice(inner.lastIndexOf(", ") + 2) : inner;
}

/** A frame in the user's code: not dstream's, not Node's, not a dependency's, not eval'd internals. */
export function isUserFrame(frame: string, engineDir = ENGINE_DIR): boolean {
  let loc = location(frame);
  if (loc === undefined) return false;
  if (loc.startsWith("file://")) loc = fileURLToPath(loc.replace(/:\d+(:\d+)?$/, "")) + (/(:\d+)+$/.exec(loc)?.[0] ?? "");
  if (loc.startsWith("node:") || loc === "native" || loc.startsWith("<anonymous>") || loc.startsWith("evalmachine")) return false;
  if (loc.startsWith(engineDir) || loc.includes(`${sep}node_modules${sep}`)) return false;
  return loc.startsWith(sep) || /^[A-Za-z]:\\/.test(loc) || /\.(c|m)?(t|j)sx?:\d+/.test(loc);
}

/** A user frame with its path made relative to the working directory, as the user wrote it. */
function shortFrame(frame: string, cwd: string): string {
  return frame.trim().replace(/(file:\/\/)?(\/[^():]+)(?=:\d+)/, (_m, scheme: string | undefined, path: string) => {
    const abs = scheme ? fileURLToPath(`file://${path}`) : path;
    const rel = relative(cwd, abs);
    return rel.startsWith("..") ? abs : rel;
  });
}

function messageLines(e: unknown): { head: string; frames: string[] } {
  if (!(e instanceof Error)) return { head: `${typeof e === "string" ? e : inspect(e)}`, frames: [] };
  const stack = typeof e.stack === "string" && e.stack.includes(e.message) ? e.stack : `${e.name}: ${e.message}\n${e.stack ?? ""}`;
  const lines = stack.split("\n");
  const first = lines.findIndex((l) => FRAME.test(l));
  const head = (first < 0 ? lines : lines.slice(0, first)).join("\n").trimEnd();
  return { head, frames: first < 0 ? [] : lines.slice(first).filter((l) => FRAME.test(l)) };
}

export interface ErrorSummaryOptions {
  /** Every frame, as `inspect` prints the error (`--verbose`, or a debug log level). */
  readonly verbose?: boolean;
  readonly cwd?: string;
  readonly engineDir?: string;
}

/**
 * An error made short, as a user wants to read it: its message, then for the error and each
 * `cause` the frames in the user's code, with dstream's, Node's and dependencies' frames counted
 * but hidden, and last how to see them. No trailing newline.
 */
export function summarizeError(e: unknown, opts: ErrorSummaryOptions = {}): string {
  if (opts.verbose) return inspect(e);
  const cwd = opts.cwd ?? process.cwd();
  const out: string[] = [];
  let hidden = 0;
  let current: unknown = e;
  const seen = new Set<unknown>();
  for (let depth = 0; current !== undefined && current !== null && !seen.has(current) && depth < 8; depth++) {
    seen.add(current);
    const { head, frames } = messageLines(current);
    out.push(depth === 0 ? head : `Caused by: ${head}`);
    const user = frames.filter((f) => isUserFrame(f, opts.engineDir));
    for (const f of user) out.push(`    ${shortFrame(f, cwd)}`);
    const internal = frames.length - user.length;
    if (internal > 0) out.push(`    ... ${internal} frame${internal === 1 ? "" : "s"} in dstream, Node.js or dependencies`);
    hidden += internal;
    current = current instanceof Error ? current.cause : undefined;
  }
  if (hidden > 0) out.push("(run with --verbose or --log-level debug to see every frame)");
  return out.join("\n");
}

/** Whether errors are shown with every frame: `dstream submit --verbose`, or a debug (or finer) log level. */
export function showEveryFrame(): boolean {
  return process.env[VERBOSE_ENV] === "1" || logger().isLevelEnabled("debug");
}
