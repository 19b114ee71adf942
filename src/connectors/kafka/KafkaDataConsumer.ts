import { EventEmitter } from "node:events";
import { addExecutorShutdownHook } from "../../core/executor/executorShutdown.js";
import { logger } from "../../core/log.js";
import { KafkaConsumerClient, type FetchWait } from "./client/KafkaConsumerClient.js";
import { settingsKey, type ExecutorConsumerSettings } from "./KafkaParams.js";
import type { FetchedRecords } from "./client/RecordBlock.js";
import { tpKey, type TopicPartitionLike } from "./TopicPartition.js";

/** A read that waits, as reported to listeners (tests, the UI) in the thread that reads. */
export interface KafkaReadWait extends FetchWait {
  readonly executorId: string;
}

interface Entry {
  readonly consumer: KafkaConsumerClient;
  readonly key: string;
  inUse: boolean;
}

/** Logged at the first retry of a read and then at most this often, so an outage is visible but not noisy. */
const LOG_EVERY_MS = 10_000;

/**
 * Spark's `KafkaDataConsumer`: the consumers of one executor, cached and reused across tasks and
 * batches, and closed when the executor stops. Spark keeps one consumer per (group, partition)
 * because a Java consumer is bound to its assignment and prefetches; a dstream consumer fetches
 * any assigned partition by offset with no state between reads, so one consumer per group and
 * connection settings serves every partition and holds one connection per broker.
 */
export class KafkaDataConsumer {
  private static readonly cache = new Map<string, Entry>();
  private static created = 0;
  private static reused = 0;
  /** Emits "wait" and "resume" with a `KafkaReadWait`, in the reading thread. */
  static readonly events = new EventEmitter();

  /**
   * Reads [fromOffset, untilOffset) of one partition with this executor's cached consumer,
   * waiting (and logging) while records are unavailable; fails after `pollTimeoutMs` without progress.
   */
  static async read(
    settings: ExecutorConsumerSettings,
    tp: TopicPartitionLike,
    fromOffset: number,
    untilOffset: number,
    opts: { pollTimeoutMs: number; useCache: boolean; maxCapacity: number; executorId: string },
  ): Promise<FetchedRecords> {
    const entry = opts.useCache ? this.acquire(settings, opts.maxCapacity) : { consumer: this.create(settings), key: "", inUse: true };
    const assigned = entry.consumer.assignment();
    if (!assigned.some((a) => tpKey(a) === tpKey(tp))) entry.consumer.assign([...assigned, tp]);
    let lastLog = 0;
    try {
      return await entry.consumer.fetchRecords(tp, fromOffset, untilOffset, {
        timeoutMs: opts.pollTimeoutMs,
        onWait: (w) => {
          const now = Date.now();
          if (now - lastLog >= LOG_EVERY_MS) {
            lastLog = now;
            const limit = Number.isFinite(opts.pollTimeoutMs) ? `up to ${opts.pollTimeoutMs} ms` : "until it is";
            logger().warn(
              `Kafka: executor ${opts.executorId} is waiting for ${tpKey(tp)} offsets [${fromOffset}, ${untilOffset}) at offset ${w.position}: ${w.reason}. ` +
                `Retrying ${limit} (spark.streaming.kafka.consumer.poll.ms); no record is skipped.`,
            );
          }
          this.events.emit("wait", { ...w, executorId: opts.executorId });
        },
        onResume: (w) => {
          logger().warn(`Kafka: executor ${opts.executorId} resumed reading ${tpKey(tp)} at offset ${w.position} after waiting ${w.waitedMs} ms.`);
          this.events.emit("resume", { ...w, executorId: opts.executorId });
        },
      });
    } finally {
      if (opts.useCache) this.release(entry);
      else await entry.consumer.close();
    }
  }

  private static create(settings: ExecutorConsumerSettings): KafkaConsumerClient {
    this.created++;
    return new KafkaConsumerClient(settings.client, settings.consumer);
  }

  private static acquire(settings: ExecutorConsumerSettings, maxCapacity: number): Entry {
    const key = settingsKey(settings);
    const found = this.cache.get(key);
    if (found && !found.inUse) {
      this.reused++;
      // Re-inserting keeps the map in least-recently-used order for eviction.
      this.cache.delete(key);
      this.cache.set(key, found);
      found.inUse = true;
      return found;
    }
    const entry: Entry = { consumer: this.create(settings), key, inUse: true };
    // A consumer in use (a concurrent read with the same settings) is not shared: this read gets
    // one of its own, outside the cache, closed when it is released.
    if (!found) this.cache.set(key, entry);
    this.evict(maxCapacity);
    return entry;
  }

  private static release(entry: Entry): void {
    entry.inUse = false;
    if (this.cache.get(entry.key) !== entry) void entry.consumer.close();
  }

  private static evict(maxCapacity: number): void {
    for (const [key, e] of this.cache) {
      if (this.cache.size <= maxCapacity) break;
      if (e.inUse) continue;
      this.cache.delete(key);
      void e.consumer.close();
    }
  }

  /** Counts for this thread's executor: consumers created, reads that reused one, consumers cached. */
  static stats(): { created: number; reused: number; cached: number } {
    return { created: this.created, reused: this.reused, cached: this.cache.size };
  }

  static async closeAll(): Promise<void> {
    const entries = [...this.cache.values()];
    this.cache.clear();
    await Promise.allSettled(entries.map((e) => e.consumer.close()));
  }
}

addExecutorShutdownHook(() => KafkaDataConsumer.closeAll());
