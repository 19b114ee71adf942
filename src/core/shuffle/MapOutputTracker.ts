import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BlockRef } from "./BlockRef.js";
import type { MapStatus } from "./ShuffleWriter.js";

interface ShuffleOutputs {
  statuses: Array<MapStatus | undefined>;
  numReduce: number;
}

/**
 * The driver's record of every shuffle's map output. Packed blocks sit in shared memory, which
 * both the driver and the workers can read without copying; when they exceed the memory budget
 * the oldest are written to the local directory and readers open the file instead.
 */
export class MapOutputTracker {
  private readonly shuffles = new Map<number, ShuffleOutputs>();
  private inMemory: Array<{ shuffleId: number; map: number; reduce: number; index: number; bytes: number }> = [];
  private memoryUsed = 0;
  private dirMade = false;

  constructor(
    private readonly localDir: string,
    private readonly memoryLimit: number,
  ) {}

  registerShuffle(shuffleId: number, numMaps: number, numReduce: number): void {
    if (!this.shuffles.has(shuffleId)) {
      this.shuffles.set(shuffleId, { statuses: new Array<MapStatus | undefined>(numMaps).fill(undefined), numReduce });
    }
  }

  registerMapOutput(shuffleId: number, mapId: number, status: MapStatus): void {
    const s = this.shuffles.get(shuffleId);
    if (!s) throw new Error(`MapOutputTracker: shuffle ${shuffleId} was never registered`);
    // A reducer reads one list per map task, so a map task must write every reduce partition's.
    if (status.blocks.length !== s.numReduce) {
      throw new Error(`MapOutputTracker: map task ${mapId} of shuffle ${shuffleId} wrote ${status.blocks.length} reduce partitions, expected ${s.numReduce}`);
    }
    s.statuses[mapId] = status;
    status.blocks.forEach((list, reduce) =>
      list.forEach((ref, index) => {
        if (ref.kind !== "shared") return;
        this.memoryUsed += ref.buf.byteLength;
        this.inMemory.push({ shuffleId, map: mapId, reduce, index, bytes: ref.buf.byteLength });
      }),
    );
    if (this.memoryUsed > this.memoryLimit) this.spill();
  }

  private spill(): void {
    if (!this.dirMade) {
      mkdirSync(this.localDir, { recursive: true });
      this.dirMade = true;
    }
    while (this.memoryUsed > this.memoryLimit / 2 && this.inMemory.length > 0) {
      const e = this.inMemory.shift()!;
      const status = this.shuffles.get(e.shuffleId)?.statuses[e.map];
      const ref = status?.blocks[e.reduce]?.[e.index];
      this.memoryUsed -= e.bytes;
      if (!ref || ref.kind !== "shared") continue;
      const path = join(this.localDir, `shuffle_${e.shuffleId}_${e.map}_${e.reduce}_${e.index}.data`);
      writeFileSync(path, new Uint8Array(ref.buf));
      status!.blocks[e.reduce]![e.index] = { kind: "file", path, bytes: e.bytes, records: ref.records };
    }
  }

  /** Map ids that still have no output: the tasks a (re)submitted map stage must run. */
  missingMaps(shuffleId: number): number[] {
    const s = this.shuffles.get(shuffleId);
    if (!s) return [];
    const out: number[] = [];
    s.statuses.forEach((st, i) => {
      if (!st) out.push(i);
    });
    return out;
  }

  isAvailable(shuffleId: number): boolean {
    const s = this.shuffles.get(shuffleId);
    return s !== undefined && s.statuses.every((st) => st !== undefined);
  }

  /** The blocks one reduce task reads, in map order, so results are deterministic run to run. */
  blocksFor(shuffleId: number, reduceId: number): BlockRef[] {
    const s = this.shuffles.get(shuffleId);
    if (!s) throw new Error(`MapOutputTracker: no outputs for shuffle ${shuffleId}`);
    const out: BlockRef[] = [];
    for (const st of s.statuses) {
      if (!st) throw new Error(`MapOutputTracker: shuffle ${shuffleId} is missing map outputs`);
      const list = st.blocks[reduceId];
      if (!list) throw new Error(`MapOutputTracker: shuffle ${shuffleId} has no reduce partition ${reduceId}`);
      out.push(...list);
    }
    return out;
  }

  stats(shuffleId: number): { records: number; bytes: number } {
    let records = 0;
    let bytes = 0;
    for (const st of this.shuffles.get(shuffleId)?.statuses ?? []) {
      records += st?.records ?? 0;
      bytes += st?.bytes ?? 0;
    }
    return { records, bytes };
  }

  shuffleIds(): number[] {
    return [...this.shuffles.keys()];
  }

  unregisterShuffle(shuffleId: number): void {
    const s = this.shuffles.get(shuffleId);
    if (!s) return;
    for (const st of s.statuses) {
      for (const list of st?.blocks ?? []) for (const ref of list) if (ref.kind === "file") rmSync(ref.path, { force: true });
    }
    this.inMemory = this.inMemory.filter((e) => {
      if (e.shuffleId !== shuffleId) return true;
      this.memoryUsed -= e.bytes;
      return false;
    });
    this.shuffles.delete(shuffleId);
  }

  clear(): void {
    for (const id of [...this.shuffles.keys()]) this.unregisterShuffle(id);
  }
}
