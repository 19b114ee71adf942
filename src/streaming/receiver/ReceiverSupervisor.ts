import { IllegalArgumentException, SparkException } from "../../core/errors.js";
import { logger } from "../../core/log.js";
import type { StorageLevel } from "../../core/storage/StorageLevel.js";
import { packRecords } from "../../core/serialization/blockCodec.js";
import type { Clock } from "../util/Clock.js";
import type { Receiver, UniqueStoreResult } from "./Receiver.js";
import type { ReceivedBlock } from "./ReceivedBlock.js";
import { BlockGenerator } from "./BlockGenerator.js";
import { LineBlockGenerator } from "./LineBlockGenerator.js";
import { BlockIntervalTimer } from "./BlockIntervalTimer.js";
import { RateLimiter, type RateLimiterSettings } from "./RateLimiter.js";

/** What a supervisor needs from the receiver tracker that owns it. */
export interface ReceiverSupervisorHost {
  readonly clock: Clock;
  readonly blockIntervalMs: number;
  readonly restartDelayMs: number;
  /** Where each receiver's rate limit starts (maxRate, initialRate). */
  readonly rateLimiterSettings: RateLimiterSettings;
  /** Stores a block and hands it to the block tracker; a promise when storing is asynchronous. */
  storeBlock(block: ReceivedBlock, level: StorageLevel): void | Promise<void>;
  /** Whether a block still held for the stream (recovered from the write-ahead log included) has a record with this id. */
  hasRecordId(streamId: number, recordId: string): boolean;
  receiverStarted(streamId: number): void;
  receiverError(streamId: number, message: string, error: unknown): void;
  receiverStopped(streamId: number, message: string, error: unknown): void;
}

type ReceiverState = "Initialized" | "Started" | "Stopped";

/**
 * Runs one receiver on the driver (Spark's ReceiverSupervisor): starts it, restarts it after a
 * delay when it asks, stops it, and turns what it stores into blocks. A restart stops and starts
 * the receiver only; its block generators and the data they hold carry on.
 */
export class ReceiverSupervisor<T> {
  private state: ReceiverState = "Initialized";
  private supervisorStopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarting = false;
  private stopping: Promise<void> | undefined;
  private readonly records: BlockGenerator<T>;
  private readonly lines: LineBlockGenerator;
  private readonly timer: BlockIntervalTimer;
  private received = 0;
  /** The receiver's rate limit; the rate controller moves it under backpressure. */
  readonly rateLimiter: RateLimiter;
  /** Ids of records in blocks being stored, which the tracker does not hold yet. */
  private readonly storingIds = new Map<string, Promise<void>>();
  /** Set once the final blocks are cut: data stored during onStop still counts, later data cannot. */
  private closed = false;

  constructor(
    readonly receiver: Receiver<T>,
    readonly streamId: number,
    private readonly host: ReceiverSupervisorHost,
  ) {
    receiver.attachSupervisor(this);
    this.records = new BlockGenerator<T>(streamId, host.clock);
    this.lines = new LineBlockGenerator(streamId, host.clock);
    this.timer = new BlockIntervalTimer(host.clock, host.blockIntervalMs, () => this.cutBlocks());
    this.rateLimiter = new RateLimiter(host.rateLimiterSettings);
  }

  /** Spark's `updateRateLimit`: the rate controller's new estimate for this receiver. */
  updateRateLimit(eps: number): void {
    this.rateLimiter.updateRate(eps);
  }

  /** Stopped for good: the receiver may be given to another stream. */
  get finished(): boolean {
    return this.supervisorStopped;
  }

  get defaultRestartDelayMs(): number {
    return this.host.restartDelayMs;
  }

  /** Records stored so far, including those waiting for their block to be cut. */
  get receivedRecords(): number {
    return this.received;
  }

  start(): void {
    this.timer.start();
    this.startReceiver();
  }

  private startReceiver(): void {
    if (this.supervisorStopped) return;
    this.state = "Started";
    this.host.receiverStarted(this.streamId);
    const failed = (e: unknown): void => {
      void this.stop(`Error starting receiver ${this.streamId}`, e);
    };
    try {
      const r = this.receiver.onStart();
      if (r instanceof Promise) r.catch(failed);
    } catch (e) {
      failed(e);
    }
  }

  private async stopReceiver(message: string, error: unknown): Promise<void> {
    if (this.state !== "Started") return;
    this.state = "Stopped";
    try {
      await this.receiver.onStop();
    } catch (e) {
      logger().error({ err: errorText(e) }, `Error stopping receiver ${this.streamId}`);
    }
    this.host.receiverStopped(this.streamId, message, error);
  }

  /** Stops, waits `delayMs`, starts again. A restart already under way absorbs later requests. */
  restartReceiver(message: string, error?: unknown, delayMs: number = this.host.restartDelayMs): void {
    if (this.supervisorStopped || this.restarting) return;
    this.restarting = true;
    const delay = Math.max(0, delayMs);
    // One line per restart: a reconnecting receiver may restart often, and listeners get the stack.
    logger().warn(`Restarting receiver ${this.streamId} with delay ${delay} ms: ${message}${error === undefined ? "" : ` - ${briefError(error)}`}`);
    if (error !== undefined) this.host.receiverError(this.streamId, message, error);
    const dropped = this.lines.discardPartialLine();
    if (dropped > 0) logger().warn(`Receiver ${this.streamId}: dropped ${dropped} bytes of an unterminated line from the connection being restarted`);
    void this.stopReceiver(`Restarting receiver with delay ${delay}ms: ${message}`, error).then(() => {
      if (this.supervisorStopped) return;
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.restarting = false;
        this.startReceiver();
      }, delay);
    });
  }

  /** Stops the receiver for good; what it stored still becomes blocks. */
  stop(message: string, error?: unknown): Promise<void> {
    if (this.stopping) return this.stopping;
    this.supervisorStopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.stopping = (async () => {
      if (error !== undefined) {
        logger().error({ err: errorText(error) }, `Receiver ${this.streamId}: ${message}`);
        this.host.receiverError(this.streamId, message, error);
      }
      await this.stopReceiver(message, error);
      this.timer.stop();
      this.received += this.lines.finish();
      this.cutBlocks();
      this.closed = true;
    })();
    return this.stopping;
  }

  reportError(message: string, error?: unknown): void {
    logger().warn(error === undefined ? {} : { err: errorText(error) }, `Error reported by receiver for stream ${this.streamId}: ${message}`);
    this.host.receiverError(this.streamId, message, error);
  }

  isReceiverStarted(): boolean {
    return this.state === "Started";
  }

  isReceiverStopped(): boolean {
    return this.state === "Stopped";
  }

  pushSingle(item: T): void {
    this.checkActive();
    this.records.add(item);
    this.received++;
  }

  /** Throws at once if the receiver was stopped, as Spark's store does; rejects only if storing fails. */
  pushMultiple(items: Iterable<T> | Iterator<T>, metadata: unknown): Promise<void> {
    this.checkActive();
    const records = Array.isArray(items) ? (items as T[]) : Array.from(iterable(items));
    this.received += records.length;
    const bytes = packRecords(records);
    return this.storeNow({ streamId: this.streamId, format: "packed", bytes, numRecords: records.length, time: this.host.clock.getTimeMillis(), metadata });
  }

  /**
   * Stores as one block the records whose id no held block has and no block being stored has;
   * a record repeating one of those waits for that block's store, and fails with it, so it is
   * acknowledged only once some block durably holds it.
   */
  pushUnique(items: readonly T[], ids: ReadonlyArray<string | undefined>, metadata: unknown): Promise<UniqueStoreResult> {
    this.checkActive();
    if (!Array.isArray(items) || !Array.isArray(ids) || ids.length !== items.length) {
      throw new IllegalArgumentException(`Receiver.storeUnique: give one id (or undefined) per record; got ${Array.isArray(ids) ? ids.length : String(ids)} ids for ${Array.isArray(items) ? items.length : String(items)} records`);
    }
    const kept: T[] = [];
    const keptIds: string[] = [];
    const waits = new Set<Promise<void>>();
    const inBlock = new Set<string>();
    for (let i = 0; i < items.length; i++) {
      const id = ids[i];
      if (id !== undefined) {
        if (inBlock.has(id)) continue;
        const storing = this.storingIds.get(id);
        if (storing !== undefined) {
          waits.add(storing);
          continue;
        }
        if (this.host.hasRecordId(this.streamId, id)) continue;
        inBlock.add(id);
        keptIds.push(id);
      }
      kept.push(items[i]!);
    }
    const duplicates = items.length - kept.length;
    if (duplicates > 0) logger().info(`Receiver ${this.streamId}: ${duplicates} record(s) delivered again were already stored (same id) and are not stored twice`);
    if (kept.length > 0) {
      this.received += kept.length;
      const block: ReceivedBlock = { streamId: this.streamId, format: "packed", bytes: packRecords(kept), numRecords: kept.length, time: this.host.clock.getTimeMillis(), metadata };
      if (keptIds.length > 0) block.recordIds = keptIds;
      const stored = this.storeNow(block);
      for (const id of keptIds) this.storingIds.set(id, stored);
      const settled = (): void => {
        for (const id of keptIds) if (this.storingIds.get(id) === stored) this.storingIds.delete(id);
      };
      stored.then(settled, settled);
      waits.add(stored);
    }
    return Promise.all(waits).then(() => ({ stored: kept.length, duplicates }));
  }

  pushBytes(bytes: Uint8Array, metadata: unknown): Promise<void> {
    this.checkActive();
    return this.storeNow({ streamId: this.streamId, format: "packed", bytes, numRecords: undefined, time: this.host.clock.getTimeMillis(), metadata });
  }

  /** Takes ownership of `chunk`: the caller must not modify it afterwards. Returns the lines it completed. */
  pushLines(chunk: Uint8Array): number {
    this.checkActive();
    const n = this.lines.add(chunk);
    this.received += n;
    return n;
  }

  finishLines(): void {
    this.checkActive();
    this.received += this.lines.finish();
  }

  /** Cuts the blocks whose records were all stored by `time`, so that batch gets them. */
  flushUpTo(time: number): void {
    if (this.records.readyBy(time)) this.store(this.records.cut());
    if (this.lines.readyBy(time)) this.store(this.lines.cut());
  }

  private cutBlocks(): void {
    this.store(this.records.cut());
    this.store(this.lines.cut());
  }

  private store(block: ReceivedBlock | undefined): void {
    if (!block) return;
    this.storeNow(block).catch((e: unknown) => this.reportError("Error storing a received block", e));
  }

  private storeNow(block: ReceivedBlock): Promise<void> {
    try {
      const r = this.host.storeBlock(block, this.receiver.storageLevel);
      return r instanceof Promise ? r : Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private checkActive(): void {
    if (this.closed) throw new SparkException(`Cannot add data as the receiver of stream ${this.streamId} has been stopped`);
  }
}

function iterable<T>(x: Iterable<T> | Iterator<T>): Iterable<T> {
  if (typeof (x as Iterable<T>)[Symbol.iterator] === "function") return x as Iterable<T>;
  const it = x as Iterator<T>;
  return { [Symbol.iterator]: () => it };
}

function briefError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

export function errorText(e: unknown): string {
  if (e === undefined || e === null) return "";
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
