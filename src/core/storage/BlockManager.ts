import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StorageLevel } from "./StorageLevel.js";
import { estimateSize } from "./SizeEstimator.js";
import { packRecords, unpackRecords } from "../serialization/blockCodec.js";
import { logger } from "../log.js";

type Stored =
  | { where: "memory"; data: unknown[]; bytes: number }
  | { where: "memorySer"; bytes: number; packed: Uint8Array }
  | { where: "disk"; path: string; bytes: number };

/**
 * The cached partitions of one executor. Blocks stay on the executor that computed them, so a
 * task that reads a cached partition (or a stream's state) is scheduled back to that executor.
 * Memory is bounded: MEMORY_AND_DISK blocks that do not fit are written to the local directory,
 * MEMORY_ONLY blocks that do not fit are not kept and are recomputed from lineage, as in Spark.
 */
export class BlockManager {
  private readonly blocks = new Map<string, Stored>();
  private readonly borrowed = new Map<string, unknown[]>();
  private memoryUsed = 0;
  private added: Array<[rddId: number, split: number, memSize: number, diskSize: number]> = [];
  private dirMade = false;

  constructor(
    readonly executorId: string,
    private readonly localDir: string,
    private readonly memoryLimit: number,
  ) {}

  private key(rddId: number, split: number): string {
    return `rdd_${rddId}_${split}`;
  }

  has(rddId: number, split: number): boolean {
    const key = this.key(rddId, split);
    return this.blocks.has(key) || this.borrowed.has(key);
  }

  /**
   * Holds a partition another executor cached, read for one task: it is not reported as
   * cached here and does not count against memory. `release` drops it after the task.
   */
  borrow(rddId: number, split: number, data: unknown[]): void {
    this.borrowed.set(this.key(rddId, split), data);
  }

  release(rddId: number, split: number): void {
    this.borrowed.delete(this.key(rddId, split));
  }

  get(rddId: number, split: number): unknown[] | undefined {
    const lent = this.borrowed.get(this.key(rddId, split));
    if (lent) return lent;
    const b = this.blocks.get(this.key(rddId, split));
    if (!b) return undefined;
    switch (b.where) {
      case "memory":
        return b.data;
      case "memorySer":
        return unpackRecords(b.packed);
      case "disk":
        return unpackRecords(readFileSync(b.path));
    }
  }

  getOrCompute(rddId: number, split: number, level: StorageLevel, compute: () => unknown[]): unknown[] {
    const cached = this.get(rddId, split);
    if (cached) return cached;
    const data = compute();
    this.put(rddId, split, level, data);
    return data;
  }

  put(rddId: number, split: number, level: StorageLevel, data: unknown[]): void {
    const key = this.key(rddId, split);
    const bytes = estimateSize(data);
    const fitsInMemory = this.memoryUsed + bytes <= this.memoryLimit;
    let stored: Stored | undefined;
    if (level.useMemory && fitsInMemory) {
      if (level.deserialized) stored = { where: "memory", data, bytes };
      else {
        const packed = packRecords(data);
        stored = { where: "memorySer", packed, bytes: packed.byteLength };
      }
      this.memoryUsed += stored.bytes;
    } else if (level.useDisk) {
      stored = { where: "disk", path: this.writeToDisk(key, data), bytes };
    } else {
      logger().warn(
        `Not enough space to cache ${key} in memory (estimated ${bytes} bytes, ${this.memoryLimit - this.memoryUsed} free on executor ${this.executorId}); it will be recomputed. Use MEMORY_AND_DISK or raise spark.executor.memory.`,
      );
      return;
    }
    this.blocks.set(key, stored);
    this.added.push([rddId, split, stored.where === "disk" ? 0 : stored.bytes, stored.where === "disk" ? stored.bytes : 0]);
  }

  private writeToDisk(key: string, data: unknown[]): string {
    if (!this.dirMade) {
      mkdirSync(this.localDir, { recursive: true });
      this.dirMade = true;
    }
    const path = join(this.localDir, `${this.executorId}-${key}`);
    writeFileSync(path, packRecords(data));
    return path;
  }

  removeRdd(rddId: number): void {
    const prefix = `rdd_${rddId}_`;
    for (const [key, b] of this.blocks) {
      if (!key.startsWith(prefix)) continue;
      if (b.where === "disk") rmSync(b.path, { force: true });
      else this.memoryUsed -= b.bytes;
      this.blocks.delete(key);
    }
  }

  /** The blocks stored since the last call, reported to the driver so it can schedule tasks near them. */
  drainAdded(): Array<[rddId: number, split: number, memSize: number, diskSize: number]> {
    const a = this.added;
    this.added = [];
    return a;
  }

  /** Where each block of an RDD lives: for toDebugString and the storage UI. */
  describe(rddId: number): Array<{ split: number; where: string; bytes: number }> {
    const prefix = `rdd_${rddId}_`;
    return [...this.blocks.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, b]) => ({ split: Number(k.slice(prefix.length)), where: b.where, bytes: b.bytes }));
  }

  clear(): void {
    for (const b of this.blocks.values()) if (b.where === "disk") rmSync(b.path, { force: true });
    this.blocks.clear();
    this.borrowed.clear();
    this.memoryUsed = 0;
  }
}
