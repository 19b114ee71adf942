import type { RDD } from "../rdd/RDD.js";
import type { Aggregator } from "../rdd/Dependency.js";
import type { Partitioner } from "../partitioner/Partitioner.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import { KeyMap } from "../util/KeyMap.js";
import { sharedBlock, type BlockRef } from "./BlockRef.js";

/** One map task's output: for each reduce partition, the blocks it wrote (more than one after a spill). */
export interface MapStatus {
  blocks: BlockRef[][];
  records: number;
  bytes: number;
}

export interface ShuffleWriteSpec {
  shuffleId: number;
  /** Reduce partitions, as the driver registered them: one block list each, empty or not. */
  numPartitions: number;
  partitioner: Partitioner;
  aggregator: Aggregator<unknown, unknown> | undefined;
  mapSideCombine: boolean;
}

/** How many keys or records a map task holds before it writes what it has and starts again. */
const SPILL_THRESHOLD = 1 << 20;

/**
 * Writes one map partition of a shuffle. With map-side combining, values are merged per key
 * first and a key is hashed to its reduce partition once, not once per record. `packed` output
 * goes to shared memory (for other threads); otherwise blocks keep the objects as they are.
 */
export function writeShuffle(rdd: RDD<unknown>, split: number, ctx: TaskContext, spec: ShuffleWriteSpec, packed: boolean): MapStatus {
  const n = spec.numPartitions;
  const blocks: BlockRef[][] = Array.from({ length: n }, () => []);
  let records = 0;
  let bytes = 0;
  const emit = (p: number, recs: unknown[]): void => {
    if (recs.length === 0) return;
    // Records written, as Spark counts them: after map-side combining.
    records += recs.length;
    const ref: BlockRef = packed ? sharedBlock(recs) : { kind: "objects", records: recs.length, data: recs };
    if (ref.kind === "shared") bytes += ref.buf.byteLength;
    blocks[p]!.push(ref);
  };
  const partitionOf = n === 1 ? () => 0 : (k: unknown) => spec.partitioner.getPartition(k);

  if (spec.aggregator && spec.mapSideCombine) {
    const { createCombiner, mergeValue } = spec.aggregator;
    // Primitive keys take a plain Map from key to slot, the combiners an array beside it, so a
    // key seen before costs one lookup rather than a get and a set: this loop is the word-count
    // hot path, and the lookup (hashing a fresh string, comparing it) is most of its time.
    let slots = new Map<unknown, number>();
    let keys: unknown[] = [];
    let combiners: unknown[] = [];
    let composite = new KeyMap<unknown, unknown>();
    const flush = (): void => {
      const out: unknown[][] = Array.from({ length: n }, () => []);
      for (let i = 0; i < keys.length; i++) out[partitionOf(keys[i])]!.push([keys[i], combiners[i]]);
      for (const [k, c] of composite.entries()) out[partitionOf(k)]!.push([k, c]);
      out.forEach((recs, p) => emit(p, recs));
      slots = new Map();
      keys = [];
      combiners = [];
      composite = new KeyMap();
    };
    rdd.pushTo(split, ctx, (kv) => {
      checkPair(kv);
      const k: unknown = kv[0];
      const v: unknown = kv[1];
      // A native Map files -0 under 0 and reports 0; KeyMap reports the key first seen, as the
      // reduce side does, so a -0 key comes out as -0 however the shuffle runs.
      if ((typeof k === "object" && k !== null) || k === 0) {
        composite.update(k, () => createCombiner(v), (c) => mergeValue(c, v));
        if (composite.size >= SPILL_THRESHOLD) flush();
        return;
      }
      const slot = slots.get(k);
      if (slot !== undefined) combiners[slot] = mergeValue(combiners[slot], v);
      else {
        slots.set(k, keys.length);
        keys.push(k);
        combiners.push(createCombiner(v));
        if (keys.length >= SPILL_THRESHOLD) flush();
      }
    });
    flush();
  } else {
    let buckets: unknown[][] = Array.from({ length: n }, () => []);
    let held = 0;
    rdd.pushTo(split, ctx, (kv) => {
      checkPair(kv);
      const k: unknown = kv[0];
      buckets[partitionOf(k)]!.push(kv);
      if (++held >= SPILL_THRESHOLD) {
        buckets.forEach((recs, p) => emit(p, recs));
        buckets = Array.from({ length: n }, () => []);
        held = 0;
      }
    });
    buckets.forEach((recs, p) => emit(p, recs));
  }
  return { blocks, records, bytes };
}

function checkPair(kv: unknown): asserts kv is [unknown, unknown] {
  if (!Array.isArray(kv) || kv.length !== 2) {
    throw new TypeError(
      `shuffle: a key-value operation needs [key, value] pairs, but got ${JSON.stringify(kv) ?? String(kv)}. Map each element to a two-element array first, e.g. x => [x, 1].`,
    );
  }
}
