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

  /** Resolves true once stopped, false after `timeoutMs`; rejects with the reported error if there is one. */
  async waitForStopOrError(timeoutMs?: number): Promise<boolean> {
    if (!this.hasError && !this.stopped && timeoutMs !== undefined && timeoutMs <= 0) return false;
    if (!this.hasError && !this.stopped) {
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = (): void => {
          if (timer) clearTimeout(timer);
          this.wakers.delete(done);
          resolve();
        };
        this.wakers.add(done);
        if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
      });
    }
    if (this.hasError) throw this.error;
    return this.stopped;
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }
}
