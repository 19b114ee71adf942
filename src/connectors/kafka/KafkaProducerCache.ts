import { addExecutorShutdownHook } from "../../core/executor/executorShutdown.js";
import { KafkaProducerClient } from "./client/KafkaProducerClient.js";
import { settingsKey } from "./KafkaParams.js";
import { producerSettings, type ProducerParams, type ProducerSettings } from "./ProducerParams.js";

function isSettings(x: ProducerParams | ProducerSettings): x is ProducerSettings {
  return typeof (x as ProducerSettings).client === "object" && typeof (x as ProducerSettings).producer === "object";
}

/**
 * The producers of one executor (one thread), one per distinct settings, reused across tasks and
 * batches and closed when the executor stops. This is the singleton Spark programs keep in an
 * `object` for the `foreachPartition` pattern:
 *
 * ```ts
 * rdd.foreachPartition(async (records) => {
 *   const producer = KafkaProducerCache.getOrCreate({ "bootstrap.servers": "127.0.0.1:9092" });
 *   await producer.send([...records].map((r) => ({ topic: "out", value: r })));
 * });
 * ```
 */
export class KafkaProducerCache {
  private static readonly producers = new Map<string, KafkaProducerClient>();
  private static created = 0;
  private static reused = 0;

  /** The cached producer for these settings, created on first use. */
  static getOrCreate(params: ProducerParams | ProducerSettings): KafkaProducerClient {
    return this.lookup(params).producer;
  }

  /** As `getOrCreate`, also saying whether the producer was created by this call. */
  static lookup(params: ProducerParams | ProducerSettings): { producer: KafkaProducerClient; created: boolean } {
    const settings = isSettings(params) ? params : producerSettings(params);
    const key = settingsKey(settings);
    const found = this.producers.get(key);
    if (found) {
      this.reused++;
      return { producer: found, created: false };
    }
    const producer = new KafkaProducerClient(settings.client, settings.producer);
    this.producers.set(key, producer);
    this.created++;
    return { producer, created: true };
  }

  /** Closes and forgets the producer for these settings, e.g. after it was fenced. */
  static async invalidate(params: ProducerParams | ProducerSettings): Promise<void> {
    const key = settingsKey(isSettings(params) ? params : producerSettings(params));
    const p = this.producers.get(key);
    this.producers.delete(key);
    await p?.close();
  }

  /** Counts for this thread's executor. */
  static stats(): { created: number; reused: number; cached: number } {
    return { created: this.created, reused: this.reused, cached: this.producers.size };
  }

  static async closeAll(): Promise<void> {
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.allSettled(all.map((p) => p.close()));
  }
}

addExecutorShutdownHook(() => KafkaProducerCache.closeAll());
