import type { TaskContext } from "../scheduler/TaskContext.js";
import { KeyMap } from "../util/KeyMap.js";

// Internal function shape: user functions are typed at the public API; here they are just callables.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fn = (...args: any[]) => any;
export type Sink = (x: unknown) => void;

/**
 * The narrow operations an executor knows by name. Element-wise ones wrap the downstream sink,
 * so a chain like flatMap → map → filter runs as one fused loop with no per-element iterator.
 * Partition-wise ones see the whole partition as an iterator, as Spark's mapPartitions does.
 */
export interface ElementOp {
  sink?: (fns: Fn[], params: unknown, push: Sink) => Sink;
  partition?: (fns: Fn[], params: unknown, input: IterableIterator<unknown>, split: number, ctx: TaskContext) => Iterable<unknown>;
}

function pushAll(ys: unknown, push: Sink, op: string, x: unknown): void {
  if (Array.isArray(ys)) {
    for (let i = 0; i < ys.length; i++) push(ys[i]);
    return;
  }
  if (ys === null || ys === undefined || typeof (ys as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(
      `${op}: the function must return an iterable (an array, Set or generator), but returned ${describe(ys)} for element ${describe(x)}. Wrap a single result in an array: x => [f(x)].`,
    );
  }
  for (const y of ys as Iterable<unknown>) push(y);
}

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 60) + "…" : s;
  } catch {
    return String(v);
  }
}

export const elementOps: Record<string, ElementOp> = {
  map: { sink: ([f], _p, push) => (x) => push(f!(x)) },
  flatMap: { sink: ([f], _p, push) => (x) => pushAll(f!(x), push, "flatMap", x) },
  filter: {
    sink: ([f], _p, push) => (x) => {
      if (f!(x)) push(x);
    },
  },
  mapValues: {
    sink: ([f], _p, push) => (kv) => {
      const [k, v] = kv as [unknown, unknown];
      push([k, f!(v)]);
    },
  },
  flatMapValues: {
    sink: ([f], _p, push) => (kv) => {
      const [k, v] = kv as [unknown, unknown];
      pushAll(f!(v), (w) => push([k, w]), "flatMapValues", kv);
    },
  },
  keyBy: { sink: ([f], _p, push) => (x) => push([f!(x), x]) },
  keys: { sink: (_f, _p, push) => (kv) => push((kv as [unknown, unknown])[0]) },
  values: { sink: (_f, _p, push) => (kv) => push((kv as [unknown, unknown])[1]) },
  mapPartitions: { partition: ([f], _p, input) => checkIterable(f!(input), "mapPartitions") },
  mapPartitionsWithIndex: {
    partition: ([f], _p, input, split) => checkIterable(f!(split, input), "mapPartitionsWithIndex"),
  },
  glom: { partition: (_f, _p, input) => [Array.from(input)] },
  // combineByKey on data already partitioned by the target partitioner: combine in place.
  combineByKeyLocal: {
    partition: ([createCombiner, mergeValue], _p, input) => {
      const m = new KeyMap<unknown, unknown>();
      for (const kv of input) {
        const [k, v] = kv as [unknown, unknown];
        m.update(k, () => createCombiner!(v), (c) => mergeValue!(c, v));
      }
      return m.entries();
    },
  },
};

function checkIterable(ys: unknown, op: string): Iterable<unknown> {
  if (ys === null || ys === undefined || typeof (ys as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(`${op}: the function must return an iterable (an array or generator), but returned ${describe(ys)}.`);
  }
  return ys as Iterable<unknown>;
}

/** Lets other modules (sampling, zipWithIndex, pipe) add operations without editing this table. */
export function registerElementOp(name: string, op: ElementOp): void {
  if (elementOps[name]) throw new Error(`element op '${name}' is already registered`);
  elementOps[name] = op;
}
