/** dstream's Redis connector: Streams read with XREADGROUP (XACK after storing), and a sink writing each batch once. */
export { RedisUtils, type RedisStreamOptions } from "./RedisUtils.js";
export { RedisStreamReceiver, type RedisStreamReceiverConfig } from "./RedisStreamReceiver.js";
export type { StreamEntry } from "./StreamEntry.js";
export { RedisSink, RedisSinkError, type RedisSinkOptions, type RedisSinkMode, type RedisHashMode, type RedisSortedSetMode, type RedisStreamMode, type RedisSinkRecord } from "./RedisSink.js";
