import { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { Duration } from "../Duration.js";
import { DStream } from "./DStream.js";

/** Spark's default checkpoint interval for keyed state: ten batches. */
const DEFAULT_CHECKPOINT_DURATION_MULTIPLIER = 10;

/**
 * A stream of per-partition keyed state that each batch builds from the previous batch's
 * (mapWithState, event-time windows): kept in memory, and checkpointed every ten batches by
 * default, or its lineage would grow without bound.
 */
export abstract class KeyedStateDStream<T> extends DStream<T> {
  protected constructor(private readonly stateParent: DStream<unknown>) {
    super(stateParent.context);
    super.persist(StorageLevel.MEMORY_ONLY);
  }

  override get mustCheckpoint(): boolean {
    return true;
  }

  protected override defaultCheckpointDuration(): Duration {
    return this.slideDuration.times(DEFAULT_CHECKPOINT_DURATION_MULTIPLIER);
  }

  get slideDuration(): Duration {
    return this.stateParent.slideDuration;
  }

  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return [this.stateParent];
  }
}
