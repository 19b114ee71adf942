import { logger } from "./log.js";

type Cleanup = { kind: "shuffle" | "rdd" | "broadcast"; id: number };

export interface CleanupActions {
  shuffle(shuffleId: number): void;
  rdd(rddId: number): void;
  broadcast(broadcastId: number): void;
}

/**
 * Spark's ContextCleaner: once the application can no longer reach an RDD, a shuffle dependency or
 * a broadcast, its cached blocks, map output and executor copies are freed. A stream creates new
 * RDDs and shuffles every batch, so without this a long-running application would keep them all.
 * Reachability is the garbage collector's: a FinalizationRegistry says when an object is gone.
 */
export class ContextCleaner {
  private readonly registry: FinalizationRegistry<Cleanup>;
  private stopped = false;

  constructor(actions: CleanupActions) {
    this.registry = new FinalizationRegistry((c: Cleanup) => {
      if (this.stopped) return;
      try {
        actions[c.kind](c.id);
        logger().debug(`Cleaned ${c.kind} ${c.id}`);
      } catch (e) {
        logger().warn(`Error cleaning ${c.kind} ${c.id}: ${(e as Error).message}`);
      }
    });
  }

  registerShuffleForCleanup(dependency: object, shuffleId: number): void {
    this.registry.register(dependency, { kind: "shuffle", id: shuffleId });
  }

  registerRddForCleanup(rdd: object, rddId: number): void {
    this.registry.register(rdd, { kind: "rdd", id: rddId });
  }

  registerBroadcastForCleanup(broadcast: object, broadcastId: number): void {
    this.registry.register(broadcast, { kind: "broadcast", id: broadcastId });
  }

  stop(): void {
    this.stopped = true;
  }
}
