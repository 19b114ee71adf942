/** The source of time for batch generation: the system clock in production, a manual one in tests. */
export interface Clock {
  getTimeMillis(): number;
  /** Resolves once the clock reads at least `targetTime`, with the time it then reads. */
  waitTillTime(targetTime: number): Promise<number>;
}

/**
 * A clock that moves only when told to. The job generator subscribes to it instead of running
 * a timer, so a move can report when the batches it made due have completed (DESIGN §4).
 */
export interface SteppedClock extends Clock {
  /** Calls `listener` after each move; the move settles when every listener's promise has. Returns an unsubscribe function. */
  onTimeChanged(listener: (now: number) => Promise<void>): () => void;
}

export function isSteppedClock(clock: Clock): clock is SteppedClock {
  return typeof (clock as Partial<SteppedClock>).onTimeChanged === "function";
}
