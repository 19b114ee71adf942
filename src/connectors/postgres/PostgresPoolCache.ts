import pg from "pg";
import { addExecutorShutdownHook } from "../../core/executor/executorShutdown.js";

/**
 * The connection pools of one executor (one thread), one per connection string, reused across
 * tasks and batches and closed when the executor stops: the singleton a Spark program keeps in
 * an `object` for the `foreachPartition` pattern, so that a batch does not pay a connection's
 * TLS and authentication handshake per partition.
 */
export class PostgresPoolCache {
  private static readonly pools = new Map<string, pg.Pool>();
  private static created = 0;
  private static reused = 0;

  static getOrCreate(connectionString: string, max = 2): pg.Pool {
    const key = `${max} ${connectionString}`;
    const found = this.pools.get(key);
    if (found) {
      this.reused++;
      return found;
    }
    // A short connect timeout: a server that is down is reported (and retried) soon, not after the OS's minutes.
    const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 60_000 });
    // An idle client whose server went away emits an error on the pool: it is dropped, and the next checkout connects anew.
    pool.on("error", () => undefined);
    this.pools.set(key, pool);
    this.created++;
    return pool;
  }

  /** Counts for this thread's executor. */
  static stats(): { created: number; reused: number; cached: number } {
    return { created: this.created, reused: this.reused, cached: this.pools.size };
  }

  static async closeAll(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(all.map((p) => p.end()));
  }
}

addExecutorShutdownHook(() => PostgresPoolCache.closeAll());
