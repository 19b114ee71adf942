import type { RDD } from "../../core/rdd/RDD.js";
import { Partitioner } from "../../core/partitioner/Partitioner.js";
import { HashPartitioner } from "../../core/partitioner/HashPartitioner.js";
import { userFn, positiveInt } from "../../core/rdd/api/userFunction.js";
import { positiveDuration, type Duration, type DurationLike } from "../Duration.js";
import type { Time } from "../Time.js";
import type { State } from "./State.js";

/** `(time, key, value, state) => mapped | undefined`: Spark's full form; undefined emits nothing. */
export type TimedMappingFunction<K, V, S, E> = (time: Time, key: K, value: V | undefined, state: State<S>) => E | undefined | null;
/** `(key, value, state) => mapped`: every call's result is emitted. */
export type MappingFunction<K, V, S, E> = (key: K, value: V | undefined, state: State<S>) => E;

/**
 * Everything mapWithState needs: the mapping function and, optionally, initial states, the
 * partitioning of the state, and a timeout after which idle keys are removed.
 * Build it with `StateSpec.function(fn).initialState(rdd).numPartitions(n).timeout(d)`.
 */
export class StateSpec<K, V, S, E> {
  private initialStateRDD: RDD<[K, S]> | undefined = undefined;
  private statePartitioner: Partitioner | undefined = undefined;
  private timeoutInterval: Duration | undefined = undefined;

  private constructor(
    private readonly mappingFunction: Function,
    private readonly timed: boolean,
  ) {}

  /** A function declaring four parameters `(time, key, value, state)` is Spark's time-aware form. */
  static function<K, V, S, E>(mappingFunction: MappingFunction<K, V, S, E>): StateSpec<K, V, S, E>;
  static function<K, V, S, E>(mappingFunction: TimedMappingFunction<K, V, S, E>): StateSpec<K, V, S, E>;
  static function<K, V, S, E>(mappingFunction: Function): StateSpec<K, V, S, E> {
    userFn("StateSpec.function", mappingFunction, "mapping function");
    return new StateSpec<K, V, S, E>(mappingFunction, mappingFunction.length >= 4);
  }

  initialState(rdd: RDD<[K, S]>): this {
    if (rdd === null || typeof rdd !== "object" || typeof (rdd as { partitionBy?: unknown }).partitionBy !== "function") {
      throw new TypeError(`StateSpec.initialState: expected an RDD of [key, state] pairs, got ${String(rdd)}`);
    }
    this.initialStateRDD = rdd;
    return this;
  }

  numPartitions(numPartitions: number): this {
    this.statePartitioner = new HashPartitioner(positiveInt("StateSpec.numPartitions", "numPartitions", numPartitions));
    return this;
  }

  partitioner(partitioner: Partitioner): this {
    if (!(partitioner instanceof Partitioner)) throw new TypeError(`StateSpec.partitioner: expected a Partitioner, got ${String(partitioner)}`);
    this.statePartitioner = partitioner;
    return this;
  }

  /** Keys that receive no record for `idleDuration` get one last call with `state.isTimingOut()` and are removed. */
  timeout(idleDuration: DurationLike): this {
    this.timeoutInterval = positiveDuration(idleDuration, "StateSpec.timeout");
    return this;
  }

  /** @internal */
  getFunction(): Function {
    return this.mappingFunction;
  }

  /** @internal Whether the function is the time-aware form. */
  isTimed(): boolean {
    return this.timed;
  }

  /** @internal */
  getInitialStateRDD(): RDD<[K, S]> | undefined {
    return this.initialStateRDD;
  }

  /** @internal */
  getPartitioner(): Partitioner | undefined {
    return this.statePartitioner;
  }

  /** @internal */
  getTimeoutInterval(): Duration | undefined {
    return this.timeoutInterval;
  }
}
