import { StateMap } from "./StateMap.js";

/** How a record looks after a checkpoint round trip: plain data. */
export interface CheckpointedMapWithStateRecord<K, S, E> {
  states: Array<[K, S, number]>;
  mappedData: E[];
}

/**
 * The single element of each partition of a mapWithState stream's internal RDD: the
 * partition's states and what the mapping function emitted this batch.
 */
export class MapWithStateRecord<K, S, E> {
  constructor(
    readonly stateMap: StateMap<K, S>,
    readonly mappedData: E[],
  ) {}

  /** Checkpoint files hold the flattened states; `from` rebuilds the map. */
  toJSON(): CheckpointedMapWithStateRecord<K, S, E> {
    return { states: [...this.stateMap.getAll()], mappedData: this.mappedData };
  }

  static from<K, S, E>(x: MapWithStateRecord<K, S, E> | CheckpointedMapWithStateRecord<K, S, E>, deltaChainThreshold?: number): MapWithStateRecord<K, S, E> {
    if (x instanceof MapWithStateRecord) return x;
    return new MapWithStateRecord(StateMap.fromEntries(x.states, deltaChainThreshold), x.mappedData);
  }
}
