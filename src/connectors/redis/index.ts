/** dstream's Redis Streams connector: a consumer group read with XREADGROUP, XACK after storing. */
export { RedisUtils, type RedisStreamOptions } from "./RedisUtils.js";
export { RedisStreamReceiver, type RedisStreamReceiverConfig } from "./RedisStreamReceiver.js";
export type { StreamEntry } from "./StreamEntry.js";
