import { IllegalArgumentException } from "../../core/errors.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { StreamingContext } from "../../streaming/StreamingContext.js";
import type { ReceiverInputDStream } from "../../streaming/dstream/ReceiverInputDStream.js";
import { RedisStreamReceiver } from "./RedisStreamReceiver.js";
import { requireRedisUrl } from "./requireRedisUrl.js";
import type { StreamEntry } from "./StreamEntry.js";

export interface RedisStreamOptions {
  /** redis://[user:password@]host:port[/db] */
  readonly url: string;
  /** The stream's key. */
  readonly key: string;
  readonly group: string;
  /** This receiver's consumer name; keep it across restarts so its pending entries are found again. */
  readonly consumer: string;
  /** Where a group the receiver creates starts: "0" (default, the whole stream) or "$" (only new entries). */
  readonly startId?: string;
  /** Create the stream when it does not exist (default false: a missing stream is an error). */
  readonly createStream?: boolean;
  /** Entries per XREADGROUP (default 1000). */
  readonly count?: number;
  /** Claim other consumers' pending entries idle this long, in ms (default 60000). */
  readonly claimIdleMs?: number;
  readonly storageLevel?: StorageLevel;
}

/** Input streams from Redis Streams consumer groups. */
export const RedisUtils = {
  createStream(ssc: StreamingContext, options: RedisStreamOptions): ReceiverInputDStream<StreamEntry> {
    const op = "RedisUtils.createStream";
    const o = options ?? ({} as RedisStreamOptions);
    requireRedisUrl(op, o.url);
    for (const name of ["key", "group", "consumer"] as const) {
      if (typeof o[name] !== "string" || o[name].length === 0) throw new IllegalArgumentException(`${op}: ${name} must be a non-empty string, got ${JSON.stringify(o[name])}`);
    }
    const count = o.count ?? 1000;
    if (!Number.isInteger(count) || count < 1) throw new IllegalArgumentException(`${op}: count must be a positive integer, got ${String(count)}`);
    const claimIdleMs = o.claimIdleMs ?? 60_000;
    if (!Number.isInteger(claimIdleMs) || claimIdleMs < 0) throw new IllegalArgumentException(`${op}: claimIdleMs must be a whole number of ms >= 0, got ${String(claimIdleMs)}`);
    return ssc.receiverStream(
      new RedisStreamReceiver(
        { url: o.url, key: o.key, group: o.group, consumer: o.consumer, startId: o.startId ?? "0", createStream: o.createStream ?? false, count, claimIdleMs },
        o.storageLevel ?? StorageLevel.MEMORY_AND_DISK_SER,
      ),
    );
  },
};
