import { logger } from "../../core/log.js";
import type { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { StreamingContext } from "../StreamingContext.js";
import type { Clock } from "../util/Clock.js";
import type { ReceiverInfo } from "../scheduler/StreamingListener.js";
import type { Receiver } from "./Receiver.js";
import type { ReceivedBlock, StoredBlock } from "./ReceivedBlock.js";
import type { ReceivedBlockHandler } from "./ReceivedBlockHandler.js";
import type { ReceivedBlockTracker } from "./ReceivedBlockTracker.js";
import { receivedBlockStorage } from "../wal/receivedBlockStorage.js";
import { blockIntervalMs } from "../streamingConf.js";
import { rateLimiterSettings, type RateLimiterSettings } from "./RateLimiter.js";
import { isResumed } from "../checkpoint/ResumedContexts.js";
import { ReceiverSupervisor, errorText, type ReceiverSupervisorHost } from "./ReceiverSupervisor.js";

/** What the tracker needs of a receiver input stream. */
export interface ReceiverStream<T> {
  readonly id: number;
  readonly name: string;
  /** Undefined when no output operation reads the stream. */
  readonly zeroTime: unknown;
  getReceiver(): Receiver<T>;
}

const trackers = new WeakMap<StreamingContext, ReceiverTracker>();

/**
 * The driver's registry of a context's receivers (Spark's ReceiverTracker): it starts and stops
 * their supervisors, keeps each receiver's status and posts it to streaming listeners, and
 * owns the blocks they store until batches take them.
 */
export class ReceiverTracker implements ReceiverSupervisorHost {
  readonly clock: Clock;
  readonly blockIntervalMs: number;
  readonly restartDelayMs: number;
  readonly rateLimiterSettings: RateLimiterSettings;
  private readonly blocks: ReceivedBlockTracker;
  private readonly handler: ReceivedBlockHandler;
  private readonly supervisors = new Map<number, ReceiverSupervisor<unknown>>();
  private readonly infos = new Map<number, ReceiverInfo>();
  private readonly location: string;
  private nextBlock = 0;
  /** Blocks whose asynchronous store (the write-ahead log) has not finished. */
  private storing = 0;

  private constructor(private readonly ssc: StreamingContext) {
    const conf = ssc.conf;
    this.clock = ssc.clock;
    this.blockIntervalMs = blockIntervalMs(conf);
    this.restartDelayMs = conf.getInt("spark.streaming.receiverRestartDelay", 2000);
    this.location = conf.get("spark.driver.host", "localhost");
    this.rateLimiterSettings = rateLimiterSettings(conf);
    // In memory, or also in the write-ahead log (recovered first when the context was resumed).
    const storage = receivedBlockStorage({ conf, checkpointDir: ssc.checkpointDir, resumed: isResumed(ssc) });
    this.handler = storage.handler;
    this.blocks = storage.tracker;
    this.nextBlock = storage.nextBlockId;
  }

  static of(ssc: StreamingContext): ReceiverTracker {
    let t = trackers.get(ssc);
    if (!t) trackers.set(ssc, (t = new ReceiverTracker(ssc)));
    return t;
  }

  startReceiver<T>(stream: ReceiverStream<T>): void {
    if (this.supervisors.has(stream.id)) return;
    if (stream.zeroTime === undefined) {
      logger().warn(`${stream.name} is not used by any output operation: its receiver runs, but what it receives is discarded`);
      this.blocks.ignoreStream(stream.id);
    }
    const supervisor = new ReceiverSupervisor<T>(stream.getReceiver(), stream.id, this);
    this.supervisors.set(stream.id, supervisor as ReceiverSupervisor<unknown>);
    supervisor.start();
  }

  /** Stops a stream's receiver but keeps its blocks for the batches still to take them (graceful stop). */
  async stopReceiving(streamId: number): Promise<void> {
    await this.supervisors.get(streamId)?.stop("Stopped by driver");
  }

  /** Whether some receiver stored blocks that no batch has taken yet (or is still storing one). */
  hasUnallocatedBlocks(): boolean {
    if (this.storing > 0) return true;
    for (const id of this.supervisors.keys()) if (this.blocks.unallocatedBlocks(id).length > 0) return true;
    return false;
  }

  async stopReceiver(streamId: number): Promise<void> {
    const s = this.supervisors.get(streamId);
    if (!s) return;
    await s.stop("Stopped by driver");
    this.supervisors.delete(streamId);
    if (this.supervisors.size === 0) {
      this.handler.removeBlocks(this.blocks.clear());
      this.handler.stop();
      trackers.delete(this.ssc);
    }
  }

  /** The blocks of the batch at `batchTime` (allocated on first request), after cutting every block due by then. */
  allocateBlocks(streamId: number, batchTime: number): StoredBlock[] {
    this.supervisors.get(streamId)?.flushUpTo(batchTime);
    return this.blocks.allocateBlocksToBatch(streamId, batchTime);
  }

  /** Frees the blocks of batches before `threshold`. */
  cleanupOldBlocks(streamId: number, threshold: number): void {
    this.handler.removeBlocks(this.blocks.cleanupOldBatches(streamId, threshold));
  }

  /** Spark's `sendRateUpdate`: a rate controller's estimate for one stream's receiver. */
  sendRateUpdate(streamId: number, rate: number): void {
    this.supervisors.get(streamId)?.updateRateLimit(rate);
  }

  /** The stream's receiver's current rate limit in records per second (Infinity: none). */
  currentRateLimit(streamId: number): number | undefined {
    return this.supervisors.get(streamId)?.rateLimiter.getCurrentLimit();
  }

  receivedRecords(streamId: number): number {
    return this.supervisors.get(streamId)?.receivedRecords ?? 0;
  }

  receiverInfo(streamId: number): ReceiverInfo | undefined {
    const info = this.infos.get(streamId);
    return info && { ...info };
  }

  storeBlock(block: ReceivedBlock, level: StorageLevel): void | Promise<void> {
    const id = `input-${block.streamId}-${this.nextBlock++}`;
    const stored = this.handler.storeBlock(block, id, level);
    const add = (b: StoredBlock): void => {
      if (!this.blocks.addBlock(b, block.recordIds)) this.handler.removeBlocks([b]);
    };
    if (stored instanceof Promise) {
      this.storing++;
      return stored.then(add).finally(() => this.storing--);
    }
    add(stored);
  }

  hasRecordId(streamId: number, recordId: string): boolean {
    return this.blocks.hasRecordId(streamId, recordId);
  }

  receiverStarted(streamId: number): void {
    const s = this.supervisors.get(streamId);
    // A (re)started receiver registers afresh, so its status carries no earlier error, as in Spark.
    const info: ReceiverInfo = {
      streamId,
      name: `${s?.receiver.constructor.name ?? "Receiver"}-${streamId}`,
      active: true,
      location: this.location,
      executorId: "driver",
      lastErrorMessage: "",
      lastError: "",
      lastErrorTime: -1,
    };
    this.infos.set(streamId, info);
    logger().info(`Registered receiver for stream ${streamId}`);
    this.ssc.listenerBus.post("onReceiverStarted", { receiverInfo: { ...info } });
  }

  receiverError(streamId: number, message: string, error: unknown): void {
    const info = this.update(streamId, { lastErrorMessage: message, lastError: errorText(error), lastErrorTime: this.clock.getTimeMillis() });
    this.ssc.listenerBus.post("onReceiverError", { receiverInfo: info });
  }

  receiverStopped(streamId: number, message: string, error: unknown): void {
    const lastError = errorText(error);
    const info = this.update(streamId, { active: false, lastErrorMessage: message, lastError, lastErrorTime: lastError ? this.clock.getTimeMillis() : -1 });
    logger().info(`Deregistered receiver for stream ${streamId}: ${message}${lastError ? ` - ${lastError}` : ""}`);
    this.ssc.listenerBus.post("onReceiverStopped", { receiverInfo: info });
  }

  private update(streamId: number, change: Partial<ReceiverInfo>): ReceiverInfo {
    const s = this.supervisors.get(streamId);
    const base: ReceiverInfo = this.infos.get(streamId) ?? {
      streamId,
      name: `${s?.receiver.constructor.name ?? "Receiver"}-${streamId}`,
      active: false,
      location: this.location,
      executorId: "driver",
      lastErrorMessage: "",
      lastError: "",
      lastErrorTime: -1,
    };
    const info = { ...base, ...change };
    this.infos.set(streamId, info);
    return { ...info };
  }
}
