import { RDD } from "../../core/rdd/RDD.js";
import type { SparkContext } from "../../core/SparkContext.js";
import type { TaskContext } from "../../core/scheduler/TaskContext.js";
import type { PlanArgs } from "../../core/executor/plan.js";
import { SparkException } from "../../core/errors.js";
import { decodeBlock, type StoredBlock } from "../receiver/ReceivedBlock.js";

/**
 * The RDD of one batch of a receiver stream: one partition per received block. A block is
 * shared memory (or a local file), so it reaches a worker thread without a copy and is decoded
 * there; only the block descriptors travel in the plan.
 */
export class BlockRDD<T> extends RDD<T> {
  static override planModule = import.meta.url;
  private blocks: StoredBlock[];
  private valid = true;

  constructor(sc: SparkContext, blocks: readonly StoredBlock[]) {
    super(sc, []);
    this.blocks = [...blocks];
  }

  getNumPartitions(): number {
    return this.blocks.length;
  }

  /** The ids of the blocks, one per partition. */
  get blockIds(): string[] {
    return this.blocks.map((b) => b.id);
  }

  compute(split: number): Iterable<T> {
    this.assertValid();
    return decodeBlock<T>(this.blocks[split]!);
  }

  override computePush(split: number, _ctx: TaskContext, sink: (x: T) => void): void {
    const records = this.compute(split) as T[];
    for (let i = 0; i < records.length; i++) sink(records[i]!);
  }

  /** Whether the blocks are still available; false once the stream forgot this batch. */
  isValid(): boolean {
    return this.valid;
  }

  /** @internal Forgets the blocks: shared memory is freed once nothing else holds it. */
  removeBlocks(): StoredBlock[] {
    const removed = this.blocks;
    this.valid = false;
    this.blocks = removed.map((b) => ({ ...b, location: { kind: "memory", buf: new SharedArrayBuffer(0) } }));
    return removed;
  }

  override planArgs(): PlanArgs {
    this.assertValid();
    return this.planArgsWith({ blocks: this.blocks, valid: this.valid });
  }

  private assertValid(): void {
    if (!this.valid) {
      throw new SparkException(`Attempted to use ${this.toString()} after its blocks have been removed!`);
    }
  }
}
