import { fileURLToPath } from "node:url";
import { dirname, basename, sep } from "node:path";

// Frames inside dstream's own sources are skipped so the site names the user's line, as Spark's does.
const packageSrc = dirname(dirname(dirname(fileURLToPath(import.meta.url)))) + sep;

/** Spark's short call site: "map at wordcount.ts:12". */
export function callSite(operation: string): string {
  const stack = new Error().stack?.split("\n") ?? [];
  for (let i = 1; i < stack.length; i++) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):\d+\)?$/.exec(stack[i]!);
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (file.startsWith(packageSrc) || file.startsWith("node:")) continue;
    return `${operation} at ${basename(file)}:${m[2]}`;
  }
  return `${operation} at <unknown>:0`;
}
