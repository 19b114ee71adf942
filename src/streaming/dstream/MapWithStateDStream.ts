import type { RDD } from "../../core/rdd/RDD.js";
import type { Duration, DurationLike } from "../Duration.js";
import type { Time } from "../Time.js";
import { DStream } from "./DStream.js";
import { InternalMapWithStateDStream } from "./InternalMapWithStateDStream.js";
import type { StateSpec } from "../state/StateSpec.js";
import type { MapWithStateRecord, CheckpointedMapWithStateRecord } from "../state/MapWithStateRecord.js";

type AnyRecord<K, S, E> = MapWithStateRecord<K, S, E> | CheckpointedMapWithStateRecord<K, S, E>;

/** The result of mapWithState: the mapped values, plus the states themselves through `stateSnapshots()`. */
export abstract class MapWithStateDStream<K, V, S, E> extends DStream<E> {
  /** Every key's state after each batch, initial states included. */
  abstract stateSnapshots(): DStream<[K, S]>;
}

export class MapWithStateDStreamImpl<K, V, S, E> extends MapWithStateDStream<K, V, S, E> {
  private readonly internalStream: InternalMapWithStateDStream<K, V, S, E>;

  constructor(parent: DStream<[K, V]>, spec: StateSpec<K, V, S, E>) {
    super(parent.context);
    this.internalStream = new InternalMapWithStateDStream(parent, spec);
  }

  override get simpleName(): string {
    return "MapWithStateDStream";
  }

  get slideDuration(): Duration {
    return this.internalStream.slideDuration;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [this.internalStream as DStream<unknown>];
  }

  compute(validTime: Time): RDD<E> | undefined {
    return this.internalStream.getOrCompute(validTime)?.flatMap((rec: AnyRecord<K, S, E>) => rec.mappedData);
  }

  stateSnapshots(): DStream<[K, S]> {
    return this.internalStream.flatMap((rec: AnyRecord<K, S, E>) =>
      "stateMap" in rec ? Array.from(rec.stateMap.getAll(), (e) => [e[0], e[1]] as [K, S]) : rec.states.map((e) => [e[0], e[1]] as [K, S]),
    );
  }

  /** The interval applies to the state stream, which is what gets checkpointed. */
  override checkpoint(interval: DurationLike): this {
    this.internalStream.checkpoint(interval);
    return this;
  }
}
