/**
 * `dstream --help | head -1`: once the reader has closed the pipe, nobody wants the output. A
 * Unix tool dies of SIGPIPE there, quietly; Node instead raises EPIPE on stdout, which would print
 * a stack and exit 1. dstream exits 0 without a word, after stopping what it runs (the submitted
 * application), which would otherwise go on without anyone reading it.
 */
const stops = new Set<() => Promise<unknown>>();
let installed = false;

/** Runs `stop` before exiting when stdout closes; the returned function takes it back. */
export function stopWhenStdoutCloses(stop: () => Promise<unknown>): () => void {
  stops.add(stop);
  return () => stops.delete(stop);
}

export function exitQuietlyWhenStdoutCloses(): void {
  if (installed) return;
  installed = true;
  let closing = false;
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    if (closing) return;
    closing = true;
    void Promise.allSettled([...stops].map((s) => s())).then(() => process.exit(0));
  });
}
