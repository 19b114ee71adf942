import { IllegalArgumentException } from "../../core/errors.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { StreamingContext } from "../../streaming/StreamingContext.js";
import type { ReceiverInputDStream } from "../../streaming/dstream/ReceiverInputDStream.js";
import { NatsJetStreamReceiver } from "./NatsJetStreamReceiver.js";
import { utf8Text, type NatsMessage, type NatsMessageDecoder } from "./NatsMessage.js";
import { requireNatsServers } from "./requireNatsServers.js";

export interface NatsJetStreamOptions {
  /** nats://host:port, tls://host:port or host:port; several as a list or comma-separated. */
  readonly servers: string | readonly string[];
  readonly stream: string;
  /** The durable pull consumer; created (explicit acks, from the stream's start) when missing. */
  readonly consumer: string;
  /**
   * Subjects for the stream: given, a missing stream is created on them; absent, a missing stream
   * is an error. An existing stream is never changed.
   */
  readonly subjects?: string | readonly string[];
  /** Messages per fetch (default 1000). */
  readonly batchSize?: number;
  /** Ack wait of a consumer the receiver creates, in ms (default 30000): how soon unacknowledged messages come again. */
  readonly ackWaitMs?: number;
  readonly storageLevel?: StorageLevel;
}

/** Options with a decoder: each payload becomes `data` through it instead of UTF-8 text. */
export interface NatsJetStreamDecodedOptions<T> extends NatsJetStreamOptions {
  readonly decode: NatsMessageDecoder<T>;
}

const OP = "NatsUtils.createJetStream";

// The decoded form first: a decode function's parameter then gets its type from it.
function createJetStream<T>(ssc: StreamingContext, options: NatsJetStreamDecodedOptions<T>): ReceiverInputDStream<NatsMessage<T>>;
function createJetStream(ssc: StreamingContext, options: NatsJetStreamOptions): ReceiverInputDStream<NatsMessage<string>>;
function createJetStream<T>(ssc: StreamingContext, options: NatsJetStreamOptions & { readonly decode?: NatsMessageDecoder<T> }): ReceiverInputDStream<NatsMessage<T | string>> {
  const o = options ?? ({} as NatsJetStreamOptions);
  const servers = requireNatsServers(OP, o.servers);
  for (const name of ["stream", "consumer"] as const) {
    const v: unknown = o[name];
    // JetStream's own rule for stream and durable names.
    if (typeof v !== "string" || v.length === 0 || /[\s.*>/\\]/.test(v)) {
      throw new IllegalArgumentException(`${OP}: ${name} must be a non-empty name without spaces, ".", "*", ">", "/" or "\\", got ${JSON.stringify(v)}`);
    }
  }
  const subjects = o.subjects === undefined ? [] : typeof o.subjects === "string" ? [o.subjects] : [...o.subjects];
  if (subjects.some((s) => typeof s !== "string" || s.length === 0 || /\s/.test(s))) {
    throw new IllegalArgumentException(`${OP}: subjects must be non-empty subjects without spaces (wildcards * and > allowed), got ${JSON.stringify(o.subjects)}`);
  }
  const positive = (name: string, v: number | undefined, dflt: number): number => {
    const n = v ?? dflt;
    if (!Number.isInteger(n) || n < 1) throw new IllegalArgumentException(`${OP}: ${name} must be a positive integer, got ${String(v)}`);
    return n;
  };
  if (o.decode !== undefined && typeof o.decode !== "function") throw new IllegalArgumentException(`${OP}: decode must be a function (payload, subject) => data, got ${String(o.decode)}`);
  const decode: NatsMessageDecoder<T | string> = o.decode ?? utf8Text;
  return ssc.receiverStream(
    new NatsJetStreamReceiver(
      {
        servers,
        stream: o.stream,
        consumer: o.consumer,
        subjects,
        batchSize: positive("batchSize", o.batchSize, 1000),
        ackWaitMs: positive("ackWaitMs", o.ackWaitMs, 30_000),
      },
      decode,
      o.storageLevel ?? StorageLevel.MEMORY_AND_DISK_SER,
    ),
  );
}

/** Input streams from NATS JetStream, read through durable pull consumers. */
export const NatsUtils = { createJetStream };
