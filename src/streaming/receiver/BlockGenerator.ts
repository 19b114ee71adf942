import { packRecords } from "../../core/serialization/blockCodec.js";
import type { Clock } from "../util/Clock.js";
import type { ReceivedBlock } from "./ReceivedBlock.js";

/**
 * Collects records stored one at a time and cuts them into packed blocks, one per block
 * interval (Spark's BlockGenerator). Records never cross a thread one by one: a block is
 * packed once and read by executors from shared memory.
 */
export class BlockGenerator<T> {
  private buffer: T[] = [];
  private lastStoreTime = 0;

  constructor(
    private readonly streamId: number,
    private readonly clock: Clock,
  ) {}

  add(item: T): void {
    this.buffer.push(item);
    this.lastStoreTime = this.clock.getTimeMillis();
  }

  /** Whether there is a block to cut whose records were all stored at or before `time`. */
  readyBy(time: number): boolean {
    return this.buffer.length > 0 && this.lastStoreTime <= time;
  }

  cut(): ReceivedBlock | undefined {
    if (this.buffer.length === 0) return undefined;
    const records = this.buffer;
    this.buffer = [];
    return { streamId: this.streamId, format: "packed", bytes: packRecords(records), numRecords: records.length, time: this.lastStoreTime };
  }
}
