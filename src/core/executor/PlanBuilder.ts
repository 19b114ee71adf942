import type { RDD } from "../rdd/RDD.js";
import { NarrowDependency } from "../rdd/Dependency.js";
import type { Partitioner } from "../partitioner/Partitioner.js";
import { shipFunction } from "../closure/shipFunction.js";
import type { EncodedFn, EncodedPartitioner, PlanNode } from "./plan.js";

/** Why a stage could not be shipped: said once per cause so the user can make it parallel. */
export interface ShipFailure {
  what: string;
  reason: string;
  location?: string;
  key: object;
}

/**
 * Driver side of a plan: turns a stage's RDD chain into plain data, shipping every function
 * and partitioner it meets, and collecting every reason the stage must stay on the driver.
 * Executors never load this file, nor the closure analyzer behind it.
 */
export class PlanBuilder {
  readonly failures: ShipFailure[] = [];
  private readonly seen = new Set<number>();

  constructor(private readonly allowModule?: (id: number, sourceHash: string) => boolean) {}

  fn(f: Function, what = "function"): EncodedFn {
    const r = shipFunction(f, this.allowModule ? { allowModule: this.allowModule } : undefined);
    if (!r.ok) {
      this.failures.push({ what, reason: r.reason, location: r.location, key: f });
      return { $fn: { kind: "source", source: "undefined" } };
    }
    return { $fn: r.ref };
  }

  partitioner(p: Partitioner): EncodedPartitioner | undefined {
    const d = p.toDescriptor();
    if (!d) {
      this.failures.push({ what: `partitioner ${p.constructor.name}`, reason: "it has no descriptor an executor can rebuild", key: p });
      return undefined;
    }
    if (d.kind === "range" && d.customOrdering) {
      const ordering = (p as { customOrderingFunction?: Function }).customOrderingFunction;
      if (!ordering) {
        this.failures.push({ what: "range partitioner", reason: "its custom ordering function is not available", key: p });
        return undefined;
      }
      return { $partitioner: d, $ordering: this.fn(ordering, "sort ordering function") };
    }
    return { $partitioner: d };
  }


  /** A value that is data, not code (zero values, parameters): checked for shippability by cloning. */
  node(rdd: RDD<unknown>): PlanNode {
    if (this.seen.has(rdd.id)) return { sameAs: rdd.id };
    this.seen.add(rdd.id);
    const target = rdd.checkpointData?.checkpointRDD ?? rdd;
    const cls = target.constructor as unknown as { planModule?: string; name: string };
    const args = cls.planModule ? target.planArgs(this) : undefined;
    if (!args || !cls.planModule) {
      this.failures.push({
        what: `${cls.name}[${rdd.id}]`,
        reason: `${cls.name} does not declare a planModule, so executors cannot rebuild it`,
        key: cls,
      });
      return { module: "", cls: cls.name, args: { id: rdd.id, fields: {} }, parents: [] };
    }
    if (target !== rdd) {
      args.id = rdd.id;
      if (rdd.storageLevel.name !== "NONE") args.storageLevel = rdd.storageLevel.name;
    }
    const parents: PlanNode[] = [];
    for (const dep of target.dependencies()) {
      if (dep instanceof NarrowDependency) parents.push(this.node(dep.rdd));
    }
    return { module: cls.planModule, cls: cls.name, args, parents };
  }
}
