import { logger } from "../../core/log.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { Receiver } from "../../streaming/receiver/Receiver.js";
import { parseTweet, type Tweet } from "./Tweet.js";
import { reconnectDelay, type DisconnectKind } from "./reconnectDelay.js";

/** How the receiver reaches X; see TwitterUtils.createStream for where each comes from. */
export interface TwitterSettings {
  readonly apiBase: string;
  readonly bearerToken: string;
  /** Stream rules to keep (each a rule's `value`); empty leaves the existing rules alone. */
  readonly filters: readonly string[];
  /** No data and no keep-alive for this long counts as a disconnect (X: 20 s). */
  readonly stallTimeoutMs: number;
  /** Multiplies every reconnect delay; 1 follows X's rules, tests shrink it. */
  readonly delayScale: number;
  /** Minutes of backfill asked for when reconnecting (0: none). */
  readonly backfillMinutes: number;
}

/** Ids remembered to drop the duplicates a reconnect's backfill re-sends. */
const SEEN_IDS = 100_000;

class Disconnect extends Error {
  constructor(
    readonly kind: DisconnectKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads X API v2's filtered stream (Bahir's TwitterReceiver, for the v2 API). It sets the rules,
 * then reads the NDJSON stream, reconnecting by X's rules: a stall, a network error or the end
 * of the stream backs off linearly, an HTTP error exponentially, a 429 longer. Reconnects ask
 * for backfill, and tweets already stored are dropped by id. Every disconnect is reported to
 * streaming listeners; none stops the receiver.
 */
export class TwitterReceiver extends Receiver<Tweet> {
  private abort: AbortController | undefined;
  private readonly seen = new Set<string>();
  private duplicates = 0;

  constructor(
    private readonly settings: TwitterSettings,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
  ) {
    super(storageLevel);
  }

  /** Tweets dropped because their id was already stored. */
  get duplicateTweets(): number {
    return this.duplicates;
  }

  onStart(): void {
    const abort = new AbortController();
    this.abort = abort;
    void this.run(abort.signal);
  }

  onStop(): void {
    this.abort?.abort();
    this.abort = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const failures: Record<DisconnectKind, number> = { network: 0, http: 0, rateLimit: 0 };
    let connectedBefore = false;
    while (!signal.aborted) {
      try {
        if (this.settings.filters.length > 0) await this.syncRules(signal);
        await this.readStream(signal, connectedBefore, () => {
          failures.network = failures.http = failures.rateLimit = 0;
        });
        throw new Disconnect("network", "the stream ended");
      } catch (e) {
        if (signal.aborted) return;
        const d = e instanceof Disconnect ? e : new Disconnect("network", (e as Error).message);
        connectedBefore = true;
        const delay = Math.round(reconnectDelay(d.kind, failures[d.kind]++) * this.settings.delayScale);
        this.reportError(`Twitter: disconnected from ${this.settings.apiBase} (${d.message}); reconnecting in ${delay} ms`, e);
        await sleep(delay, signal);
      }
    }
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.settings.bearerToken}`, "content-type": "application/json" };
  }

  private async api(path: string, signal: AbortSignal, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
    const res = await fetch(this.settings.apiBase + path, { method: init.method ?? "GET", headers: this.headers(), body: init.body === undefined ? undefined : JSON.stringify(init.body), signal }).catch((e: unknown) => {
      throw new Disconnect("network", `${path}: ${(e as Error).message}`);
    });
    const text = await res.text();
    if (!res.ok) throw httpDisconnect(path, res.status, text);
    return text === "" ? {} : (JSON.parse(text) as unknown);
  }

  /** Makes the stream's rules exactly `filters`: deletes the stale ones, adds the missing ones. */
  private async syncRules(signal: AbortSignal): Promise<void> {
    const existing = ((await this.api("/2/tweets/search/stream/rules", signal)) as { data?: { id: string; value: string }[] }).data ?? [];
    const wanted = new Set(this.settings.filters);
    const stale = existing.filter((r) => !wanted.has(r.value)).map((r) => r.id);
    if (stale.length > 0) await this.api("/2/tweets/search/stream/rules", signal, { method: "POST", body: { delete: { ids: stale } } });
    const have = new Set(existing.map((r) => r.value));
    const add = this.settings.filters.filter((f) => !have.has(f)).map((value) => ({ value }));
    if (add.length === 0) return;
    // X answers 201 even when it refuses some rules; the refused ones come back under `errors`.
    const added = (await this.api("/2/tweets/search/stream/rules", signal, { method: "POST", body: { add } })) as { errors?: { value?: string; title?: string; details?: string[] }[] };
    for (const e of added.errors ?? []) {
      const why = [e.title, ...(e.details ?? [])].filter(Boolean).join(": ");
      this.reportError(`Twitter: X refused the stream rule ${JSON.stringify(e.value ?? "?")} (${why || "no reason given"}); fix or remove it in createStream's filters. The other rules stay in force`, new Error(why));
    }
  }

  private async readStream(signal: AbortSignal, reconnecting: boolean, onData: () => void): Promise<void> {
    const params = new URLSearchParams({ "tweet.fields": "author_id,created_at,lang" });
    if (reconnecting && this.settings.backfillMinutes > 0) params.set("backfill_minutes", String(this.settings.backfillMinutes));
    const path = `/2/tweets/search/stream?${params.toString()}`;
    // The stall watchdog aborts this connection only; stopping the receiver aborts `signal`.
    const conn = new AbortController();
    const onAbort = (): void => conn.abort();
    signal.addEventListener("abort", onAbort);
    let stalled = false;
    let watchdog: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        stalled = true;
        conn.abort();
      }, this.settings.stallTimeoutMs);
    };
    try {
      arm();
      const res = await fetch(this.settings.apiBase + path, { headers: this.headers(), signal: conn.signal });
      if (!res.ok || !res.body) throw httpDisconnect("/2/tweets/search/stream", res.status, await res.text());
      logger().info(`Twitter: connected to ${this.settings.apiBase}/2/tweets/search/stream`);
      const decoder = new TextDecoder();
      let pending = "";
      for await (const chunk of res.body) {
        arm();
        pending += decoder.decode(chunk as Uint8Array, { stream: true });
        const lines = pending.split("\r\n");
        pending = lines.pop()!;
        for (const line of lines) if (line.trim() !== "") this.storeLine(line, onData);
      }
    } catch (e) {
      if (stalled) throw new Disconnect("network", `no data or keep-alive for ${this.settings.stallTimeoutMs} ms`);
      if (e instanceof Disconnect || signal.aborted) throw e;
      throw new Disconnect("network", (e as Error).message);
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener("abort", onAbort);
    }
  }

  private storeLine(line: string, onData: () => void): void {
    let tweet: Tweet | undefined;
    try {
      tweet = parseTweet(line);
    } catch (e) {
      this.reportError(`Twitter: skipped a stream line that is not JSON (${line.length} chars: ${line.slice(0, 80)}); the X stream sends one JSON object per line`, e);
      return;
    }
    if (tweet === undefined) {
      // X's own notices (`errors`, e.g. an operational disconnect) come this way, as would a tweet without an id.
      this.reportError(`Twitter: skipped a stream message that holds no tweet with an id (${line.slice(0, 200)}); a tweet is {"data":{"id":...,"text":...}}`, new Error(line.slice(0, 200)));
      return;
    }
    onData();
    if (this.seen.has(tweet.id)) {
      this.duplicates++;
      return;
    }
    this.seen.add(tweet.id);
    if (this.seen.size > SEEN_IDS) this.seen.delete(this.seen.values().next().value!);
    this.storeSingle(tweet);
  }
}

function httpDisconnect(path: string, status: number, body: string): Disconnect {
  const hint = status === 401 || status === 403 ? "; check the bearer token and that its app has access to the filtered stream" : "";
  return new Disconnect(status === 429 ? "rateLimit" : "http", `${path}: HTTP ${status} ${body.slice(0, 200)}${hint}`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
