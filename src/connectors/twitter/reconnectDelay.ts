/** Why the stream disconnected, which decides how long to wait (X's reconnect rules). */
export type DisconnectKind = "network" | "http" | "rateLimit";

/**
 * X's documented backoff for the filtered stream, for the `attempt`-th consecutive failure
 * (0-based): network errors back off linearly by 250 ms up to 16 s; HTTP errors exponentially from
 * 5 s up to 320 s; 429 (rate limited) exponentially from 1 minute.
 */
export function reconnectDelay(kind: DisconnectKind, attempt: number): number {
  switch (kind) {
    case "network":
      return Math.min(16_000, 250 * (attempt + 1));
    case "http":
      return Math.min(320_000, 5_000 * 2 ** Math.min(attempt, 6));
    case "rateLimit":
      return 60_000 * 2 ** Math.min(attempt, 10);
  }
}
