import { RDD } from "./RDD.js";
import type { SparkContext } from "../SparkContext.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs } from "../executor/plan.js";
import { IllegalArgumentException } from "../errors.js";
import { packRecords, toShared, unpackRecords } from "../serialization/blockCodec.js";

/** Spark's positional slicing: slice i holds elements [floor(i*n/p), floor((i+1)*n/p)). */
export function sliceBounds(n: number, numSlices: number): Array<[number, number]> {
  checkNumSlices(numSlices);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < numSlices; i++) out.push([Math.floor((i * n) / numSlices), Math.floor(((i + 1) * n) / numSlices)]);
  return out;
}

/** Spark's Int partition count: a fraction would give a partition count that no partition list matches. */
function checkNumSlices(numSlices: number): void {
  if (typeof numSlices !== "number" || !Number.isInteger(numSlices)) {
    throw new TypeError(`numSlices must be an integer number of partitions, got ${String(numSlices)}`);
  }
  if (numSlices < 1) throw new IllegalArgumentException("Positive number of partitions required");
}

/** A driver-side collection split into partitions. Executors receive each slice once, packed in shared memory. */
export class ParallelCollectionRDD<T> extends RDD<T> {
  static override planModule = import.meta.url;
  private slices: T[][] | undefined;
  private shared: SharedArrayBuffer[] | undefined;
  private numSlices: number;

  constructor(sc: SparkContext, data: readonly T[], numSlices: number) {
    super(sc, []);
    this.numSlices = numSlices;
    this.slices = sliceBounds(data.length, numSlices).map(([a, b]) => data.slice(a, b));
  }

  getNumPartitions(): number {
    return this.numSlices;
  }

  compute(split: number): Iterable<T> {
    if (this.slices) return this.slices[split]!;
    return unpackRecords<T>(new Uint8Array(this.shared![split]!));
  }

  override planArgs(): PlanArgs {
    this.shared ??= this.slices!.map((s) => toShared(packRecords(s)));
    return this.planArgsWith({ shared: this.shared, numSlices: this.numSlices });
  }
}

/** `sc.range`: numbers computed per partition, never materialized on the driver. */
export class RangeRDD extends RDD<number> {
  static override planModule = import.meta.url;
  private readonly start: number;
  private readonly step: number;
  private readonly length: number;
  private readonly numSlices: number;

  constructor(sc: SparkContext, start: number, end: number, step: number, numSlices: number) {
    super(sc, []);
    if (step === 0) throw new IllegalArgumentException("requirement failed: step cannot be 0");
    checkNumSlices(numSlices);
    this.start = start;
    this.step = step;
    this.length = Math.max(0, Math.ceil((end - start) / step));
    this.numSlices = numSlices;
  }

  getNumPartitions(): number {
    return this.numSlices;
  }

  *compute(split: number): Iterable<number> {
    const [a, b] = sliceBounds(this.length, this.numSlices)[split]!;
    for (let i = a; i < b; i++) yield this.start + i * this.step;
  }

  override computePush(split: number, _ctx: TaskContext, sink: (x: number) => void): void {
    const [a, b] = sliceBounds(this.length, this.numSlices)[split]!;
    for (let i = a; i < b; i++) sink(this.start + i * this.step);
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ start: this.start, step: this.step, length: this.length, numSlices: this.numSlices });
  }
}

export class EmptyRDD<T> extends RDD<T> {
  static override planModule = import.meta.url;
  constructor(sc: SparkContext) {
    super(sc, []);
  }
  getNumPartitions(): number {
    return 0;
  }
  compute(): Iterable<T> {
    return [];
  }
  override planArgs(): PlanArgs {
    return this.planArgsWith({});
  }
}
