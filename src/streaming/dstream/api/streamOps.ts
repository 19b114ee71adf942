import { Partitioner } from "../../../core/partitioner/Partitioner.js";
import { HashPartitioner } from "../../../core/partitioner/HashPartitioner.js";
import { positiveInt } from "../../../core/rdd/api/userFunction.js";
import { callSite } from "../../../core/rdd/callSite.js";
import { DStream } from "../DStream.js";

/** The prototype the api files install DStream's operations on (declared in DStream.ts). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const proto = DStream.prototype as unknown as Record<string, Function>;

export type AnyStream = DStream<unknown>;
export type PairStream = DStream<[unknown, unknown]>;

/** Tags a new stream with the user's line, for messages and the output operation's name. */
export function at<S extends DStream<unknown>>(stream: S, op: string): S {
  stream.creationSite = callSite(op);
  return stream;
}

/**
 * Spark's PairDStreamFunctions default: hash partitioning into `spark.default.parallelism`
 * partitions (the engine's default parallelism), not the RDD default partitioner.
 */
export function streamPartitioner(stream: AnyStream, op: string, arg: number | Partitioner | undefined): Partitioner {
  if (arg === undefined || arg === null) return new HashPartitioner(stream.context.sparkContext.defaultParallelism);
  if (arg instanceof Partitioner) return arg;
  return new HashPartitioner(positiveInt(op, "numPartitions", arg));
}

export function checkStream(op: string, other: unknown): AnyStream {
  if (!(other instanceof DStream)) throw new TypeError(`${op}: expected a DStream, got ${other === null ? "null" : typeof other}`);
  return other;
}
