/**
 * Resources that live as long as an executor (a connector's cached consumers and producers)
 * register a hook here, in the thread that created them. The hooks run when that executor
 * stops: a worker thread's before it is terminated, the driver thread's at `SparkContext.stop()`.
 * Without them, open sockets would keep the driver's process alive after `stop()`.
 */
type ShutdownHook = () => void | Promise<void>;

const hooks = new Set<ShutdownHook>();

/** Registers `hook` for every later stop of this thread's executor; returns a function that removes it. */
export function addExecutorShutdownHook(hook: ShutdownHook): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** Runs every hook; a failing or slow hook never stops the others, and never outlasts `timeoutMs`. */
export async function runExecutorShutdownHooks(timeoutMs = 5_000): Promise<void> {
  if (hooks.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  const all = Promise.allSettled([...hooks].map(async (h) => h()));
  await Promise.race([all, timeout]);
  clearTimeout(timer);
}
