import type { RDD } from "../../core/rdd/RDD.js";
import { ShuffleDependency } from "../../core/rdd/Dependency.js";
import type { SparkContext } from "../../core/SparkContext.js";

/**
 * Frees the shuffle output of RDDs that every stream has forgotten. Each batch creates new
 * shuffles, and nothing else removes them, so a long-running stream would otherwise keep every
 * batch's map output (and, through the scheduler's stages, its lineage). A shuffle still
 * reachable from a remembered RDD's lineage (up to its last checkpoint) is kept.
 */
export function cleanForgottenShuffles(sc: SparkContext, forgotten: ReadonlyArray<RDD<unknown>>, remembered: ReadonlyArray<RDD<unknown>>): void {
  if (forgotten.length === 0) return;
  const candidates = shuffleIds(forgotten);
  if (candidates.size === 0) return;
  const live = shuffleIds(remembered);
  for (const id of candidates) if (!live.has(id)) sc.dagScheduler.removeShuffle(id);
}

function shuffleIds(rdds: ReadonlyArray<RDD<unknown>>): Set<number> {
  const ids = new Set<number>();
  const seen = new Set<number>();
  const stack = [...rdds];
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    for (const dep of r.dependencies()) {
      if (dep instanceof ShuffleDependency) ids.add(dep.shuffleId);
      stack.push(dep.rdd);
    }
  }
  return ids;
}
