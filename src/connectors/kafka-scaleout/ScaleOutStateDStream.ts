import type { Time } from "../../index.js";
import { ChangelogStateDStream, type StateEditor, type StateStreamSite } from "./ChangelogStateDStream.js";

/** Spark's two per-key forms: `(values, state)`, or with four parameters `(time, key, values, state)`. */
export type ScaleOutUpdateFunc<K, V, S> =
  | ((values: V[], state: S | undefined) => S | undefined | null)
  | ((time: Time, key: K, values: V[], state: S | undefined) => S | undefined | null);

/**
 * updateStateByKey across copies (`so.updateStateByKey`): as in Spark, every key with new values
 * or state goes through the update function each batch, and undefined or null removes the key;
 * the stream's batch t is the whole state of the copy's tasks after batch t.
 */
export class ScaleOutStateDStream<K, V, S> extends ChangelogStateDStream<K, V, S, [K, S]> {
  constructor(
    site: StateStreamSite,
    private readonly updateFunc: ScaleOutUpdateFunc<K, V, S>,
  ) {
    super(site);
  }

  override get name(): string {
    return `scale-out state stream [${this.id}] (${this.changelogTopic})`;
  }

  protected step(part: StateEditor<K, S>, values: Array<[K, V]>, time: Time, out: Array<[K, S]>): void {
    const byKey = new Map<string, { key: K; values: V[] }>();
    for (const [k, v] of values) {
      const kj = JSON.stringify(k);
      const g = byKey.get(kj);
      if (g) g.values.push(v);
      else byKey.set(kj, { key: k, values: [v] });
    }
    const withTime = this.updateFunc.length === 4;
    const update = (kj: string, key: K, vs: V[], prev: S | undefined): void => {
      const next = withTime
        ? (this.updateFunc as (time: Time, key: K, values: V[], state: S | undefined) => S | undefined | null)(time, key, vs, prev)
        : (this.updateFunc as (values: V[], state: S | undefined) => S | undefined | null)(vs, prev);
      if (next === undefined || next === null) part.remove(kj);
      else part.set(kj, key, next);
    };
    // New keys first, so that the pass over the held state (in place: a Map may drop the entry
    // it is visiting) can skip them without copying the whole state.
    const added = new Set<string>();
    for (const [kj, g] of byKey) {
      if (part.has(kj)) continue;
      added.add(kj);
      update(kj, g.key, g.values, undefined);
    }
    for (const [kj, e] of part.entries()) if (!added.has(kj)) update(kj, e.key, byKey.get(kj)?.values ?? [], e.state);
    for (const [, e] of part.entries()) out.push([e.key, e.state]);
  }
}
