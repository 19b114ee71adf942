/**
 * In executor mode the application module is imported only to rebuild its closures. The first
 * action, `ssc.start()` or the end of the import marks the graph as built; the key lives on
 * globalThis because the app may load dstream through a different path than the executor.
 */
const KEY = Symbol.for("dstream.executorGraphBuilt");

type Signal = { resolve: () => void; promise: Promise<void> };

function signal(): Signal {
  const g = globalThis as unknown as Record<symbol, Signal | undefined>;
  let s = g[KEY];
  if (!s) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    s = { resolve, promise };
    g[KEY] = s;
  }
  return s;
}

/** Called by SparkContext/StreamingContext in executor mode where the driver would start work. */
export function markExecutorGraphBuilt(): void {
  signal().resolve();
}

export async function awaitExecutorGraph(imported: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((r) => {
    timer = setTimeout(r, timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([imported.then(() => undefined), signal().promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
