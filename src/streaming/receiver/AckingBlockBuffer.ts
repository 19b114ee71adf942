import type { Receiver } from "./Receiver.js";

/** What an AckingBlockBuffer does once a block is stored, or could not be. */
export interface AckingBlockBufferOptions<A> {
  /** Largest block; a full buffer is stored at once (default 10000 records). */
  readonly maxBlockRecords?: number;
  /** Called with the acknowledgements of a block once it is stored (in the WAL, when enabled). */
  onStored(acks: A[]): void | Promise<void>;
  /** Called with the acknowledgements of a block that could not be stored. */
  onStoreFailed(acks: A[], error: unknown): void;
}

/**
 * The reliable-receiver pattern Spark's own reliable receivers follow (store a block, then
 * acknowledge what it holds), for push sources: each `add` pairs a record with the handle that
 * acknowledges it. Blocks are stored one at a time, in order; while one is being stored, new
 * records gather into the next, so a slow store (the WAL's fsync) makes larger blocks instead of
 * a queue of small ones. A source that stops delivering until it is acknowledged (MQTT's
 * in-flight window, AMQP's prefetch) is thereby held back by the store's speed, and by the
 * receiver's rate limit (`spark.streaming.receiver.maxRate`, and backpressure's estimate): the
 * next block waits until the previous one's records fit the limit, and acknowledgements wait
 * with it, so the broker sends no faster.
 */
export class AckingBlockBuffer<T, A> {
  private records: T[] = [];
  private acks: A[] = [];
  /** The records' ids, once some record came with one (then one entry per record). */
  private ids: Array<string | undefined> | undefined;
  private storing: Promise<void> | undefined;
  private scheduled = false;
  private nextAllowedAt = 0;
  private readonly maxBlockRecords: number;
  private readonly idle: Array<() => void> = [];

  constructor(
    private readonly receiver: Receiver<T>,
    private readonly options: AckingBlockBufferOptions<A>,
  ) {
    this.maxBlockRecords = Math.max(1, options.maxBlockRecords ?? 10_000);
  }

  /** Records added and not yet stored (the block being stored included). */
  get pending(): number {
    return this.records.length + (this.storing ? 1 : 0);
  }

  /**
   * `id`: the record's id from its source, if it has one; a record whose id is already stored is
   * then acknowledged with its block and not stored again (see `Receiver.storeUnique`).
   */
  add(record: T, ack: A, id?: string): void {
    if (id !== undefined && this.ids === undefined) this.ids = new Array<string | undefined>(this.records.length).fill(undefined);
    this.records.push(record);
    this.acks.push(ack);
    this.ids?.push(id);
    this.schedule();
  }

  /**
   * Forgets the records not yet handed to the store and returns their acknowledgements (the
   * connection that delivered them is gone: the broker delivers them again).
   */
  discard(): A[] {
    const acks = this.acks;
    this.records = [];
    this.acks = [];
    this.ids = undefined;
    return acks;
  }

  /** Resolves once every record added so far is stored and acknowledged (or failed). */
  flushed(): Promise<void> {
    if (this.records.length === 0 && !this.storing) return Promise.resolve();
    this.schedule();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.storing) return;
    this.scheduled = true;
    const wait = Math.max(0, this.nextAllowedAt - Date.now());
    // setImmediate lets the records of one socket read gather into one block.
    const run = (): void => {
      this.scheduled = false;
      this.storeNext();
    };
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  }

  private storeNext(): void {
    if (this.storing) return;
    if (this.records.length === 0) {
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    // Under a rate limit a block holds at most a fifth of a second's records, so no block is a burst.
    const rate = this.receiver.getCurrentRateLimit();
    const n = Math.min(this.records.length, this.maxBlockRecords, Math.max(1, Math.ceil(rate / 5)));
    const records = this.records.splice(0, n);
    const acks = this.acks.splice(0, n);
    const ids = this.ids?.splice(0, n);
    if (this.ids?.length === 0) this.ids = undefined;
    const pause = this.receiver.rateLimitPauseMs(n);
    if (pause > 0) this.nextAllowedAt = Date.now() + pause;
    this.storing = (async () => {
      try {
        if (ids === undefined) await this.receiver.storeMultiple(records);
        else await this.receiver.storeUnique(records, ids);
      } catch (e) {
        this.options.onStoreFailed(acks, e);
        return;
      }
      await this.options.onStored(acks);
    })()
      .catch((e: unknown) => this.options.onStoreFailed([], e))
      .finally(() => {
        this.storing = undefined;
        if (this.records.length > 0) this.schedule();
        else for (const resolve of this.idle.splice(0)) resolve();
      });
  }
}
