const MAX_TIMER_MS = 2 ** 31 - 1;

/** What `awaitTermination*` wait for: the context stopping, or a batch reporting an error (which is then rethrown). */
export class ContextWaiter {
  private error: unknown = undefined;
  private hasError = false;
  private stopped = false;
  private readonly wakers = new Set<() => void>();

  notifyError(e: unknown): void {
    this.error = e;
    this.hasError = true;
    this.wake();
  }

  notifyStop(): void {
    this.stopped = true;
    this.wake();
  }

  /**
   * Resolves true once stopped, false after `timeoutMs`; rejects with the reported error if
   * there is one. As in Spark, a negative timeout (or none, or Infinity) waits for ever.
   */
  async waitForStopOrError(timeoutMs?: number): Promise<boolean> {
    const bounded = timeoutMs !== undefined && timeoutMs >= 0 && Number.isFinite(timeoutMs);
    if (!this.hasError && !this.stopped && bounded && timeoutMs <= 0) return false;
    if (!this.hasError && !this.stopped) {
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = (): void => {
          if (timer) clearTimeout(timer);
          this.wakers.delete(done);
          resolve();
        };
        this.wakers.add(done);
        if (bounded) {
          // setTimeout fires at once beyond 2^31 - 1 ms: longer waits go in steps.
          const deadline = Date.now() + timeoutMs;
          const arm = (): void => {
            const left = deadline - Date.now();
            timer = left <= 0 ? undefined : setTimeout(left > MAX_TIMER_MS ? arm : done, Math.min(left, MAX_TIMER_MS));
            if (timer === undefined) done();
          };
          arm();
        }
      });
    }
    if (this.hasError) throw this.error;
    return this.stopped;
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }
}
