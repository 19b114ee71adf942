import { createClient } from "redis";
import { IllegalArgumentException } from "../../core/errors.js";
import { urlWithoutPassword as redact } from "../../core/util/urlWithoutPassword.js";
import type { DStream } from "../../streaming/dstream/DStream.js";
import type { Time } from "../../streaming/Time.js";
import { requireRedisUrl } from "./requireRedisUrl.js";

/** HSET key field value: each record is a [field, value] pair. */
export interface RedisHashMode {
  readonly type: "hash";
  readonly key: string;
}
/** ZADD key score member, then keep only the `topN` highest scores: each record is a [member, score] pair. */
export interface RedisSortedSetMode {
  readonly type: "sortedSet";
  readonly key: string;
  readonly topN?: number;
}
/** XADD key [MAXLEN = maxLen] * field value ...: each record is an object of string fields. */
export interface RedisStreamMode {
  readonly type: "stream";
  readonly key: string;
  readonly maxLen?: number;
}
export type RedisSinkMode = RedisHashMode | RedisSortedSetMode | RedisStreamMode;

export interface RedisSinkOptions {
  /** redis://[user:password@]host:port[/db] */
  readonly url: string;
  /** Names this output in the batch markers; keep it across restarts so replayed batches are recognised. */
  readonly queryId: string;
  readonly mode: RedisSinkMode;
  /** Prefix of the marker keys (default "dstream:sink"). */
  readonly markerPrefix?: string;
  /** Seconds a marker lives (default 7 days); a batch replayed after that would be written again. */
  readonly markerTtlSeconds?: number;
}

export type RedisSinkRecord = readonly [string, string | number] | readonly [string, number] | Readonly<Record<string, string>>;

/**
 * The writes of one (query, batch time, partition) and its marker run in one Lua script, which
 * Redis executes atomically: if the marker exists the batch was written before (a replay after
 * recovery) and nothing is written again, otherwise the writes and the marker land together.
 */
const SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local ops = cjson.decode(ARGV[1])
for i = 1, #ops do redis.call(unpack(ops[i])) end
redis.call('SET', KEYS[1], '1', 'EX', tonumber(ARGV[2]))
return 1
`;

type Client = ReturnType<typeof createClient>;
type Command = string[];

/** An error whose message already names the sink, the value and the fix. */
export class RedisSinkError extends Error {}

/** Writes each batch of a DStream to Redis once, even when recovery replays the batch. */
export class RedisSink {
  private client: Client | undefined;
  /** Batches written / skipped as replays, for tests and the curious. */
  written = 0;
  skipped = 0;

  private constructor(readonly options: Required<RedisSinkOptions>) {}

  /**
   * Writes every batch of `dstream` in `options.mode`. Partitions are written from the driver,
   * through one client reused across batches; a batch whose write fails (server down) fails, and
   * is retried by the scheduler, never skipped.
   */
  static write<T extends RedisSinkRecord>(dstream: DStream<T>, options: RedisSinkOptions): RedisSink {
    const sink = RedisSink.create(options);
    dstream.foreachRDD(async (rdd, time) => {
      const partitions = await rdd.glom().collect();
      for (let p = 0; p < partitions.length; p++) await sink.writePartition(time, p, partitions[p] as T[]);
    });
    return sink;
  }

  /** A sink not attached to a stream, for writing partitions from your own foreachRDD. */
  static create(options: RedisSinkOptions): RedisSink {
    return new RedisSink(validate(options));
  }

  /** Writes one partition of one batch unless its marker says it was written already. */
  async writePartition(time: Time, partition: number, records: readonly RedisSinkRecord[]): Promise<boolean> {
    const o = this.options;
    const ops = records.map((r) => toCommand(o.mode, r));
    if (o.mode.type === "sortedSet" && o.mode.topN !== undefined && ops.length > 0) ops.push(["ZREMRANGEBYRANK", o.mode.key, "0", String(-(o.mode.topN + 1))]);
    const marker = `${o.markerPrefix}:${o.queryId}:${time.milliseconds}:${partition}`;
    const client = await this.connected();
    let done: unknown;
    try {
      done = await client.eval(SCRIPT, { keys: [marker, o.mode.key], arguments: [JSON.stringify(ops), String(o.markerTtlSeconds)] });
    } catch (e) {
      const msg = (e as Error).message;
      if (/WRONGTYPE/.test(msg)) throw new RedisSinkError(`RedisSink: key "${o.mode.key}" at ${redact(o.url)} holds another type than a ${o.mode.type} (${msg}); give another key or delete it`);
      this.drop();
      throw new RedisSinkError(`RedisSink: writing batch ${time.milliseconds} partition ${partition} to ${redact(o.url)} failed: ${msg}; the batch will be retried`);
    }
    if (Number(done) === 1) this.written++;
    else this.skipped++;
    return Number(done) === 1;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c?.isOpen) await c.quit().catch(() => c.destroy());
  }

  private async connected(): Promise<Client> {
    if (this.client?.isReady) return this.client;
    this.drop();
    const client = createClient({ url: this.options.url, socket: { reconnectStrategy: false, connectTimeout: 10_000 } });
    client.on("error", () => undefined);
    try {
      await client.connect();
    } catch (e) {
      const msg = (e as Error).message || String(e);
      const fix = /WRONGPASS|NOAUTH|auth/i.test(msg) ? "check the user and password in the URL" : "start the server (bash scripts/services.sh start redis) or fix the URL";
      throw new RedisSinkError(`RedisSink: cannot connect to ${redact(this.options.url)}: ${msg}; ${fix}`);
    }
    // The client lives as long as the sink, which has no stop of its own: it must not keep the process alive.
    client.unref();
    this.client = client;
    return client;
  }

  private drop(): void {
    const c = this.client;
    this.client = undefined;
    if (c?.isOpen) c.destroy();
  }
}

function toCommand(mode: RedisSinkMode, r: RedisSinkRecord): Command {
  const bad = (want: string): never => {
    throw new RedisSinkError(`RedisSink (${mode.type} "${mode.key}"): record ${safeJson(r)} is not ${want}; map the stream to that shape before the sink`);
  };
  switch (mode.type) {
    case "hash": {
      if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== "string" || (typeof r[1] !== "string" && typeof r[1] !== "number")) return bad("a [field, value] pair of a string and a string or number");
      return ["HSET", mode.key, r[0] as string, String(r[1])];
    }
    case "sortedSet": {
      if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== "string" || typeof r[1] !== "number" || !Number.isFinite(r[1])) return bad("a [member, score] pair of a string and a finite number");
      return ["ZADD", mode.key, String(r[1]), r[0] as string];
    }
    case "stream": {
      if (r === null || typeof r !== "object" || Array.isArray(r)) return bad("an object of string fields");
      const entries = Object.entries(r as Record<string, unknown>);
      if (entries.length === 0 || entries.some(([, v]) => typeof v !== "string")) return bad("a non-empty object of string fields");
      const cap = mode.maxLen === undefined ? [] : ["MAXLEN", "=", String(mode.maxLen)];
      return ["XADD", mode.key, ...cap, "*", ...entries.flat() as string[]];
    }
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function validate(options: RedisSinkOptions): Required<RedisSinkOptions> {
  const op = "RedisSink.write";
  const o = options ?? ({} as RedisSinkOptions);
  requireRedisUrl(op, o.url);
  if (typeof o.queryId !== "string" || o.queryId.length === 0) throw new IllegalArgumentException(`${op}: queryId must be a non-empty string, got ${JSON.stringify(o.queryId)}`);
  const m = o.mode;
  if (!m || !["hash", "sortedSet", "stream"].includes(m.type)) throw new IllegalArgumentException(`${op}: mode.type must be "hash", "sortedSet" or "stream", got ${safeJson(m?.type)}`);
  if (typeof m.key !== "string" || m.key.length === 0) throw new IllegalArgumentException(`${op}: mode.key must be a non-empty string, got ${safeJson(m.key)}`);
  const positive = (name: string, v: number | undefined): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new IllegalArgumentException(`${op}: ${name} must be a positive integer, got ${String(v)}`);
  };
  if (m.type === "sortedSet") positive("mode.topN", m.topN);
  if (m.type === "stream") positive("mode.maxLen", m.maxLen);
  positive("markerTtlSeconds", o.markerTtlSeconds);
  return { url: o.url, queryId: o.queryId, mode: m, markerPrefix: o.markerPrefix ?? "dstream:sink", markerTtlSeconds: o.markerTtlSeconds ?? 7 * 24 * 3600 };
}
