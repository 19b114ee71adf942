import { RDD } from "../../core/rdd/RDD.js";
import type { Time } from "../Time.js";
import type { StreamingContext } from "../StreamingContext.js";
import { InputDStream } from "./InputDStream.js";

/** The stream behind `ssc.queueStream`: takes RDDs off a queue that the program fills while it runs. */
export class QueueInputDStream<T> extends InputDStream<T> {
  constructor(
    ssc: StreamingContext,
    private readonly queue: Array<RDD<T> | T[]>,
    private readonly oneAtATime: boolean,
    private readonly defaultRDD: RDD<T>,
  ) {
    super(ssc);
  }

  start(): void {}

  stop(): void {}

  compute(_validTime: Time): RDD<T> {
    const taken = this.oneAtATime ? this.queue.splice(0, this.queue.length > 0 ? 1 : 0) : this.queue.splice(0);
    const rdds = taken.map((x) => this.toRDD(x));
    if (rdds.length === 0) return this.defaultRDD;
    if (this.oneAtATime || rdds.length === 1) return rdds[0]!;
    return this.ssc.sparkContext.union(rdds);
  }

  private toRDD(x: RDD<T> | T[]): RDD<T> {
    if (x instanceof RDD) return x;
    if (Array.isArray(x)) return this.ssc.sparkContext.parallelize(x);
    throw new TypeError(`queueStream: the queue must hold RDDs (or arrays of elements), found ${String(x)}`);
  }
}
