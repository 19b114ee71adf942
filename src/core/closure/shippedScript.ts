import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * Executors name the scripts of revived functions `dstream-shipped:<url of the original script>`
 * and number their lines as the original's, so a stack trace from one holds the driver's
 * generated position. The prefix keeps an executor's own source-map support (tsx in a worker that
 * reloaded the application) from mapping it too: only the driver maps it, once.
 */
export const SHIPPED_SCRIPT = "dstream-shipped:";

const FRAME = /dstream-shipped:([^\s()]+?):(\d+):(\d+)/g;

function toPath(url: string): string {
  try {
    return url.startsWith("file:") ? fileURLToPath(url) : url;
  } catch {
    return url;
  }
}

/** Rewrites the frames of revived functions in `stack` to the user's file, line and column. */
export function mapShippedFrames(stack: string): string {
  if (!stack.includes(SHIPPED_SCRIPT)) return stack;
  return stack.replace(FRAME, (_m, url: string, line: string, column: string) => {
    const l = Number(line);
    const c = Number(column);
    try {
      const entry = (findSourceMap(url) ?? findSourceMap(toPath(url)))?.findEntry(l - 1, c - 1);
      if (entry !== undefined && "originalSource" in entry && entry.originalSource) {
        return `${toPath(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
      }
    } catch {
      // Keep the generated position, which is right for plain JavaScript.
    }
    return `${toPath(url)}:${l}:${c}`;
  });
}
