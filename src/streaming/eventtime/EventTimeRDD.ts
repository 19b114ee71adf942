import { RDD } from "../../core/rdd/RDD.js";
import { OneToOneDependency } from "../../core/rdd/Dependency.js";
import type { TaskContext } from "../../core/scheduler/TaskContext.js";
import type { PlanArgs, PlanBuilder, ReviveEnv } from "../../core/executor/plan.js";
import { SparkException } from "../../core/errors.js";

/** A record with its event time in milliseconds, or, when the event time could not be read, null and the reason. */
export type TimedRecord<T> = [eventTime: number, record: T] | [eventTime: null, record: T, reason: string];

/** What happens to a record whose event time function throws or returns a non-finite number. */
export type InvalidEventTimePolicy = "fail" | "deadLetter";

/**
 * One batch of an event-time stream: each record of the parent with its event time. An
 * unreadable event time fails the task (Spark's way: the batch fails), or, under the
 * "deadLetter" policy, is kept with the reason so that it reaches the dead-letter stream.
 */
export class EventTimeRDD<T> extends RDD<TimedRecord<T>> {
  static override planModule = import.meta.url;
  private parent: RDD<T>;
  private readonly extractor: (record: T) => number;
  private readonly policy: InvalidEventTimePolicy;

  constructor(parent: RDD<T>, extractor: (record: T) => number, policy: InvalidEventTimePolicy) {
    super(parent.sc, [new OneToOneDependency(parent as RDD<unknown>)]);
    this.parent = parent;
    this.extractor = extractor;
    this.policy = policy;
  }

  getNumPartitions(): number {
    return this.parent.getNumPartitions();
  }

  *compute(split: number, ctx: TaskContext): Iterable<TimedRecord<T>> {
    const f = this.extractor;
    for (const r of this.parent.iterator(split, ctx)) {
      let reason: string;
      try {
        const t = f(r);
        if (typeof t === "number" && Number.isFinite(t)) {
          yield [t, r];
          continue;
        }
        reason = `the event time function returned ${describe(t)}, not a finite number of milliseconds`;
      } catch (e) {
        reason = `the event time function threw: ${(e as Error)?.message ?? String(e)}`;
      }
      if (this.policy === "deadLetter") yield [null, r, reason];
      else {
        throw new SparkException(
          `withEventTime: ${reason} for record ${describe(r)}. Return epoch milliseconds (e.g. Date.parse(s)), ` +
            `or pass { invalidEventTime: "deadLetter" } to send such records to deadLetters() instead of failing the batch.`,
        );
      }
    }
  }

  override planArgs(b: PlanBuilder): PlanArgs {
    return this.planArgsWith({ extractor: b.fn(this.extractor, "event time function"), policy: this.policy });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as EventTimeRDD<unknown>;
    rdd.parent = parents[0]!;
    return rdd;
  }
}

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "undefined" || typeof v === "boolean" || v === null) return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 200 ? `${s.slice(0, 200)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}
