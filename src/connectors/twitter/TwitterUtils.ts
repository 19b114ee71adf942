import { IllegalArgumentException } from "../../core/errors.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { StreamingContext } from "../../streaming/StreamingContext.js";
import type { ReceiverInputDStream } from "../../streaming/dstream/ReceiverInputDStream.js";
import { TwitterReceiver } from "./TwitterReceiver.js";
import type { Tweet } from "./Tweet.js";

/** X API v2 app-only authentication: a bearer token. */
export interface TwitterAuth {
  readonly bearerToken: string;
}

const DEFAULT_API_BASE = "https://api.x.com";

/** Bahir's TwitterUtils, on X API v2's filtered stream. */
export const TwitterUtils = {
  /**
   * A stream of the tweets matching `filters` (stream rules, e.g. `"#spark lang:en"`). `auth`
   * defaults to the `X_BEARER_TOKEN` environment variable. Settings: `spark.twitter.apiBase`
   * (default https://api.x.com), `spark.twitter.stallTimeoutMs` (20000),
   * `spark.twitter.backfillMinutes` (1, asked for on reconnect), `spark.twitter.reconnectDelayScale` (1).
   */
  createStream(ssc: StreamingContext, auth?: TwitterAuth, filters: readonly string[] = [], storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER): ReceiverInputDStream<Tweet> {
    const op = "TwitterUtils.createStream";
    const token = auth?.bearerToken ?? process.env.X_BEARER_TOKEN;
    if (typeof token !== "string" || token.trim() === "") {
      throw new IllegalArgumentException(`${op}: no bearer token (auth.bearerToken is ${auth === undefined ? "not given" : JSON.stringify(auth.bearerToken)} and X_BEARER_TOKEN is not set); pass { bearerToken } from your X developer app, or set X_BEARER_TOKEN`);
    }
    if (!Array.isArray(filters) || filters.some((f) => typeof f !== "string" || f.trim() === "")) {
      throw new IllegalArgumentException(`${op}: filters must be non-empty rule strings, got ${JSON.stringify(filters)}; pass rules such as ["#spark lang:en"], or none to keep the stream's rules as they are`);
    }
    const conf = ssc.conf;
    const apiBase = conf.get("spark.twitter.apiBase", DEFAULT_API_BASE).replace(/\/+$/, "");
    if (!/^https?:\/\/[^/\s]+/.test(apiBase)) throw new IllegalArgumentException(`${op}: spark.twitter.apiBase is "${apiBase}", not an http(s) URL; use e.g. ${DEFAULT_API_BASE}`);
    const number = (key: string, def: number): number => {
      const v = Number(conf.get(key, String(def)));
      if (!Number.isFinite(v) || v < 0) throw new IllegalArgumentException(`${op}: ${key} must be a non-negative number, got '${conf.get(key)}'; set it to 0 or more, or leave it unset for ${def}`);
      return v;
    };
    const receiver = new TwitterReceiver(
      {
        apiBase,
        bearerToken: token,
        filters,
        stallTimeoutMs: number("spark.twitter.stallTimeoutMs", 20_000),
        delayScale: number("spark.twitter.reconnectDelayScale", 1),
        backfillMinutes: number("spark.twitter.backfillMinutes", 1),
      },
      storageLevel,
    );
    return ssc.receiverStream(receiver);
  },
};
