import { createHash } from "node:crypto";
import { IllegalArgumentException } from "../../core/errors.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { StreamingContext } from "../../streaming/StreamingContext.js";
import type { ReceiverInputDStream } from "../../streaming/dstream/ReceiverInputDStream.js";
import { MQTTReceiver, utf8Text, type MQTTMessageDecoder, type QoS } from "./MQTTReceiver.js";

/** Bahir's createStream parameters after the topic, as one object; every field is optional. */
export interface MQTTOptions {
  /** Subscription QoS (default 1: at least once, acknowledged after storing). */
  readonly qos?: QoS;
  /**
   * The MQTT client id. A persistent session is found again by it, so it must stay the same
   * across restarts; the default is derived from the broker URL and the topics.
   */
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  /** false (the default): the broker keeps the session and unacknowledged messages while we are away. */
  readonly cleanSession?: boolean;
  /** Seconds (default 30). */
  readonly connectionTimeout?: number;
  /** Seconds (default 60). */
  readonly keepAliveInterval?: number;
  /** How long the broker keeps a persistent session after we disconnect, in seconds (default: never expires). */
  readonly sessionExpiryInterval?: number;
  readonly storageLevel?: StorageLevel;
}

const SCHEMES = ["mqtt", "mqtts", "tcp", "ssl", "ws", "wss"];

/** Bahir's MQTTUtils: input streams of the messages an MQTT broker delivers on topic filters. */
export const MQTTUtils = {
  /** A stream of the messages' payloads as UTF-8 text, from the topics (filters may use `+` and `#`). */
  createStream(ssc: StreamingContext, brokerUrl: string, topics: string | readonly string[], options?: MQTTOptions): ReceiverInputDStream<string> {
    return stream("MQTTUtils.createStream", ssc, brokerUrl, topics, utf8Text, options);
  },

  /** `[topic, payload as UTF-8 text]` pairs (Bahir's createPairedStream). */
  createPairedStream(ssc: StreamingContext, brokerUrl: string, topics: string | readonly string[], options?: MQTTOptions): ReceiverInputDStream<[string, string]> {
    return stream("MQTTUtils.createPairedStream", ssc, brokerUrl, topics, (p, t) => [t, utf8Text(p)] as [string, string], options);
  },

  /** Each message turned into a record by `decode`; a message it throws on is reported and skipped. */
  createMessageStream<T>(
    ssc: StreamingContext,
    brokerUrl: string,
    topics: string | readonly string[],
    decode: MQTTMessageDecoder<T>,
    options?: MQTTOptions,
  ): ReceiverInputDStream<T> {
    if (typeof decode !== "function") throw new IllegalArgumentException(`MQTTUtils.createMessageStream: decode must be a function (payload, topic) => record, got ${String(decode)}`);
    return stream("MQTTUtils.createMessageStream", ssc, brokerUrl, topics, decode, options);
  },
};

function stream<T>(
  op: string,
  ssc: StreamingContext,
  brokerUrl: string,
  topicArg: string | readonly string[],
  decode: MQTTMessageDecoder<T>,
  options: MQTTOptions = {},
): ReceiverInputDStream<T> {
  checkUrl(op, brokerUrl);
  const topics = checkTopics(op, topicArg);
  const qos = options.qos ?? 1;
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new IllegalArgumentException(`${op}: qos must be 0, 1 or 2, got ${String(qos)}`);
  const clientId = options.clientId ?? `dstream-${createHash("sha256").update(`${brokerUrl}\n${topics.join("\n")}`).digest("hex").slice(0, 16)}`;
  if (typeof clientId !== "string" || clientId.length === 0 || Buffer.byteLength(clientId) > 65535) {
    throw new IllegalArgumentException(`${op}: clientId must be a non-empty string of at most 65535 bytes, got ${String(clientId)}`);
  }
  const seconds = (name: keyof MQTTOptions, v: number | undefined, dflt: number): number => {
    const n = v ?? dflt;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new IllegalArgumentException(`${op}: ${name} must be a whole number of seconds >= 0, got ${String(v)}`);
    return n;
  };
  const receiver = new MQTTReceiver(
    {
      brokerUrl,
      topics,
      qos,
      clientId,
      cleanSession: options.cleanSession ?? false,
      ...(options.username === undefined ? {} : { username: options.username }),
      ...(options.password === undefined ? {} : { password: options.password }),
      connectTimeoutMs: seconds("connectionTimeout", options.connectionTimeout, 30) * 1000,
      keepAliveSec: seconds("keepAliveInterval", options.keepAliveInterval, 60),
      sessionExpirySec: seconds("sessionExpiryInterval", options.sessionExpiryInterval, 0xffffffff),
    },
    decode,
    options.storageLevel ?? StorageLevel.MEMORY_AND_DISK_SER,
  );
  return ssc.receiverStream(receiver);
}

function checkUrl(op: string, url: unknown): void {
  const fix = `give the broker as ${SCHEMES.map((s) => `${s}://`).join(", ")} host:port, e.g. mqtt://127.0.0.1:1883`;
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || !SCHEMES.includes(parsed.protocol.slice(0, -1)) || parsed.hostname === "") {
    throw new IllegalArgumentException(`${op}: malformed MQTT broker URL ${JSON.stringify(url)}; ${fix}`);
  }
}

/** MQTT's topic filter rules: `+` is a whole level, `#` the whole last level. */
function checkTopics(op: string, topics: unknown): string[] {
  const list = typeof topics === "string" ? [topics] : topics;
  if (!Array.isArray(list) || list.length === 0) throw new IllegalArgumentException(`${op}: give at least one topic filter, got ${JSON.stringify(topics)}`);
  return list.map((t: unknown) => {
    if (typeof t !== "string" || t.length === 0) throw new IllegalArgumentException(`${op}: topic filter ${JSON.stringify(t)} must be a non-empty string`);
    const levels = t.split("/");
    levels.forEach((level, i) => {
      if ((level.includes("+") && level !== "+") || (level.includes("#") && (level !== "#" || i !== levels.length - 1))) {
        throw new IllegalArgumentException(`${op}: invalid topic filter "${t}": "+" must be a whole level and "#" the whole last level (e.g. sensors/+/temperature, sensors/#)`);
      }
    });
    return t;
  });
}
