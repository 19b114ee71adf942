import type { RDD } from "../../core/rdd/RDD.js";
import { callSite } from "../../core/rdd/callSite.js";
import { IllegalArgumentException } from "../../core/errors.js";
import { KafkaWriteRDD, type KafkaWriteStats } from "./KafkaWriteRDD.js";
import { producerSettings, type ProducerParams } from "./ProducerParams.js";
import type { SinkRecord } from "./SinkRecord.js";
import type { DStream } from "../../streaming/dstream/DStream.js";
import { TransactionalKafkaWriter, type TransactionalSinkOptions } from "./stream/TransactionalKafkaWriter.js";

export interface KafkaSinkOptions<T> {
  /** Producer settings by Kafka's names; at least `bootstrap.servers`. */
  readonly kafkaParams: ProducerParams;
  /**
   * Turns an element into a record: a value (string or bytes) or `{ key, value, headers, partition }`.
   * Without one, strings and bytes are values, `[key, value]` pairs set both, other values become JSON.
   */
  readonly serializer?: (x: T) => SinkRecord;
}

export interface KafkaWriteResult {
  /** Records sent and acknowledged. */
  readonly records: number;
  readonly partitions: readonly KafkaWriteStats[];
}

/** Writes RDDs (and, through `foreachRDD`, streams) to Kafka, and streams exactly once in transactions. */
export class KafkaSink {
  private constructor() {}

  /**
   * Spark's `foreachPartition` producer pattern: each partition is sent by the executor that
   * computes it, with that executor's cached producer (`KafkaProducerCache`), reused across
   * tasks and batches. Resolves when every record is acknowledged (at-least-once).
   */
  static async write<T>(rdd: RDD<T>, topic: string, options: KafkaSinkOptions<T>): Promise<KafkaWriteResult> {
    if (typeof topic !== "string" || topic.length === 0) throw new IllegalArgumentException("KafkaSink.write: topic must be a non-empty string");
    if (options.serializer !== undefined && typeof options.serializer !== "function") {
      throw new IllegalArgumentException("KafkaSink.write: serializer must be a function (element) => value or { key, value, headers }");
    }
    const writer = new KafkaWriteRDD<T>(rdd, topic, producerSettings(options.kafkaParams), options.serializer);
    writer.creationSite = callSite("KafkaSink.write");
    const partitions = await writer.collect();
    return { records: partitions.reduce((n, p) => n + p.records, 0), partitions };
  }

  /**
   * Kafka to Kafka exactly once: registers an output operation that writes each batch of
   * `stream` to `topic` in one Kafka transaction together with the offsets of the batch's input,
   * committed to the consumer group of each Kafka direct stream that `stream` is computed from.
   * A restarted application resumes from those offsets, and a `read_committed` consumer of
   * `topic` sees the result of every input record exactly once. The transaction runs on the
   * driver (see `TransactionalKafkaWriter` and docs/kafka.md for the trade-off).
   *
   * ```ts
   * const counts = stream.map((r) => r.value).flatMap((l) => l.split(" "))
   *   .map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b);
   * KafkaSink.writeTransactional(counts, "counts", { kafkaParams: { "bootstrap.servers": brokers }, transactionalId: "wordcount-1" });
   * ```
   */
  static writeTransactional<T>(stream: DStream<T>, topic: string, options: TransactionalSinkOptions<T>): TransactionalKafkaWriter<T> {
    const writer = new TransactionalKafkaWriter<T>(stream, topic, options);
    stream.foreachRDD(async (rdd, time) => {
      await writer.writeBatch(rdd, time);
    });
    return writer;
  }
}
