import { NoSuchElementException, requireArg } from "../../core/errors.js";

/**
 * A key's state inside a mapWithState function: read it, update it or remove it. One object is
 * reused for every record of a partition, so do not keep it beyond the call.
 */
export class State<S> {
  private value: S | undefined = undefined;
  private defined = false;
  private timingOut = false;
  private updated = false;
  private removed = false;

  exists(): boolean {
    return this.defined;
  }

  get(): S {
    if (!this.defined) throw new NoSuchElementException("State is not set");
    return this.value as S;
  }

  /** The state, or undefined when there is none (Spark's `getOption`, with None as undefined). */
  getOption(): S | undefined {
    return this.defined ? (this.value as S) : undefined;
  }

  update(newState: S): void {
    requireArg(!this.removed, "Cannot update the state after it has been removed");
    requireArg(!this.timingOut, "Cannot update the state that is timing out");
    this.value = newState;
    this.defined = true;
    this.updated = true;
  }

  isTimingOut(): boolean {
    return this.timingOut;
  }

  remove(): void {
    requireArg(!this.timingOut, "Cannot remove the state that is timing out");
    requireArg(!this.removed, "Cannot remove the state that has already been removed");
    this.value = undefined;
    this.defined = false;
    this.updated = false;
    this.removed = true;
  }

  /** @internal */
  isRemoved(): boolean {
    return this.removed;
  }

  /** @internal */
  isUpdated(): boolean {
    return this.updated;
  }

  /** @internal Points this object at a key's state (`undefined`: the key has none). */
  wrap(state?: S): void {
    this.wrapState(state !== undefined, state);
  }

  /** @internal */
  wrapState(defined: boolean, state: S | undefined): void {
    this.value = defined ? state : undefined;
    this.defined = defined;
    this.timingOut = false;
    this.removed = false;
    this.updated = false;
  }

  /** @internal Points this object at a state that is being removed for timing out. */
  wrapTimingOutState(state: S): void {
    this.value = state;
    this.defined = true;
    this.timingOut = true;
    this.removed = false;
    this.updated = false;
  }

  toString(): string {
    return this.defined ? `State[${String(this.value)}]` : "State[<state not set>]";
  }
}
