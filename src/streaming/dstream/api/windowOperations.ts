import type { Partitioner } from "../../../core/partitioner/Partitioner.js";
import { userFn } from "../../../core/rdd/api/userFunction.js";
import { positiveDuration, type Duration, type DurationLike } from "../../Duration.js";
import type { DStream } from "../DStream.js";
import { WindowedDStream, checkWindow } from "../WindowedDStream.js";
import { ReducedWindowedDStream } from "../ReducedWindowedDStream.js";
import { at, proto, streamPartitioner, type AnyStream, type PairStream } from "./streamOps.js";

type Reduce = (a: unknown, b: unknown) => unknown;
type Partitions = number | Partitioner | undefined;

/** The window and slide of a window operation, validated against the parent when the operation is defined. */
function windowArgs(
  parent: AnyStream,
  window: DurationLike,
  slide: DurationLike | undefined,
  what: "windowed DStream" | "ReducedWindowedDStream",
): [Duration, Duration] {
  const w = positiveDuration(window, "windowDuration");
  const s = slide === undefined || slide === null ? parent.slideDuration : positiveDuration(slide, "slideDuration");
  checkWindow(parent, w, s, what);
  return [w, s];
}

function isDurationLike(x: unknown): x is DurationLike {
  return typeof x === "number" || (typeof x === "object" && x !== null && "milliseconds" in x);
}

proto.window = function (this: AnyStream, windowDuration: DurationLike, slideDuration?: DurationLike) {
  const [w, s] = windowArgs(this, windowDuration, slideDuration, "windowed DStream");
  return at(new WindowedDStream(this, w, s), "window");
};

/** reduceByWindow(f, window, slide?) or reduceByWindow(f, invF, window, slide?). */
proto.reduceByWindow = function (this: AnyStream, reduceFunc: Reduce, ...rest: unknown[]) {
  const inverse = !isDurationLike(rest[0]);
  const [invReduceFunc, window, slide] = inverse ? (rest as [Reduce | undefined, DurationLike, DurationLike?]) : [undefined, ...(rest as [DurationLike, DurationLike?])];
  const [w, s] = windowArgs(this, window, slide, invReduceFunc ? "ReducedWindowedDStream" : "windowed DStream");
  userFn("reduceByWindow", reduceFunc);
  if (invReduceFunc === undefined || invReduceFunc === null) {
    return this.reduce(reduceFunc).window(w, s).reduce(reduceFunc);
  }
  userFn("reduceByWindow", invReduceFunc, "inverse reduce function");
  return this.map((x) => [1, x] as [number, unknown])
    .reduceByKeyAndWindow(reduceFunc, invReduceFunc, w, s, 1)
    .map((kv) => kv[1]);
};

proto.countByWindow = function (this: AnyStream, windowDuration: DurationLike, slideDuration?: DurationLike) {
  const [w, s] = windowArgs(this, windowDuration, slideDuration, "ReducedWindowedDStream");
  return (this.map(() => 1) as DStream<number>).reduceByWindow(
    (a, b) => a + b,
    (a, b) => a - b,
    w,
    s,
  );
};

proto.countByValueAndWindow = function (this: AnyStream, windowDuration: DurationLike, slideDuration?: DurationLike, numPartitions?: number) {
  const [w, s] = windowArgs(this, windowDuration, slideDuration, "ReducedWindowedDStream");
  const n = numPartitions ?? this.context.sparkContext.defaultParallelism;
  return this.map((x) => [x, 1] as [unknown, number]).reduceByKeyAndWindow(
    (a, b) => a + b,
    (a, b) => a - b,
    w,
    s,
    n,
    (kv) => kv[1] !== 0,
  );
};

/**
 * reduceByKeyAndWindow(f, window, slide?, partitions?) — reduce per batch, window, reduce again — or
 * reduceByKeyAndWindow(f, invF, window, slide?, partitions?, filterFunc?) — incremental. A null
 * inverse (PySpark's None) falls back to the first form.
 */
proto.reduceByKeyAndWindow = function (this: PairStream, reduceFunc: Reduce, ...rest: unknown[]) {
  const inverse = !isDurationLike(rest[0]);
  const [invReduceFunc, window, slide, partitions, filterFunc] = inverse
    ? (rest as [Reduce | null | undefined, DurationLike, DurationLike?, Partitions?, ((kv: [unknown, unknown]) => boolean)?])
    : [undefined, ...(rest as [DurationLike, DurationLike?, Partitions?]), undefined];
  const self = this as AnyStream;
  const what = invReduceFunc ? "ReducedWindowedDStream" : "windowed DStream";
  const [w, s] = windowArgs(self, window, slide, what);
  userFn("reduceByKeyAndWindow", reduceFunc);
  const p = streamPartitioner(self, "reduceByKeyAndWindow", partitions ?? undefined);
  if (filterFunc !== undefined && filterFunc !== null) userFn("reduceByKeyAndWindow", filterFunc, "filter function");
  if (invReduceFunc === undefined || invReduceFunc === null) {
    const naive = this.reduceByKey(reduceFunc, p).window(w, s).reduceByKey(reduceFunc, p);
    return filterFunc ? naive.filter(filterFunc) : naive;
  }
  userFn("reduceByKeyAndWindow", invReduceFunc, "inverse reduce function");
  return at(new ReducedWindowedDStream(this, reduceFunc, invReduceFunc, filterFunc ?? undefined, w, s, p), "reduceByKeyAndWindow");
};

proto.groupByKeyAndWindow = function (this: PairStream, windowDuration: DurationLike, slideDuration?: DurationLike, partitions?: Partitions) {
  const [w, s] = windowArgs(this as AnyStream, windowDuration, slideDuration, "windowed DStream");
  const p = streamPartitioner(this as AnyStream, "groupByKeyAndWindow", partitions);
  // Copy on create: the windowed groups are cached parent RDDs that later windows read again.
  return this.groupByKey(p)
    .window(w, s)
    .combineByKey(
      (vs: unknown[]) => vs.slice(),
      (buf: unknown[], vs: unknown[]) => {
        for (const v of vs) buf.push(v);
        return buf;
      },
      (a: unknown[], b: unknown[]) => {
        for (const v of b) a.push(v);
        return a;
      },
      p,
    );
};
