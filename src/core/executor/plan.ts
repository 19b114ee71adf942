import type { RDD } from "../rdd/RDD.js";
import type { PartitionerDescriptor } from "../partitioner/Partitioner.js";
import { partitionerFromDescriptor } from "../partitioner/partitionerFromDescriptor.js";
import { reviveFunction } from "../closure/reviveFunction.js";
import type { FnRef, HandleRevivers } from "../closure/FnRef.js";

export type { PlanBuilder } from "./PlanBuilder.js";

/**
 * A stage's RDD chain as plain data, so a worker thread can rebuild it. Only function
 * references, partitioner descriptors, shared buffers and small parameters travel.
 */
export interface PlanArgs {
  id: number;
  storageLevel?: string;
  fields: Record<string, unknown>;
}

export type PlanNode =
  | { module: string; cls: string; args: PlanArgs; parents: PlanNode[] }
  | { sameAs: number };

export interface EncodedFn {
  $fn: FnRef;
}
export interface EncodedPartitioner {
  $partitioner: PartitionerDescriptor;
  /** A range partitioner's custom ordering (sortByKey with a key function). */
  $ordering?: EncodedFn;
}

/** What an executor needs to turn plan data back into functions and partitioners. */
export interface ReviveEnv {
  handles: HandleRevivers;
}

export function isEncodedFn(v: unknown): v is EncodedFn {
  return typeof v === "object" && v !== null && "$fn" in v;
}

/** Decodes function and partitioner markers in plain objects and arrays; leaves data buffers alone. */
export function decodeFields(value: unknown, env: ReviveEnv): unknown {
  if (Array.isArray(value)) return value.map((v) => decodeFields(v, env));
  if (typeof value !== "object" || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  if ("$fn" in value) return reviveFunction((value as EncodedFn).$fn, env.handles);
  if ("$partitioner" in value) {
    const e = value as EncodedPartitioner;
    const ordering = e.$ordering && (reviveFunction(e.$ordering.$fn, env.handles) as (a: unknown, b: unknown) => number);
    return partitionerFromDescriptor(e.$partitioner, ordering ? { ordering } : {});
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeFields(v, env);
  return out;
}

type Revivable = {
  revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown>;
};

const moduleCache = new Map<string, Promise<Record<string, unknown>>>();

/** Rebuilds a plan inside an executor. Shared parents (a diamond in the lineage) are rebuilt once. */
export async function rebuildPlan(node: PlanNode, env: ReviveEnv, memo = new Map<number, RDD<unknown>>()): Promise<RDD<unknown>> {
  if ("sameAs" in node) {
    const r = memo.get(node.sameAs);
    if (!r) throw new Error(`plan refers to RDD ${node.sameAs} before defining it`);
    return r;
  }
  const parents: Array<RDD<unknown>> = [];
  for (const p of node.parents) parents.push(await rebuildPlan(p, env, memo));
  let mod = moduleCache.get(node.module);
  if (!mod) {
    mod = import(node.module) as Promise<Record<string, unknown>>;
    moduleCache.set(node.module, mod);
  }
  const cls = (await mod)[node.cls] as Revivable | undefined;
  if (!cls || typeof cls.revive !== "function") {
    throw new Error(`executor: module ${node.module} exports no RDD class ${node.cls}`);
  }
  const args = { ...node.args, fields: decodeFields(node.args.fields, env) as Record<string, unknown> };
  const rdd = cls.revive(args, parents, env);
  memo.set(node.args.id, rdd);
  return rdd;
}
