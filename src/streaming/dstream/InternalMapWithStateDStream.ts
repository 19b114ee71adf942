import type { RDD } from "../../core/rdd/RDD.js";
import type { Partitioner } from "../../core/partitioner/Partitioner.js";
import { HashPartitioner } from "../../core/partitioner/HashPartitioner.js";
import type { Time } from "../Time.js";
import type { DStream } from "./DStream.js";
import { KeyedStateDStream } from "./KeyedStateDStream.js";
import type { StateSpec } from "../state/StateSpec.js";
import { DELTA_CHAIN_LENGTH_THRESHOLD } from "../state/StateMap.js";
import type { MapWithStateRecord } from "../state/MapWithStateRecord.js";
import { MapWithStateRDD } from "../rdd/MapWithStateRDD.js";

/** The state stream behind mapWithState: one MapWithStateRecord per partition per batch, persisted and checkpointed. */
export class InternalMapWithStateDStream<K, V, S, E> extends KeyedStateDStream<MapWithStateRecord<K, S, E>> {
  readonly partitioner: Partitioner;

  constructor(
    private readonly parent: DStream<[K, V]>,
    private readonly spec: StateSpec<K, V, S, E>,
  ) {
    super(parent as DStream<unknown>);
    this.partitioner = spec.getPartitioner() ?? new HashPartitioner(parent.context.sparkContext.defaultParallelism);
  }

  compute(validTime: Time): RDD<MapWithStateRecord<K, S, E>> {
    const sc = this.ssc.sparkContext;
    const previous = this.getOrCompute(validTime.minus(this.slideDuration));
    const prevStateRDD: RDD<unknown> = previous ?? (this.spec.getInitialStateRDD() ?? sc.emptyRDD<[K, S]>()).partitionBy(this.partitioner);
    const dataRDD = (this.parent.getOrCompute(validTime) ?? sc.emptyRDD<[K, V]>()).partitionBy(this.partitioner);
    const timeout = this.spec.getTimeoutInterval();
    const rdd = new MapWithStateRDD<K, V, S, E>(
      prevStateRDD,
      dataRDD,
      this.spec.getFunction(),
      this.spec.isTimed(),
      validTime.milliseconds,
      timeout === undefined ? undefined : validTime.minus(timeout).milliseconds,
      previous === undefined,
      this.ssc.conf.getInt("spark.streaming.sessionByKey.deltaChainThreshold", DELTA_CHAIN_LENGTH_THRESHOLD),
    );
    rdd.creationSite = this.creationSite;
    return rdd;
  }
}
