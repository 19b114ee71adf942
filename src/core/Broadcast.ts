import { SparkException } from "./errors.js";
import { unpackValue } from "./serialization/blockCodec.js";

const SHIP = Symbol.for("dstream.ship");

/**
 * A read-only value sent once to every executor. Functions that capture a Broadcast travel
 * with its id only; executors read the value from their own store.
 */
export class Broadcast<T> {
  private destroyed = false;

  constructor(
    readonly id: number,
    private readonly data: T,
    private readonly onRemove?: (id: number, blocking: boolean) => void,
    /** Called when a task captures this broadcast, so executors that dropped it get it again. */
    private readonly onShip?: (id: number, value: T) => void,
  ) {}

  get value(): T {
    if (this.destroyed) {
      throw new SparkException(`Attempted to use Broadcast(${this.id}) after it was destroyed (destroy at ${this.destroyedAt})`);
    }
    return this.data;
  }

  private destroyedAt = "";

  /** Drops the executors' copies; the value is sent again if used later. */
  unpersist(blocking = false): void {
    this.onRemove?.(this.id, blocking);
  }

  destroy(blocking = false): void {
    this.destroyed = true;
    this.destroyedAt = new Error().stack?.split("\n")[2]?.trim() ?? "";
    this.onRemove?.(this.id, blocking);
  }

  [SHIP](): { handle: string; data: unknown } {
    if (this.destroyed) throw new SparkException(`Attempted to use Broadcast(${this.id}) after it was destroyed`);
    this.onShip?.(this.id, this.data);
    return { handle: "broadcast", data: { id: this.id } };
  }

  toString(): string {
    return `Broadcast(${this.id})`;
  }
}

/** An executor's broadcast values, sent by the driver as packed shared memory and decoded on first use. */
export class BroadcastStore {
  private readonly packed = new Map<number, SharedArrayBuffer>();
  private readonly decoded = new Map<number, unknown>();

  put(id: number, buf: SharedArrayBuffer): void {
    this.packed.set(id, buf);
    this.decoded.delete(id);
  }

  remove(id: number): void {
    this.packed.delete(id);
    this.decoded.delete(id);
  }

  get(id: number): unknown {
    if (this.decoded.has(id)) return this.decoded.get(id);
    const buf = this.packed.get(id);
    if (!buf) throw new SparkException(`Failed to get broadcast_${id} on this executor: it was unpersisted or never sent`);
    const v = unpackValue(new Uint8Array(buf));
    this.decoded.set(id, v);
    return v;
  }

  /** The object a captured Broadcast becomes inside an executor. */
  revive(data: unknown): { id: number; readonly value: unknown } {
    const id = (data as { id: number }).id;
    const store = this;
    return {
      id,
      get value() {
        return store.get(id);
      },
    };
  }
}
