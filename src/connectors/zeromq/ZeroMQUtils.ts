import { IllegalArgumentException } from "../../core/errors.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { StreamingContext } from "../../streaming/StreamingContext.js";
import type { ReceiverInputDStream } from "../../streaming/dstream/ReceiverInputDStream.js";
import { ZeroMQReceiver, type BytesToObjects, type ZeroMQSocketKind } from "./ZeroMQReceiver.js";

/** A topic prefix to subscribe to: text (UTF-8) or bytes. An empty prefix subscribes to everything. */
export type Subscribe = string | Uint8Array | readonly (string | Uint8Array)[];

const TRANSPORTS = ["tcp", "ipc", "inproc", "pgm", "epgm"] as const;

/** Bahir's ZeroMQUtils: input streams from a ZeroMQ PUB (fan-out) or PUSH (work distribution) peer. */
export const ZeroMQUtils = {
  /**
   * A stream of the messages a ZeroMQ publisher sends on the `subscribe` topics. The receiver's
   * SUB socket connects to `publisherUrl`; the first frame of every message (the topic) is
   * skipped and the remaining frames go to `bytesToObjects`, as in Bahir.
   */
  createStream<T>(
    ssc: StreamingContext,
    publisherUrl: string,
    subscribe: Subscribe,
    bytesToObjects: BytesToObjects<T>,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
  ): ReceiverInputDStream<T> {
    return subStream("ZeroMQUtils.createStream", ssc, publisherUrl, subscribe, bytesToObjects, storageLevel);
  },

  /** `createStream` with each frame after the topic decoded as UTF-8 text (Bahir's createTextStream). */
  createTextStream(ssc: StreamingContext, publisherUrl: string, subscribe: Subscribe, storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER): ReceiverInputDStream<string> {
    return subStream("ZeroMQUtils.createTextStream", ssc, publisherUrl, subscribe, textFrames, storageLevel);
  },

  /**
   * A stream of the messages a ZeroMQ PUSH peer distributes: the receiver's PULL socket connects
   * to `url` and takes its fair share of the work. Every frame goes to `bytesToObjects` (PUSH has no topic).
   */
  createPullStream<T>(
    ssc: StreamingContext,
    url: string,
    bytesToObjects: BytesToObjects<T>,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
  ): ReceiverInputDStream<T> {
    return receiverStream("ZeroMQUtils.createPullStream", ssc, url, "pull", [], bytesToObjects, storageLevel);
  },

  /** Decodes every frame as UTF-8 text. */
  textFrames,
};

function subStream<T>(op: string, ssc: StreamingContext, url: string, subscribe: Subscribe, bytesToObjects: BytesToObjects<T>, storageLevel: StorageLevel): ReceiverInputDStream<T> {
  return receiverStream(op, ssc, url, "sub", topicBytes(op, subscribe), bytesToObjects, storageLevel);
}

function receiverStream<T>(
  op: string,
  ssc: StreamingContext,
  url: string,
  kind: ZeroMQSocketKind,
  topics: Uint8Array[],
  bytesToObjects: BytesToObjects<T>,
  storageLevel: StorageLevel,
): ReceiverInputDStream<T> {
  checkUrl(op, url);
  checkConverter(op, bytesToObjects);
  return ssc.receiverStream(new ZeroMQReceiver(url, kind, topics, bytesToObjects, storageLevel));
}

function textFrames(frames: Buffer[]): string[] {
  return frames.map((f) => f.toString("utf8"));
}

function checkUrl(op: string, url: unknown): asserts url is string {
  const fix = `give an endpoint such as tcp://127.0.0.1:5555 (transports: ${TRANSPORTS.join(", ")})`;
  if (typeof url !== "string") throw new IllegalArgumentException(`${op}: ZeroMQ endpoint must be a string, got ${String(url)}; ${fix}`);
  const m = /^([a-z]+):\/\/(.+)$/.exec(url);
  if (!m || !(TRANSPORTS as readonly string[]).includes(m[1]!)) throw new IllegalArgumentException(`${op}: malformed ZeroMQ endpoint "${url}"; ${fix}`);
  if (m[1] === "tcp" && !/^(\[[0-9a-fA-F:.]+\]|[^:\s/\[\]]+):\d{1,5}$/.test(m[2]!)) {
    throw new IllegalArgumentException(`${op}: ZeroMQ tcp endpoint "${url}" needs host:port; ${fix}`);
  }
  if (m[1] === "tcp") {
    const port = Number(m[2]!.slice(m[2]!.lastIndexOf(":") + 1));
    if (port < 1 || port > 65535) throw new IllegalArgumentException(`${op}: ZeroMQ tcp endpoint "${url}" has port ${port}, outside 1-65535; ${fix}`);
  }
}

function checkConverter(op: string, f: unknown): void {
  if (typeof f !== "function") throw new IllegalArgumentException(`${op}: bytesToObjects must be a function from a message's frames to records, got ${String(f)}; pass e.g. ZeroMQUtils.textFrames, or (frames) => frames.map((f) => f.toString("utf8"))`);
}

function topicBytes(op: string, subscribe: Subscribe): Uint8Array[] {
  const list = typeof subscribe === "string" || subscribe instanceof Uint8Array ? [subscribe] : subscribe;
  if (!Array.isArray(list)) throw new IllegalArgumentException(`${op}: subscribe must be a topic (string or bytes) or a list of topics, got ${String(subscribe)}; use "" to subscribe to every topic`);
  // A SUB socket with no subscription receives nothing at all: refuse it rather than wait forever.
  if (list.length === 0) throw new IllegalArgumentException(`${op}: subscribe lists no topic, so the SUB socket would receive nothing; use "" to subscribe to every topic`);
  return list.map((t) => {
    if (typeof t === "string") return Buffer.from(t, "utf8");
    if (t instanceof Uint8Array) return t;
    throw new IllegalArgumentException(`${op}: topic ${String(t)} is neither a string nor bytes; use "" to subscribe to every topic`);
  });
}
