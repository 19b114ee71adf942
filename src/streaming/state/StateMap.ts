import { KeyMap } from "../../core/util/KeyMap.js";

interface StateInfo<S> {
  data: S;
  updateTime: number;
  deleted: boolean;
}

/** Spark's default `spark.streaming.sessionByKey.deltaChainThreshold`. */
export const DELTA_CHAIN_LENGTH_THRESHOLD = 20;

/**
 * The states of one partition of a mapWithState stream, with the time each was last updated.
 * A batch's map is a delta over the previous batch's map, so a batch costs what it changes,
 * not the size of the state, and the previous map stays intact (a retried task sees the same
 * input). Every `deltaChainThreshold` batches the chain is flattened into one map.
 */
export class StateMap<K, S> {
  private readonly delta = new KeyMap<K, StateInfo<S>>();
  private readonly chainLength: number;

  constructor(
    private readonly parent: StateMap<K, S> | undefined = undefined,
    private readonly deltaChainThreshold = DELTA_CHAIN_LENGTH_THRESHOLD,
  ) {
    this.chainLength = parent === undefined ? 0 : parent.chainLength + 1;
  }

  /** The key's live state, or undefined. */
  getInfo(key: K): { data: S; updateTime: number } | undefined {
    for (let m: StateMap<K, S> | undefined = this; m !== undefined; m = m.parent) {
      const info = m.delta.get(key);
      if (info !== undefined) return info.deleted ? undefined : info;
    }
    return undefined;
  }

  get(key: K): S | undefined {
    return this.getInfo(key)?.data;
  }

  /** Every live state as [key, state, updateTime]; the youngest map's entry wins. */
  *getAll(): IterableIterator<[K, S, number]> {
    if (this.parent === undefined) {
      for (const [k, info] of this.delta.entries()) if (!info.deleted) yield [k, info.data, info.updateTime];
      return;
    }
    const seen = new KeyMap<K, true>();
    for (let m: StateMap<K, S> | undefined = this; m !== undefined; m = m.parent) {
      for (const [k, info] of m.delta.entries()) {
        if (seen.has(k)) continue;
        seen.set(k, true);
        if (!info.deleted) yield [k, info.data, info.updateTime];
      }
    }
  }

  /** The live states last updated strictly before `threshold`. */
  getByTime(threshold: number): Array<[K, S, number]> {
    const out: Array<[K, S, number]> = [];
    for (const e of this.getAll()) if (e[2] < threshold) out.push(e);
    return out;
  }

  put(key: K, state: S, updateTime: number): void {
    const info = this.delta.get(key);
    if (info === undefined) this.delta.set(key, { data: state, updateTime, deleted: false });
    else {
      info.data = state;
      info.updateTime = updateTime;
      info.deleted = false;
    }
  }

  remove(key: K): void {
    const info = this.delta.get(key);
    if (info !== undefined) info.deleted = true;
    else if (this.parent !== undefined) this.delta.set(key, { data: undefined as S, updateTime: -1, deleted: true });
  }

  /** A map for the next batch: a new delta on top of this one, or a flattened copy when the chain is long. */
  copy(): StateMap<K, S> {
    if (this.chainLength + 1 < this.deltaChainThreshold) return new StateMap(this, this.deltaChainThreshold);
    const flat = new StateMap<K, S>(undefined, this.deltaChainThreshold);
    for (const [k, s, t] of this.getAll()) flat.put(k, s, t);
    return new StateMap(flat, this.deltaChainThreshold);
  }

  get deltaChainLength(): number {
    return this.chainLength;
  }

  static fromEntries<K, S>(entries: Iterable<readonly [K, S, number]>, deltaChainThreshold = DELTA_CHAIN_LENGTH_THRESHOLD): StateMap<K, S> {
    const m = new StateMap<K, S>(undefined, deltaChainThreshold);
    for (const [k, s, t] of entries) m.put(k, s, t);
    return m;
  }
}
