import { IllegalArgumentException } from "../../core/errors.js";
import { callSite } from "../../core/rdd/callSite.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { StreamingContext } from "../../streaming/StreamingContext.js";
import type { ReceiverInputDStream } from "../../streaming/dstream/ReceiverInputDStream.js";
import { FlumeInputDStream } from "./FlumeInputDStream.js";
import { FlumePollingInputDStream } from "./FlumePollingInputDStream.js";
import type { FlumeAddress } from "./FlumePollingReceiver.js";
import type { SparkFlumeEvent } from "./SparkFlumeEvent.js";

/** Spark's defaults (FlumeUtils.DEFAULT_POLLING_BATCH_SIZE and DEFAULT_POLLING_PARALLELISM). */
const DEFAULT_POLLING_BATCH_SIZE = 1000;
const DEFAULT_POLLING_PARALLELISM = 5;

/**
 * Spark's FlumeUtils: input streams of Flume events.
 *
 * - `createStream`, the push model: this application runs an Avro-RPC server on host:port and a
 *   Flume agent's Avro sink sends to it.
 * - `createPollingStream`, the pull model: Spark's SparkSink runs inside the agent and this
 *   application asks it for batches, acknowledging each once stored.
 *
 * Spark's default storage level is MEMORY_AND_DISK_SER_2; dstream runs on one machine and has no
 * replicated levels, so the default is MEMORY_AND_DISK_SER. Enable the receivers' write-ahead log
 * (`spark.streaming.receiver.writeAheadLog.enable`) for data to survive a crash of the driver.
 */
export class FlumeUtils {
  private constructor() {}

  static createStream(ssc: StreamingContext, hostname: string, port: number, storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER, enableDecompression = false): ReceiverInputDStream<SparkFlumeEvent> {
    checkAddress("FlumeUtils.createStream", { host: hostname, port });
    checkLevel("FlumeUtils.createStream", storageLevel);
    if (typeof enableDecompression !== "boolean") throw new TypeError(`FlumeUtils.createStream: enableDecompression must be true or false, got ${String(enableDecompression)}`);
    const stream = new FlumeInputDStream(ssc, hostname, port, storageLevel, enableDecompression);
    stream.creationSite = callSite("createStream");
    return stream;
  }

  /**
   * The pull model, from one SparkSink at hostname:port or from several `addresses` (Spark's two
   * overloads). `maxBatchSize` and `parallelism` default to Spark's 1000 and 5.
   */
  static createPollingStream(ssc: StreamingContext, hostname: string, port: number, storageLevel?: StorageLevel): ReceiverInputDStream<SparkFlumeEvent>;
  static createPollingStream(
    ssc: StreamingContext,
    addresses: ReadonlyArray<FlumeAddress | string>,
    storageLevel?: StorageLevel,
    maxBatchSize?: number,
    parallelism?: number,
  ): ReceiverInputDStream<SparkFlumeEvent>;
  static createPollingStream(
    ssc: StreamingContext,
    addressesOrHost: ReadonlyArray<FlumeAddress | string> | string,
    levelOrPort?: StorageLevel | number,
    batchSizeOrLevel?: number | StorageLevel,
    parallelism: number = DEFAULT_POLLING_PARALLELISM,
  ): ReceiverInputDStream<SparkFlumeEvent> {
    const op = "FlumeUtils.createPollingStream";
    let addresses: ReadonlyArray<FlumeAddress | string>;
    let storageLevel: StorageLevel;
    let maxBatchSize: number;
    if (typeof addressesOrHost === "string") {
      if (typeof levelOrPort !== "number") throw new IllegalArgumentException(`${op}: with a hostname (${JSON.stringify(addressesOrHost)}), the next argument is the SparkSink's port, got ${String(levelOrPort)}`);
      addresses = [{ host: addressesOrHost, port: levelOrPort }];
      storageLevel = (batchSizeOrLevel as StorageLevel | undefined) ?? StorageLevel.MEMORY_AND_DISK_SER;
      maxBatchSize = DEFAULT_POLLING_BATCH_SIZE;
    } else {
      addresses = addressesOrHost;
      storageLevel = (levelOrPort as StorageLevel | undefined) ?? StorageLevel.MEMORY_AND_DISK_SER;
      maxBatchSize = (batchSizeOrLevel as number | undefined) ?? DEFAULT_POLLING_BATCH_SIZE;
    }
    if (!Array.isArray(addresses) || addresses.length === 0) {
      throw new IllegalArgumentException(`${op}: addresses must be a non-empty array of SparkSink addresses such as [{ host: "127.0.0.1", port: 41415 }] or ["127.0.0.1:41415"], got ${JSON.stringify(addresses)}`);
    }
    const parsed = addresses.map((a) => parseAddress(op, a));
    checkLevel(op, storageLevel);
    checkPositive(op, "maxBatchSize", maxBatchSize);
    checkPositive(op, "parallelism", parallelism);
    const stream = new FlumePollingInputDStream(ssc, parsed, storageLevel, maxBatchSize, parallelism);
    stream.creationSite = callSite("createPollingStream");
    return stream;
  }
}

function parseAddress(op: string, a: FlumeAddress | string): FlumeAddress {
  if (typeof a === "string") {
    const m = /^(.+):(\d+)$/.exec(a);
    if (!m) throw new IllegalArgumentException(`${op}: address ${JSON.stringify(a)} is not host:port; write it as "127.0.0.1:41415"`);
    const parsed = { host: m[1]!.replace(/^\[(.*)\]$/, "$1"), port: Number(m[2]) };
    checkAddress(op, parsed);
    return parsed;
  }
  if (a === null || typeof a !== "object") throw new IllegalArgumentException(`${op}: address ${String(a)} is neither { host, port } nor "host:port"`);
  checkAddress(op, a);
  return { host: a.host, port: a.port };
}

function checkAddress(op: string, a: FlumeAddress): void {
  if (typeof a.host !== "string" || a.host.length === 0) throw new TypeError(`${op}: hostname must be a non-empty string, got ${String(a.host)}`);
  if (typeof a.port !== "number" || !Number.isInteger(a.port) || a.port < 1 || a.port > 65535) {
    throw new IllegalArgumentException(`${op}: port must be an integer from 1 to 65535, got ${String(a.port)} (for ${a.host})`);
  }
}

function checkLevel(op: string, level: StorageLevel): void {
  if (!(level instanceof StorageLevel)) throw new TypeError(`${op}: storageLevel must be a StorageLevel, got ${String(level)}`);
}

function checkPositive(op: string, name: string, n: number): void {
  if (typeof n !== "number" || !Number.isInteger(n) || n <= 0) throw new IllegalArgumentException(`${op}: ${name} must be a positive integer, got ${String(n)}`);
}
