import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { IllegalArgumentException, IllegalStateException } from "../../core/errors.js";
import type { ReceiverSupervisor } from "./ReceiverSupervisor.js";

/** What `Receiver.storeUnique` did: records stored in the new block, and records not stored because their id already was. */
export interface UniqueStoreResult {
  readonly stored: number;
  readonly duplicates: number;
}

/**
 * Spark's Receiver: a long-running source of data for a `receiverStream`. Implement `onStart`
 * (set up connections and begin receiving, without blocking: use callbacks or an async loop)
 * and `onStop` (release what onStart set up). Received data goes to `store`, which groups it
 * into blocks; each batch's RDD has one partition per block.
 *
 * dstream runs receivers on the driver's event loop: receiving is I/O, which Node multiplexes
 * on one thread, and blocks go to shared memory where executors read them without a copy.
 *
 * `store` takes, as in Spark:
 * - one record: buffered and cut into a block every `spark.streaming.blockInterval` (unreliable:
 *   returns at once);
 * - an array or iterator of records, or packed bytes: stored as one block; the returned
 *   promise resolves once the block is stored (reliable: acknowledge the source only then).
 * Storing after the receiver has stopped for good throws, as in Spark.
 * When a record is itself an array, an iterator or a byte array, use `storeSingle`.
 */
export abstract class Receiver<T> {
  readonly storageLevel: StorageLevel;
  private supervisor: ReceiverSupervisor<T> | undefined = undefined;

  constructor(storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER) {
    if (!(storageLevel instanceof StorageLevel)) throw new TypeError(`Receiver: expected a StorageLevel, got ${String(storageLevel)}`);
    if (!storageLevel.isValid()) throw new IllegalArgumentException(`Receiver: storage level ${storageLevel.name} cannot hold received blocks; use MEMORY_AND_DISK_SER (the default), MEMORY_ONLY or DISK_ONLY`);
    this.storageLevel = storageLevel;
  }

  /** Starts receiving. Must not block; errors thrown (or a rejected promise) stop the receiver and are reported. */
  abstract onStart(): void | Promise<void>;

  /** Stops receiving; called on stop and before each restart. */
  abstract onStop(): void | Promise<void>;

  /** Where the receiver would like to run; receivers run on the driver in dstream, so this is informational. */
  get preferredLocation(): string | undefined {
    return undefined;
  }

  /** The id of the input stream this receiver feeds. */
  get streamId(): number {
    return this.attached("streamId").streamId;
  }

  store(dataItem: T): void;
  store(dataBuffer: readonly T[] | Iterator<T>, metadata?: unknown): Promise<void>;
  store(bytes: Uint8Array | ArrayBuffer, metadata?: unknown): Promise<void>;
  store(data: T | readonly T[] | Iterator<T> | Uint8Array | ArrayBuffer, metadata?: unknown): void | Promise<void> {
    if (Array.isArray(data) || isIterator(data)) return this.storeMultiple(data as readonly T[] | Iterator<T>, metadata);
    if (data instanceof Uint8Array || data instanceof ArrayBuffer) return this.storeBytes(data, metadata);
    this.storeSingle(data as T);
  }

  /** Stores one record into the current block. */
  storeSingle(dataItem: T): void {
    this.attached("store").pushSingle(dataItem);
  }

  /** Stores records as one block; resolves once the block is stored. */
  storeMultiple(dataBuffer: readonly T[] | Iterator<T> | Iterable<T>, metadata?: unknown): Promise<void> {
    return this.attached("store").pushMultiple(dataBuffer, metadata);
  }

  /**
   * Stores records as one block, as `storeMultiple`, each with the id its source gives it (a Redis
   * Streams entry id, an AMQP `messageId`, a JetStream stream sequence; `undefined` for a record
   * without one, which is always stored). A record whose id is already stored is not stored
   * again: a source that redelivers what it never saw acknowledged (stored, then killed or
   * disconnected before the acknowledgement left) gives it once. Resolves once the block is
   * stored, and once any block still being stored that holds one of the repeated ids is; then
   * acknowledge every record given, repeats included. Rejects, without acknowledging, if either
   * store fails.
   *
   * The window is what the driver still holds: the blocks not yet freed (each is kept until its
   * batch is cleaned up, about `rememberDuration` after the batch), and, after a restart with the
   * receiver write-ahead log, every block the log recovered. A record delivered again after its
   * block was freed, or after a restart without the log (whose blocks are gone), is stored again.
   * Ids are compared per input stream, as strings: they must be unique in the source.
   */
  storeUnique(records: readonly T[], ids: ReadonlyArray<string | undefined>, metadata?: unknown): Promise<UniqueStoreResult> {
    return this.attached("storeUnique").pushUnique(records, ids, metadata);
  }

  /**
   * Stores serialized records as one block, as Spark's `store(ByteBuffer)`: the bytes are a
   * MessagePack array of the records (any MessagePack encoder; msgpackr with `useRecords` is what
   * dstream itself uses). They are decoded by the executor; their count is unknown, as in Spark.
   */
  storeBytes(bytes: Uint8Array | ArrayBuffer, metadata?: unknown): Promise<void> {
    return this.attached("store").pushBytes(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes, metadata);
  }

  /**
   * Stores UTF-8 text whose lines are the records, in chunks split anywhere (inside a line or a
   * character). The text is kept as bytes and split into lines by the executor, which is the
   * fastest way to ingest line-oriented input. The chunk is copied.
   */
  storeLines(this: Receiver<string>, chunk: Uint8Array | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
    this.attached("storeLines").pushLines(bytes);
  }

  /** Ends the text given to `storeLines`: a last line without a terminator becomes a record. */
  finishLines(this: Receiver<string>): void {
    this.attached("finishLines").finishLines();
  }

  /** `storeLines` without the copy, for a chunk nobody modifies afterwards (such as a socket's); returns the lines it completed. */
  protected storeLineChunk(chunk: Uint8Array): number {
    return this.attached("storeLines").pushLines(chunk);
  }

  protected endLineChunks(): void {
    this.attached("finishLines").finishLines();
  }

  /**
   * Restarts the receiver: reports the error (if any), calls onStop, waits `delayMs` (default
   * `spark.streaming.receiverRestartDelay`, 2000 ms), then calls onStart. Returns at once.
   */
  restart(message: string, error?: unknown, delayMs?: number): void {
    this.attached("restart").restartReceiver(message, error, delayMs);
  }

  /** Stops the receiver for good; data already stored still reaches its batches. */
  stop(message: string, error?: unknown): void {
    void this.attached("stop").stop(message, error);
  }

  /** Reports an error to the driver (onReceiverError and a log line) without stopping. */
  reportError(message: string, error?: unknown): void {
    this.attached("reportError").reportError(message, error);
  }

  /** True from onStart until the receiver stops or restarts. */
  isStarted(): boolean {
    return this.supervisor?.isReceiverStarted() ?? false;
  }

  /** True once stopped, including while waiting to restart: receiving loops should end. */
  isStopped(): boolean {
    return this.supervisor?.isReceiverStopped() ?? false;
  }

  /** @internal */
  attachSupervisor(supervisor: ReceiverSupervisor<T>): void {
    if (this.supervisor !== undefined && this.supervisor !== supervisor && !this.supervisor.finished) {
      throw new IllegalStateException(`${this.constructor.name} already feeds input stream ${this.supervisor.streamId}; create one receiver per stream`);
    }
    this.supervisor = supervisor;
  }

  /**
   * Records per second this receiver may store now: `spark.streaming.receiver.maxRate` and,
   * with `spark.streaming.backpressure.enabled`, the rate controller's latest estimate capped by
   * it (Spark's `supervisor.getCurrentRateLimit`). Infinity when nothing limits it.
   */
  getCurrentRateLimit(): number {
    return this.attached("getCurrentRateLimit").rateLimiter.getCurrentLimit();
  }

  /**
   * Resolves once `records` more fit the rate limit (at once when there is none). A receiver
   * that reads its source in a loop awaits this before each read, so that the limit, and
   * backpressure, throttle what it takes from the source. Spark's `store(record)` blocks until
   * the limiter allows; a Node receiver cannot block, so `store` never waits, and receivers
   * pace themselves with this or with `rateLimitPauseMs`.
   */
  waitToPush(records = 1): Promise<void> {
    return this.attached("waitToPush").rateLimiter.waitToPush(records);
  }

  /**
   * For a source that pushes: counts `records` just delivered against the rate limit and
   * returns how many milliseconds to pause the source (0: none) before it delivers more.
   */
  rateLimitPauseMs(records: number): number {
    return this.attached("rateLimitPauseMs").rateLimiter.taken(records);
  }

  /** `spark.streaming.receiverRestartDelay`, for receivers that compute their own restart delays. */
  protected get restartDelayMs(): number {
    return this.attached("restartDelayMs").defaultRestartDelayMs;
  }

  private attached(op: string): ReceiverSupervisor<T> {
    if (!this.supervisor) throw notAttached(op);
    return this.supervisor;
  }
}

function notAttached(op: string): IllegalStateException {
  return new IllegalStateException(`Receiver.${op}: the receiver has not been started; pass it to ssc.receiverStream(...) and start the StreamingContext`);
}

function isIterator(x: unknown): x is Iterator<unknown> {
  return typeof x === "object" && x !== null && typeof (x as Iterator<unknown>).next === "function" && Symbol.iterator in x;
}
