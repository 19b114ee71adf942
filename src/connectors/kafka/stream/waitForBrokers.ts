import { setTimeout as delay } from "node:timers/promises";
import { logger } from "../../../core/log.js";
import { KafkaException, TimeoutException } from "../errors.js";
import { brokerErrorNames, classifyClientError, describeClientError } from "../client/clientErrors.js";

/** A driver-side Kafka call that is waiting, as reported to listeners (tests, the UI). */
export interface BrokerWait {
  /** What is waiting, e.g. "fix the offsets of batch 3000 ms". */
  readonly what: string;
  readonly attempt: number;
  /** Since the first failed attempt. */
  readonly waitedMs: number;
  readonly reason: string;
}

export interface WaitOptions {
  readonly what: string;
  /** Who waits, for the log: e.g. "Kafka direct stream [0]". */
  readonly who: string;
  readonly brokers: string;
  readonly signal: AbortSignal;
  readonly onWait?: (w: BrokerWait) => void;
  readonly onResume?: (w: BrokerWait) => void;
  /**
   * Give up at this time (ms since the epoch), naming `setting`: at start, where Spark's driver
   * consumer fails after default.api.timeout.ms. Without one, wait for as long as it takes.
   */
  readonly deadline?: { readonly at: number; readonly timeoutMs: number; readonly setting: string };
}

/** Logged at the first retry and then at most this often. */
const LOG_EVERY_MS = 10_000;

/** Why a failed call should be tried again, or undefined when retrying cannot help. */
export function retryReason(e: unknown, brokers: string): string | undefined {
  if (e instanceof TimeoutException) return e.message;
  // The admin client wraps the library's error; its cause says what really happened.
  const cause = e instanceof KafkaException && e.cause !== undefined ? e.cause : e;
  const names = brokerErrorNames(cause);
  if (names.includes("UNSTABLE_OFFSET_COMMIT")) return "the consumer group's offsets are part of a transaction that is not finished yet";
  if (names.some((n) => n === "COORDINATOR_LOAD_IN_PROGRESS" || n === "COORDINATOR_NOT_AVAILABLE" || n === "NOT_COORDINATOR")) {
    return `the group or transaction coordinator is not ready (${describeClientError(cause)})`;
  }
  switch (classifyClientError(cause)) {
    case "unavailable":
      return `the brokers at ${brokers} cannot be reached: ${describeClientError(cause)}`;
    case "stale-metadata":
      return `a partition has no leader right now (${describeClientError(cause)})`;
    default:
      return undefined;
  }
}

/** The errors `waitForBrokers` gives up with: final, never retried. */
const finalErrors = new WeakSet<Error>();

function gaveUp(opts: WaitOptions, reason: string, cause?: unknown): TimeoutException {
  const d = opts.deadline!;
  const e = new TimeoutException(
    `Could not ${opts.what} within ${d.timeoutMs} ms (${d.setting}): ${reason}. ` +
      `Check that the brokers at ${opts.brokers} are running and reachable (bootstrap.servers), or raise ${d.setting}.`,
    cause === undefined ? undefined : { cause },
  );
  finalErrors.add(e);
  return e;
}

/** `op`, or a TimeoutException once the deadline passes while it is still running (a connection that hangs). */
async function beforeDeadline<T>(op: () => Promise<T>, opts: WaitOptions, lastReason: string | undefined): Promise<T> {
  if (!opts.deadline) return op();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    const reason = lastReason ?? `no answer from the brokers at ${opts.brokers}`;
    timer = setTimeout(() => reject(gaveUp(opts, reason)), Math.max(0, opts.deadline!.at - Date.now()));
  });
  const running = op();
  // Past the deadline, a late failure of the abandoned attempt has no one to report to.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `op` until it succeeds, waiting with a growing pause (up to 2 s) while the brokers cannot
 * be reached, and logging why: batch generation waits through an outage rather than skipping
 * anything. An error retrying cannot fix (an unknown topic, a bad setting) is thrown at once;
 * so is an abort, when the stream stops, and, with a deadline, the last error once it passes.
 */
export async function waitForBrokers<T>(op: () => Promise<T>, opts: WaitOptions): Promise<T> {
  let attempt = 0;
  let since: number | undefined;
  let lastLog = 0;
  let last: BrokerWait | undefined;
  for (;;) {
    if (opts.signal.aborted) throw new KafkaException(`${opts.who} stopped while trying to ${opts.what}`);
    try {
      const result = await beforeDeadline(op, opts, last?.reason);
      if (since !== undefined && last) {
        const waitedMs = Date.now() - since;
        logger().warn(`${opts.who}: reached the brokers at ${opts.brokers} again after ${waitedMs} ms; continuing to ${opts.what}.`);
        opts.onResume?.({ ...last, waitedMs });
      }
      return result;
    } catch (e) {
      if (e instanceof Error && finalErrors.has(e)) throw e;
      const reason = retryReason(e, opts.brokers);
      if (reason === undefined || opts.signal.aborted) throw e;
      attempt++;
      const now = Date.now();
      if (opts.deadline && now >= opts.deadline.at) throw gaveUp(opts, reason, e);
      since ??= now;
      last = { what: opts.what, attempt, waitedMs: now - since, reason };
      if (now - lastLog >= LOG_EVERY_MS) {
        lastLog = now;
        const limit = opts.deadline ? ` for up to ${opts.deadline.timeoutMs} ms (${opts.deadline.setting})` : "";
        logger().warn(`${opts.who}: cannot ${opts.what}: ${reason}. Waiting and retrying${limit} (attempt ${attempt}); no offset is skipped.`);
      }
      opts.onWait?.(last);
      try {
        const pause = Math.min(100 * 2 ** Math.min(attempt - 1, 5), 2_000);
        await delay(opts.deadline ? Math.min(pause, Math.max(0, opts.deadline.at - now)) : pause, undefined, { signal: opts.signal });
      } catch {
        throw new KafkaException(`${opts.who} stopped while trying to ${opts.what}`);
      }
    }
  }
}
