import { connect, type NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, jetstream, jetstreamManager, type Consumer, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { logger } from "../../core/log.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { urlWithoutPassword } from "../../core/util/urlWithoutPassword.js";
import { Receiver } from "../../streaming/receiver/Receiver.js";
import { AckingBlockBuffer } from "../../streaming/receiver/AckingBlockBuffer.js";
import { utf8Text, type NatsMessage, type NatsMessageDecoder } from "./NatsMessage.js";

export interface NatsJetStreamReceiverConfig {
  readonly servers: readonly string[];
  readonly stream: string;
  /** The durable pull consumer's name; keep it across restarts so its unacknowledged messages are found again. */
  readonly consumer: string;
  /** Subjects of a stream the receiver creates when it is missing; empty: a missing stream is an error. */
  readonly subjects: readonly string[];
  /** Messages per fetch (the rate limit lowers it). */
  readonly batchSize: number;
  /** How long the server waits for an acknowledgement before delivering again (a consumer the receiver creates). */
  readonly ackWaitMs: number;
}

const MAX_BACKOFF_MS = 30_000;
/** How long one fetch waits for messages; the pull loop checks for a stop between fetches. */
const FETCH_EXPIRES_MS = 2000;
/** How often the consumer's ack floor is read, to forget sequences the server can no longer deliver. */
const PRUNE_EVERY_MS = 5000;

/**
 * Reads a JetStream stream through a durable pull consumer with explicit acknowledgement. Each
 * fetched message goes into a block; a message is acknowledged only once its block is stored
 * (in the write-ahead log when it is on), so whatever a kill or a disconnect left unacknowledged
 * the server delivers again after the consumer's ack wait. The next fetch waits until the
 * previous one is stored, and the receiver rate limit shrinks each fetch and spaces the blocks,
 * so the limit paces what is pulled from the server, not only what is stored.
 *
 * Redeliveries are dropped by stream sequence: one already stored is acknowledged again, one
 * still waiting for its block is left to that block's acknowledgement. The stored sequences are
 * remembered until the consumer's ack floor passes them. A new process starts without that
 * memory, so a kill between storing a block and its acknowledgement delivers those messages once
 * more; `seq` is the key that removes them.
 */
export class NatsJetStreamReceiver<T> extends Receiver<NatsMessage<T>> {
  private attempt: object | undefined;
  private connection: NatsConnection | undefined;
  private buffer: AckingBlockBuffer<NatsMessage<T>, JsMsg> | undefined;
  private failures = 0;
  private undecodable = 0;
  private duplicates = 0;
  /** Sequences handed to the block buffer and not yet stored. */
  private readonly pending = new Set<number>();
  /** Sequences stored, until the consumer's ack floor passes them. */
  private readonly stored = new Set<number>();

  constructor(
    readonly config: NatsJetStreamReceiverConfig,
    private readonly decode: NatsMessageDecoder<T>,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
  ) {
    super(storageLevel);
  }

  /** Messages `decode` rejected (each reported, terminated on the server and skipped). */
  get undecodableMessages(): number {
    return this.undecodable;
  }

  /** Redelivered messages dropped because their sequence was stored or pending already. */
  get duplicateMessages(): number {
    return this.duplicates;
  }

  onStart(): void {
    const c = this.config;
    this.buffer ??= new AckingBlockBuffer<NatsMessage<T>, JsMsg>(this, {
      maxBlockRecords: c.batchSize,
      onStored: (msgs) => {
        for (const m of msgs) {
          this.pending.delete(m.seq);
          this.stored.add(m.seq);
          settle(m, "ack");
        }
      },
      onStoreFailed: (msgs, e) => {
        for (const m of msgs) {
          this.pending.delete(m.seq);
          settle(m, "nak");
        }
        this.restart(`NATS JetStream: storing a block from stream "${c.stream}" failed; its ${msgs.length} messages were not acknowledged and are delivered again`, e);
      },
    });
    const attempt = {};
    this.attempt = attempt;
    const mine = (): boolean => this.attempt === attempt && !this.isStopped();
    void this.run(mine).catch((e: unknown) => {
      if (mine()) this.reconnect(errorText(c, e), e);
    });
  }

  onStop(): void {
    this.attempt = undefined;
    const nc = this.connection;
    this.connection = undefined;
    // Not awaited: a server that went away never answers, and the restart waits for onStop.
    void nc?.close().catch(() => undefined);
  }

  private async run(mine: () => boolean): Promise<void> {
    const c = this.config;
    const nc = await connect({ servers: [...c.servers], reconnect: false, timeout: 10_000, name: `dstream ${c.stream}/${c.consumer}`, ...loginOf(c.servers) });
    if (!mine()) {
      await nc.close();
      return;
    }
    this.connection = nc;
    void nc.closed().then((err) => {
      if (mine()) this.reconnect(`NATS JetStream: connection to ${shown(c)} closed${err ? `: ${err.message}` : ""}`, err);
    });
    const consumer = await this.consumer(nc);
    this.failures = 0;
    logger().info(`NATS JetStream receiver reading stream "${c.stream}" as durable consumer "${c.consumer}" at ${shown(c)}`);
    let pruned = Date.now();
    while (mine()) {
      // Under a rate limit (maxRate, or backpressure's latest estimate) a fetch holds at most a
      // fifth of a second's messages, as the block buffer's blocks do.
      const fetchSize = Math.max(1, Math.min(c.batchSize, Math.ceil(this.getCurrentRateLimit() / 5)));
      const msgs = await consumer.fetch({ max_messages: fetchSize, expires: FETCH_EXPIRES_MS });
      for await (const m of msgs) {
        if (!mine()) break;
        this.receive(m);
      }
      await this.buffer!.flushed();
      if (mine() && Date.now() - pruned >= PRUNE_EVERY_MS) {
        pruned = Date.now();
        const floor = (await consumer.info()).ack_floor.stream_seq;
        for (const seq of this.stored) if (seq <= floor) this.stored.delete(seq);
      }
    }
  }

  /** The durable consumer, creating it (and, given subjects, the stream) when missing. */
  private async consumer(nc: NatsConnection): Promise<Consumer> {
    const c = this.config;
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(nc);
    } catch (e) {
      throw new NatsJetStreamError(`NATS JetStream: JetStream is not available at ${shown(c)} (${(e as Error).message}); start nats-server with -js (JetStream enabled)`);
    }
    try {
      await jsm.streams.info(c.stream);
    } catch (e) {
      if (apiCode(e) !== JetStreamApiCodes.StreamNotFound) throw e;
      if (c.subjects.length === 0) {
        throw new NatsJetStreamError(
          `NATS JetStream: stream "${c.stream}" does not exist at ${shown(c)}; create it (nats stream add ${c.stream} --subjects '<subject>'), fix the stream name, or pass subjects to NatsUtils.createJetStream so the receiver creates it`,
        );
      }
      await jsm.streams.add({ name: c.stream, subjects: [...c.subjects] });
      logger().info(`NATS JetStream: created stream "${c.stream}" on ${c.subjects.join(", ")}`);
    }
    try {
      const info = await jsm.consumers.info(c.stream, c.consumer);
      if (info.config.deliver_subject) throw new NatsJetStreamError(`NATS JetStream: consumer "${c.consumer}" of stream "${c.stream}" is a push consumer; name a pull consumer, or a new name for the receiver to create one`);
      if (info.config.ack_policy !== AckPolicy.Explicit) {
        throw new NatsJetStreamError(`NATS JetStream: consumer "${c.consumer}" of stream "${c.stream}" has ack policy "${info.config.ack_policy}"; the receiver acknowledges each stored message, so name a consumer with ack policy "explicit", or a new name for the receiver to create one`);
      }
    } catch (e) {
      if (apiCode(e) !== JetStreamApiCodes.ConsumerNotFound) throw e;
      await jsm.consumers.add(c.stream, {
        durable_name: c.consumer,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: c.ackWaitMs * 1_000_000,
        max_ack_pending: Math.max(1000, 2 * c.batchSize),
      });
    }
    return jetstream(nc).consumers.get(c.stream, c.consumer);
  }

  private receive(m: JsMsg): void {
    const seq = m.seq;
    if (this.stored.has(seq) || this.pending.has(seq)) {
      this.duplicates++;
      // Stored: acknowledge this delivery too. Pending: its block's acknowledgement will do.
      if (this.stored.has(seq)) settle(m, "ack");
      return;
    }
    let data: T;
    try {
      data = this.decode(m.data, m.subject);
    } catch (e) {
      this.undecodable++;
      this.reportError(
        `NATS JetStream: the decoder threw on the ${m.data.length}-byte message ${seq} on subject "${m.subject}" of stream "${this.config.stream}"; ` +
          `it was terminated (never delivered again) and skipped (${this.undecodable} so far); ` +
          ((this.decode as unknown) === utf8Text ? "publish UTF-8 text or pass a decode function to NatsUtils.createJetStream" : "make the decoder accept every message the stream holds"),
        e,
      );
      settle(m, "term");
      return;
    }
    this.pending.add(seq);
    const headers = headerRecord(m);
    // The sequence as its id: a delivery stored before a kill, but never acknowledged, is not stored twice after recovery.
    this.buffer!.add({ subject: m.subject, data, seq, ...(headers ? { headers } : {}), timestamp: Number(m.timestampNanos / 1_000_000n) }, m, String(seq));
  }

  private reconnect(message: string, error?: unknown): void {
    const delay = Math.min(MAX_BACKOFF_MS, this.restartDelayMs * 2 ** Math.min(this.failures, 10));
    this.failures++;
    this.restart(`${message}; reconnecting in ${delay} ms`, error ?? new Error(message), delay);
  }
}

/** An error whose message already names the connector, the value and the fix. */
export class NatsJetStreamError extends Error {}

/** Acknowledges (or not) on the connection that delivered the message; one since closed delivers it again. */
function settle(m: JsMsg, how: "ack" | "nak" | "term"): void {
  try {
    if (how === "ack") m.ack();
    else if (how === "nak") m.nak();
    // No reason: nats-server 2.9 (Debian 12) ignores a +TERM that carries one.
    else m.term();
  } catch {
    // The connection closed: the server delivers the message again after the ack wait.
  }
}

function headerRecord(m: JsMsg): Record<string, string[]> | undefined {
  const h = m.headers;
  if (!h) return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, v] of h) out[k] = [...v];
  return Object.keys(out).length > 0 ? out : undefined;
}

function apiCode(e: unknown): number | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

/**
 * The login a server URL carries (nats://user:password@host:port, or nats://token@host:port):
 * the NATS client does not read it from the URL, so it goes in the connect options.
 */
function loginOf(servers: readonly string[]): { user: string; pass: string } | { token: string } | undefined {
  for (const s of servers) {
    const url = new URL(s.includes("://") ? s : `nats://${s}`);
    if (url.username === "") continue;
    const user = decodeURIComponent(url.username);
    return url.password === "" ? { token: user } : { user, pass: decodeURIComponent(url.password) };
  }
  return undefined;
}

function shown(c: NatsJetStreamReceiverConfig): string {
  return c.servers.map(urlWithoutPassword).join(",");
}

function errorText(c: NatsJetStreamReceiverConfig, e: unknown): string {
  if (e instanceof NatsJetStreamError) return e.message;
  const err = e as Error & { code?: unknown; cause?: { code?: unknown } };
  const msg = err.message ?? String(e);
  const code = err.code ?? err.cause?.code;
  if (err.name === "AuthorizationError" || /authorization/i.test(msg)) return `NATS JetStream: ${shown(c)} refused the login: ${msg}; check the user and password (nats://user:password@host:port) or token`;
  if (code === "ECONNREFUSED" || /connection refused/i.test(msg)) return `NATS JetStream: cannot connect to ${shown(c)} (connection refused); start the server (nats-server -js) or fix servers`;
  if (code === "ENOTFOUND") return `NATS JetStream: cannot resolve the host of ${shown(c)} (ENOTFOUND); fix servers`;
  return `NATS JetStream: reading stream "${c.stream}" as consumer "${c.consumer}" at ${shown(c)} failed: ${msg}`;
}
