import { IllegalArgumentException } from "../../core/errors.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { StreamingContext } from "../../streaming/StreamingContext.js";
import type { ReceiverInputDStream } from "../../streaming/dstream/ReceiverInputDStream.js";
import { RabbitMQReceiver, redact, type RabbitMQMessageDecoder } from "./RabbitMQReceiver.js";

export interface RabbitMQStreamOptions {
  /** amqp://user:password@host:port/vhost */
  readonly url: string;
  /** An existing queue; the receiver does not declare it. */
  readonly queue: string;
  /** Unacknowledged deliveries at once (default 1000). */
  readonly prefetch?: number;
  /**
   * Deliveries whose publisher set `messageId` are stored with it and one already stored is not
   * stored again (default false): turn on only when every publisher gives each message an id of its own.
   */
  readonly deduplicate?: boolean;
  readonly storageLevel?: StorageLevel;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Input streams from RabbitMQ queues, acknowledged after storing. */
export const RabbitMQUtils = {
  /** The queue's messages as UTF-8 text. */
  createStream(ssc: StreamingContext, options: RabbitMQStreamOptions): ReceiverInputDStream<string> {
    return stream("RabbitMQUtils.createStream", ssc, options, (content) => UTF8.decode(content), true);
  },

  /** Each delivery turned into a record by `decode`; one it throws on is reported, acknowledged and skipped. */
  createMessageStream<T>(ssc: StreamingContext, options: RabbitMQStreamOptions, decode: RabbitMQMessageDecoder<T>): ReceiverInputDStream<T> {
    if (typeof decode !== "function") throw new IllegalArgumentException(`RabbitMQUtils.createMessageStream: decode must be a function (content, message) => record, got ${String(decode)}`);
    return stream("RabbitMQUtils.createMessageStream", ssc, options, decode, false);
  },
};

function stream<T>(op: string, ssc: StreamingContext, options: RabbitMQStreamOptions, decode: RabbitMQMessageDecoder<T>, defaultDecoder: boolean): ReceiverInputDStream<T> {
  const { url, queue } = options ?? ({} as RabbitMQStreamOptions);
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "amqp:" && parsed.protocol !== "amqps:") || parsed.hostname === "") {
    throw new IllegalArgumentException(`${op}: malformed RabbitMQ URL ${JSON.stringify(typeof url === "string" ? redact(url) : url)}; give amqp://user:password@host:port/vhost, e.g. amqp://guest:guest@127.0.0.1:5672`);
  }
  if (typeof queue !== "string" || queue.length === 0 || Buffer.byteLength(queue) > 255) {
    throw new IllegalArgumentException(`${op}: queue must be the name of an existing queue (1-255 bytes), got ${JSON.stringify(queue)}`);
  }
  const prefetch = options.prefetch ?? 1000;
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 65535) throw new IllegalArgumentException(`${op}: prefetch must be an integer in 1-65535, got ${String(prefetch)}`);
  // Opt-in: AMQP does not make messageId unique, and a publisher that reuses one (a business key, a constant) would lose messages.
  const deduplicate = options.deduplicate ?? false;
  if (typeof deduplicate !== "boolean") throw new IllegalArgumentException(`${op}: deduplicate must be true or false, got ${String(deduplicate)}`);
  return ssc.receiverStream(new RabbitMQReceiver({ url, queue, prefetch, deduplicate }, decode, defaultDecoder, options.storageLevel ?? StorageLevel.MEMORY_AND_DISK_SER));
}
