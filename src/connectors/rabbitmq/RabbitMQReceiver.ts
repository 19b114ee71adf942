import { connect, type Channel, type ChannelModel, type ConsumeMessage } from "amqplib";
import { logger } from "../../core/log.js";
import { urlWithoutPassword as redact } from "../../core/util/urlWithoutPassword.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { Receiver } from "../../streaming/receiver/Receiver.js";
import { AckingBlockBuffer } from "../../streaming/receiver/AckingBlockBuffer.js";

/** Turns one delivery into a record; throwing marks it undecodable. */
export type RabbitMQMessageDecoder<T> = (content: Buffer, message: ConsumeMessage) => T;

export interface RabbitMQReceiverConfig {
  readonly url: string;
  readonly queue: string;
  /** Unacknowledged deliveries the broker may have out to us at once (basic.qos). */
  readonly prefetch: number;
  /** Drop a delivery whose `messageId` a stored block already has (see `Receiver.storeUnique`). */
  readonly deduplicate: boolean;
}

interface Delivery {
  readonly channel: Channel;
  readonly message: ConsumeMessage;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Consumes a RabbitMQ queue with manual acknowledgement (amqplib): a delivery is acknowledged
 * only once the block holding it is stored (in the write-ahead log when it is on); a block that
 * cannot be stored is nacked with requeue, so the broker delivers it again. The prefetch count
 * bounds what is unacknowledged, so the store's speed (and the receiver rate limit) paces the
 * broker. A connection or channel that closes is reopened with exponential backoff; its
 * unacknowledged deliveries go back to the queue by AMQP's rules and arrive again (at least once).
 * A delivery whose publisher set `messageId` is stored with it as its id, so one that arrives again
 * after it was stored (the acknowledgement lost to a kill or a closed connection) is acknowledged
 * and not stored twice, while the driver holds its block (recovered from the write-ahead log
 * after a restart); one without `messageId` stays at least once.
 */
export class RabbitMQReceiver<T> extends Receiver<T> {
  private connection: ChannelModel | undefined;
  private channel: Channel | undefined;
  private buffer: AckingBlockBuffer<T, Delivery> | undefined;
  private failures = 0;
  private undecodable = 0;

  constructor(
    readonly config: RabbitMQReceiverConfig,
    private readonly decode: RabbitMQMessageDecoder<T>,
    private readonly defaultDecoder: boolean,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
  ) {
    super(storageLevel);
  }

  get undecodableMessages(): number {
    return this.undecodable;
  }

  async onStart(): Promise<void> {
    const c = this.config;
    this.buffer ??= new AckingBlockBuffer<T, Delivery>(this, {
      onStored: (acks) => {
        const last = acks[acks.length - 1];
        // Deliveries are stored in order, so one multiple-ack covers the block.
        if (last && last.channel === this.channel) last.channel.ack(last.message, true);
      },
      onStoreFailed: (acks, e) => {
        for (const a of acks) if (a.channel === this.channel) a.channel.nack(a.message, false, true);
        this.reportError(`RabbitMQ: storing a block from queue "${c.queue}" failed; its ${acks.length} deliveries were requeued`, e);
      },
    });
    let connection: ChannelModel;
    try {
      connection = await connect(c.url, { timeout: 10_000 });
    } catch (e) {
      this.reconnect(connectErrorText(c, e), e);
      return;
    }
    if (this.isStopped()) {
      await connection.close().catch(() => undefined);
      return;
    }
    this.connection = connection;
    const mine = (): boolean => this.connection === connection && !this.isStopped();
    connection.on("error", () => undefined);
    connection.on("close", (e?: Error) => {
      if (mine()) this.reconnect(`RabbitMQ: connection to ${redact(c.url)} closed${e ? `: ${e.message}` : ""}`, e);
    });
    try {
      const channel = await connection.createChannel();
      channel.on("error", () => undefined);
      channel.on("close", () => {
        if (mine() && this.channel === channel) this.reconnect(`RabbitMQ: channel consuming "${c.queue}" closed`);
      });
      await channel.checkQueue(c.queue);
      await channel.prefetch(c.prefetch);
      this.channel = channel;
      await channel.consume(c.queue, (message) => {
        if (message === null) {
          if (mine()) this.reconnect(`RabbitMQ: the broker cancelled the consumer of queue "${c.queue}" (deleted?)`);
          return;
        }
        if (mine()) this.receive(channel, message);
      }, { noAck: false });
      this.failures = 0;
      logger().info(`RabbitMQ receiver consuming queue "${c.queue}" at ${redact(c.url)} (prefetch ${c.prefetch})`);
    } catch (e) {
      if (!mine()) return;
      const notFound = (e as { code?: number }).code === 404;
      this.reconnect(
        notFound
          ? `RabbitMQ: queue "${c.queue}" does not exist at ${redact(c.url)}; declare it (e.g. rabbitmqadmin declare queue name=${c.queue} durable=true) or fix the queue name`
          : `RabbitMQ: cannot consume queue "${c.queue}" at ${redact(c.url)}: ${(e as Error).message}`,
        e,
      );
    }
  }

  onStop(): void {
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    // Not awaited: a broker that is shutting down never answers connection.close, and the
    // restart waits for onStop. Unacknowledged deliveries are requeued when the socket goes.
    void connection?.close().catch(() => undefined);
  }

  private reconnect(message: string, error?: unknown): void {
    const delay = Math.min(MAX_BACKOFF_MS, this.restartDelayMs * 2 ** Math.min(this.failures, 10));
    this.failures++;
    this.restart(`${message}; reconnecting in ${delay} ms`, error ?? new Error(message), delay);
  }

  private receive(channel: Channel, message: ConsumeMessage): void {
    let record: T;
    try {
      record = this.decode(message.content, message);
    } catch (e) {
      this.undecodable++;
      this.reportError(
        `RabbitMQ: the decoder threw on a ${message.content.length}-byte message from queue "${this.config.queue}"; it was acknowledged and skipped (${this.undecodable} so far); ` +
          (this.defaultDecoder ? "publish UTF-8 text or use RabbitMQUtils.createMessageStream with a decoder for your payloads" : "make the decoder accept every message the queue holds"),
        e,
      );
      channel.ack(message);
      return;
    }
    const id: unknown = message.properties.messageId;
    this.buffer!.add(record, { channel, message }, this.config.deduplicate && typeof id === "string" && id.length > 0 ? id : undefined);
  }
}


function connectErrorText(c: RabbitMQReceiverConfig, e: unknown): string {
  const msg = (e as Error).message ?? String(e);
  const code = (e as { code?: string }).code;
  if (/ACCESS_REFUSED|403/.test(msg)) return `RabbitMQ: ${redact(c.url)} refused the login: ${msg}; check the user and password in the URL (amqp://user:password@host:port/vhost)`;
  if (/NOT_ALLOWED|vhost/i.test(msg)) return `RabbitMQ: ${redact(c.url)} refused the virtual host: ${msg}; check the vhost path of the URL`;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND") return `RabbitMQ: cannot connect to ${redact(c.url)} (${code}); start the broker or fix the URL`;
  return `RabbitMQ: cannot connect to ${redact(c.url)}: ${msg}`;
}

export { redact };
