import { TaskContext, type TaskAccumulator } from "./scheduler/TaskContext.js";
import { appendAll } from "./util/appendAll.js";

const SHIP = Symbol.for("dstream.ship");

type Kind = "long" | "double" | "collection";

/**
 * Spark's AccumulatorV2: tasks add to it, the driver reads the merged value. Updates from a
 * worker are merged on the driver when the task succeeds.
 */
export abstract class AccumulatorV2<IN, OUT> {
  constructor(
    readonly id: number,
    readonly name: string | undefined,
    protected readonly kind: Kind,
  ) {}
  abstract add(v: IN): void;
  abstract get value(): OUT;
  abstract isZero(): boolean;
  abstract reset(): void;
  /** Merges the partial value a task sent back. */
  abstract mergeUpdate(update: unknown): void;

  [SHIP](): { handle: string; data: unknown } {
    return { handle: "accumulator", data: { id: this.id, kind: this.kind } };
  }

  toString(): string {
    return `${this.constructor.name}(id: ${this.id}, name: ${this.name === undefined ? "None" : `Some(${this.name})`}, value: ${String(this.value)})`;
  }
}

export class LongAccumulator extends AccumulatorV2<number, number> {
  private _sum = 0;
  private _count = 0;
  constructor(id: number, name?: string, kind: Kind = "long") {
    super(id, name, kind);
  }
  add(v: number): void {
    if (typeof v !== "number") throw new TypeError(`${this.constructor.name}.add: expected a number, got ${typeof v} ${String(v)}`);
    const p = taskPartial(this.id, this.kind);
    if (p) {
      p.sum += v;
      p.count++;
      return;
    }
    this._sum += v;
    this._count++;
  }
  get value(): number {
    const p = taskPartial(this.id, this.kind);
    return p ? p.sum : this._sum;
  }
  get sum(): number {
    return this._sum;
  }
  get count(): number {
    return this._count;
  }
  get avg(): number {
    return this._sum / this._count;
  }
  isZero(): boolean {
    return this._sum === 0 && this._count === 0;
  }
  reset(): void {
    this._sum = 0;
    this._count = 0;
  }
  mergeUpdate(update: unknown): void {
    const [sum, count] = update as [number, number];
    this._sum += sum;
    this._count += count;
  }
}

export class DoubleAccumulator extends LongAccumulator {
  constructor(id: number, name?: string) {
    super(id, name, "double");
  }
}

export class CollectionAccumulator<T> extends AccumulatorV2<T, T[]> {
  private items: T[] = [];
  constructor(id: number, name?: string) {
    super(id, name, "collection");
  }
  add(v: T): void {
    const p = taskPartial(this.id, this.kind);
    (p ? (p.items as T[]) : this.items).push(v);
  }
  get value(): T[] {
    const p = taskPartial(this.id, this.kind);
    return [...(p ? (p.items as T[]) : this.items)];
  }
  isZero(): boolean {
    return this.items.length === 0;
  }
  reset(): void {
    this.items = [];
  }
  mergeUpdate(update: unknown): void {
    appendAll(this.items, update as T[]);
  }
}

/** A task's own partial value of one accumulator, inside a worker. */
class TaskPartial implements TaskAccumulator {
  sum = 0;
  count = 0;
  items: unknown[] = [];
  constructor(
    readonly id: number,
    readonly kind: Kind,
  ) {}
  drainUpdate(): unknown {
    return this.kind === "collection" ? this.items : [this.sum, this.count];
  }
}

/**
 * The running task's partial value of an accumulator, or undefined outside a task. Adds made
 * by a task go here, in a worker and on the driver's own executor alike, and reach the
 * driver's value only when the task succeeds: a failed attempt's adds are dropped, so a
 * retried task counts once.
 */
function taskPartial(id: number, kind: Kind): TaskPartial | undefined {
  const ctx = TaskContext.get();
  if (!ctx) return undefined;
  let p = ctx.accumulators.get(id) as TaskPartial | undefined;
  if (!p) {
    p = new TaskPartial(id, kind);
    ctx.accumulators.set(id, p);
  }
  return p;
}

/** What a captured accumulator becomes inside a worker: adds go to the running task's partial value. */
export function reviveAccumulator(data: unknown): { add(v: unknown): void; readonly value: unknown } {
  const { id, kind } = data as { id: number; kind: Kind };
  const partial = (): TaskPartial => {
    const p = taskPartial(id, kind);
    if (!p) throw new Error(`Accumulator ${id} was used outside a running task`);
    return p;
  };
  return {
    add(v: unknown) {
      const p = partial();
      if (kind === "collection") p.items.push(v);
      else {
        p.sum += v as number;
        p.count++;
      }
    },
    get value() {
      const p = partial();
      return kind === "collection" ? [...p.items] : p.sum;
    },
  };
}
