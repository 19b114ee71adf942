import { RDD } from "../../../core/rdd/RDD.js";
import { Partitioner } from "../../../core/partitioner/Partitioner.js";
import { userFn } from "../../../core/rdd/api/userFunction.js";
import { StateDStream } from "../StateDStream.js";
import { MapWithStateDStreamImpl } from "../MapWithStateDStream.js";
import { StateSpec } from "../../state/StateSpec.js";
import type { UpdateKind } from "../../rdd/StateUpdateRDD.js";
import { at, proto, streamPartitioner, type AnyStream, type PairStream } from "./streamOps.js";

/** updateStateByKey's optional arguments. */
export interface UpdateStateOptions<K, S> {
  numPartitions?: number;
  partitioner?: Partitioner;
  /** States to start from; merged with the first batch's values. */
  initialRDD?: RDD<[K, S]> | Array<[K, S]>;
  /** Whether the state keeps its partitioner; given with a one-parameter function, selects Spark's iterator overload. */
  rememberPartitioner?: boolean;
}

/**
 * updateStateByKey(fn), (fn, numPartitions), (fn, partitioner), (fn, partitioner, initialRDD),
 * (fn, { numPartitions, partitioner, initialRDD }), and Spark's iterator overload
 * (fn, partitioner, rememberPartitioner, initialRDD?). A function declaring four parameters
 * (time, key, values, state) is the time-aware overload.
 */
proto.updateStateByKey = function (this: PairStream, updateFunc: Function, second?: unknown, third?: unknown, fourth?: unknown) {
  userFn("updateStateByKey", updateFunc, "update function");
  const self = this as AnyStream;
  let partitions: number | Partitioner | undefined;
  let initial: unknown;
  let rememberPartitioner: boolean | undefined;
  if (typeof second === "number" || second instanceof Partitioner || second === undefined || second === null) {
    partitions = (second ?? undefined) as number | Partitioner | undefined;
    if (typeof third === "boolean") {
      rememberPartitioner = third;
      initial = fourth;
    } else initial = third;
  } else if (typeof second === "object") {
    const o = second as UpdateStateOptions<unknown, unknown>;
    partitions = o.partitioner ?? o.numPartitions;
    initial = o.initialRDD ?? third;
    rememberPartitioner = o.rememberPartitioner;
  } else {
    throw new TypeError(`updateStateByKey: expected numPartitions, a Partitioner or an options object, got ${String(second)}`);
  }
  const partitioner = streamPartitioner(self, "updateStateByKey", partitions);
  // Spark's overloads differ in the function's shape: four parameters take the batch time; the
  // iterator form takes one and always comes with rememberPartitioner.
  const kind: UpdateKind = updateFunc.length >= 4 ? "time" : rememberPartitioner !== undefined && updateFunc.length <= 1 ? "iterator" : "values";
  const initialRDD = toInitialRDD(self, initial);
  const preserve = kind === "iterator" ? rememberPartitioner! : (rememberPartitioner ?? true);
  return at(new StateDStream(this, updateFunc, kind, partitioner, preserve, initialRDD), "updateStateByKey");
};

function toInitialRDD(stream: AnyStream, initial: unknown): RDD<[unknown, unknown]> | undefined {
  if (initial === undefined || initial === null) return undefined;
  if (initial instanceof RDD) return initial as RDD<[unknown, unknown]>;
  if (Array.isArray(initial)) return stream.context.sparkContext.parallelize(initial as Array<[unknown, unknown]>);
  throw new TypeError(`updateStateByKey: initialRDD must be an RDD of [key, state] pairs, got ${String(initial)}`);
}

proto.mapWithState = function (this: PairStream, spec: StateSpec<unknown, unknown, unknown, unknown>) {
  if (!(spec instanceof StateSpec)) throw new TypeError("mapWithState: expected a StateSpec, e.g. StateSpec.function((key, value, state) => ...)");
  return at(new MapWithStateDStreamImpl(this, spec), "mapWithState");
};
