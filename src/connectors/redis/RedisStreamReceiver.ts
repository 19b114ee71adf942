import { createClient } from "redis";
import { logger } from "../../core/log.js";
import { urlWithoutPassword as redact } from "../../core/util/urlWithoutPassword.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { Receiver } from "../../streaming/receiver/Receiver.js";
import { parseEntries, type StreamEntry } from "./StreamEntry.js";

export interface RedisStreamReceiverConfig {
  readonly url: string;
  readonly key: string;
  readonly group: string;
  readonly consumer: string;
  /** Where a group created by the receiver starts: "0" (the whole stream, the default) or "$" (new entries). */
  readonly startId: string;
  /** Create the stream (MKSTREAM) when it does not exist. */
  readonly createStream: boolean;
  /** Entries per read. */
  readonly count: number;
  /** Pending entries idle this long (ms) are claimed from other consumers, presumed dead. */
  readonly claimIdleMs: number;
}

type Client = ReturnType<typeof createClient>;
const MAX_BACKOFF_MS = 30_000;

/**
 * Reads a Redis stream as a member of a consumer group (XREADGROUP). Each read is stored as one
 * block and acknowledged with XACK only once stored (in the write-ahead log when it is on), so
 * entries a kill or a disconnect left unacknowledged stay in the group's pending list: on every
 * (re)start the receiver first reads its own pending entries again, then claims with XAUTOCLAIM
 * those other consumers left idle for `claimIdleMs` (a consumer that died), then reads new ones.
 * Entries are stored with their ids (`storeUnique`), so an entry stored and then delivered again
 * because its XACK never left (a kill, a lost connection, a server restart) is XACKed and not
 * stored twice, for as long as the driver holds its block: after a restart, that is when the
 * write-ahead log recovered it.
 */
export class RedisStreamReceiver extends Receiver<StreamEntry> {
  private client: Client | undefined;
  private failures = 0;

  constructor(
    readonly config: RedisStreamReceiverConfig,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
  ) {
    super(storageLevel);
  }

  onStart(): void {
    const client = createClient({ url: this.config.url, socket: { reconnectStrategy: false, connectTimeout: 10_000 } });
    this.client = client;
    client.on("error", () => undefined);
    void this.run(client).catch((e: unknown) => {
      if (this.client === client && !this.isStopped()) this.reconnect(errorText(this.config, e), e);
    });
  }

  onStop(): void {
    const client = this.client;
    this.client = undefined;
    // destroy, not quit: a blocked XREADGROUP would hold quit until its timeout.
    if (client?.isOpen) client.destroy();
  }

  private async run(client: Client): Promise<void> {
    const c = this.config;
    const mine = (): boolean => this.client === client && !this.isStopped();
    await client.connect();
    await this.ensureGroup(client);
    this.failures = 0;
    logger().info(`Redis receiver ${c.consumer} reading stream "${c.key}" as group "${c.group}" at ${redact(c.url)}`);
    // Our own pending entries first: delivered before a kill or disconnect, never acknowledged.
    let pendingFrom = "0";
    while (mine()) {
      const entries = parseEntries(readReply(await client.sendCommand(["XREADGROUP", "GROUP", c.group, c.consumer, "COUNT", String(c.count), "STREAMS", c.key, pendingFrom])));
      if (entries.length === 0) break;
      await this.storeAndAck(client, entries);
      pendingFrom = entries[entries.length - 1]!.id;
    }
    let cursor = "0-0";
    let lastClaim = 0;
    while (mine()) {
      if (Date.now() - lastClaim >= Math.max(1000, c.claimIdleMs)) {
        // A dead consumer's entries: claimed once idle long enough, then ours to store and XACK.
        const reply = (await client.sendCommand(["XAUTOCLAIM", c.key, c.group, c.consumer, String(c.claimIdleMs), cursor, "COUNT", String(c.count)])) as unknown[];
        cursor = String(reply[0]);
        const claimed = parseEntries(reply[1]);
        if (claimed.length > 0) await this.storeAndAck(client, claimed);
        if (cursor === "0-0") lastClaim = Date.now();
        if (claimed.length > 0) continue;
      }
      if (!mine()) return;
      // Under a rate limit a read takes at most a fifth of a second's entries, so no batch gets a burst.
      const count = Math.max(1, Math.min(c.count, Math.ceil(this.getCurrentRateLimit() / 5)));
      const fresh = parseEntries(readReply(await client.sendCommand(["XREADGROUP", "GROUP", c.group, c.consumer, "COUNT", String(count), "BLOCK", "500", "STREAMS", c.key, ">"])));
      if (fresh.length > 0 && mine()) await this.storeAndAck(client, fresh);
    }
  }

  private async ensureGroup(client: Client): Promise<void> {
    const c = this.config;
    try {
      await client.sendCommand(["XGROUP", "CREATE", c.key, c.group, c.startId, ...(c.createStream ? ["MKSTREAM"] : [])]);
    } catch (e) {
      const msg = (e as Error).message;
      if (msg.startsWith("BUSYGROUP")) return;
      if (/requires the key to exist/.test(msg)) {
        throw new RedisStreamError(`Redis: stream "${c.key}" does not exist at ${redact(c.url)}; XADD to it first, fix the key, or pass createStream: true`);
      }
      if (/WRONGTYPE/.test(msg)) throw new RedisStreamError(`Redis: key "${c.key}" at ${redact(c.url)} is not a stream (${msg}); give the key of a stream`);
      throw e;
    }
  }

  /** Stores the entries as one block, then XACKs them; the rate limit spaces reads out. */
  private async storeAndAck(client: Client, entries: StreamEntry[]): Promise<void> {
    await this.storeUnique(entries, entries.map((e) => e.id));
    if (this.client !== client) return;
    await client.sendCommand(["XACK", this.config.key, this.config.group, ...entries.map((e) => e.id)]);
    const pause = this.rateLimitPauseMs(entries.length);
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
  }

  private reconnect(message: string, error?: unknown): void {
    const delay = Math.min(MAX_BACKOFF_MS, this.restartDelayMs * 2 ** Math.min(this.failures, 10));
    this.failures++;
    this.restart(`${message}; reconnecting in ${delay} ms`, error ?? new Error(message), delay);
  }
}

/** An error whose message already names the connector, the value and the fix. */
class RedisStreamError extends Error {}

/** XREADGROUP's RESP2 reply `[[key, entries]]` (or nil): the entries of our one key. */
function readReply(raw: unknown): unknown {
  return Array.isArray(raw) && Array.isArray(raw[0]) ? (raw[0] as unknown[])[1] : [];
}


function errorText(c: RedisStreamReceiverConfig, e: unknown): string {
  if (e instanceof RedisStreamError) return e.message;
  const msg = (e as Error).message ?? String(e);
  const code = (e as { code?: string }).code;
  if (/WRONGPASS|NOAUTH|AUTH/.test(msg)) return `Redis: ${redact(c.url)} refused the login: ${msg}; check the user and password in the URL (redis://user:password@host:port)`;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || /ECONNREFUSED/.test(msg)) return `Redis: cannot connect to ${redact(c.url)} (ECONNREFUSED); start the server or fix the URL`;
  if (/client is closed|socket closed|ECONNRESET/i.test(msg)) return `Redis: the connection to ${redact(c.url)} closed while reading stream "${c.key}" (${msg})`;
  return `Redis: reading stream "${c.key}" at ${redact(c.url)} failed: ${msg}`;
}

export { redact };
