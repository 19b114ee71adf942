import type { SparkContext } from "../../core/SparkContext.js";
import { callSite } from "../../core/rdd/callSite.js";
import { warnOnceOnDriver } from "../../core/log.js";
import type { KafkaParams } from "./KafkaParams.js";
import { KafkaRDD } from "./KafkaRDD.js";
import type { OffsetRange } from "./OffsetRange.js";
import { IllegalArgumentException } from "../../core/errors.js";
import { LocationStrategies, LocationStrategy } from "./LocationStrategies.js";
import type { StreamingContext } from "../../streaming/StreamingContext.js";
import { ConsumerStrategy } from "./stream/ConsumerStrategy.js";
import { DirectKafkaInputDStream } from "./stream/DirectKafkaInputDStream.js";
import { DefaultPerPartitionConfig, PerPartitionConfig } from "./stream/PerPartitionConfig.js";

/** Spark's `KafkaUtils` (kafka-0-10): Kafka sources for batch jobs and streams. */
export class KafkaUtils {
  private constructor() {}

  /**
   * An RDD of the records in fixed offset ranges, one partition per range, read by the executors.
   * The ranges are copied: changing the array afterwards does not change the RDD.
   *
   * ```ts
   * const rdd = KafkaUtils.createRDD(sc, { "bootstrap.servers": "127.0.0.1:9092", "group.id": "g" },
   *   [OffsetRange.create("events", 0, 0, 100)], LocationStrategies.PreferConsistent);
   * const values = await rdd.map((r) => r.value).collect();
   * ```
   */
  static createRDD<K = string | null, V = string>(
    sc: SparkContext,
    kafkaParams: KafkaParams<K, V>,
    offsetRanges: readonly OffsetRange[],
    locationStrategy: LocationStrategy = LocationStrategies.PreferConsistent,
  ): KafkaRDD<K, V> {
    if (!(locationStrategy instanceof LocationStrategy)) {
      throw new IllegalArgumentException("createRDD: locationStrategy must be one of LocationStrategies.PreferConsistent, PreferBrokers or PreferFixed(...)");
    }
    if (kafkaParams["group.id"] === undefined) {
      warnOnceOnDriver("KafkaUtils.createRDD:group.id", "group.id is null, you should probably set it");
    }
    const rdd = new KafkaRDD<K, V>(sc, kafkaParams, [...offsetRanges]);
    rdd.creationSite = callSite("createRDD");
    return rdd;
  }

  /**
   * Spark's direct stream: each batch reads one offset range per topic-partition, fixed when the
   * batch is generated, with one RDD partition per Kafka partition read by the executors.
   * `spark.streaming.kafka.maxRatePerPartition` (or a `PerPartitionConfig`) caps each batch.
   *
   * ```ts
   * const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
   *   ConsumerStrategies.Subscribe(["events"], { "bootstrap.servers": "127.0.0.1:9092", "group.id": "app" }));
   * stream.foreachRDD(async (rdd) => {
   *   const offsetRanges = rdd.offsetRanges;
   *   // ... output ...
   *   stream.commitAsync(offsetRanges);
   * });
   * ```
   */
  static createDirectStream<K = string | null, V = string>(
    ssc: StreamingContext,
    locationStrategy: LocationStrategy,
    consumerStrategy: ConsumerStrategy<K, V>,
    perPartitionConfig?: PerPartitionConfig,
  ): DirectKafkaInputDStream<K, V> {
    if (!(locationStrategy instanceof LocationStrategy)) {
      throw new IllegalArgumentException("createDirectStream: locationStrategy must be one of LocationStrategies.PreferConsistent, PreferBrokers or PreferFixed(...)");
    }
    if (!(consumerStrategy instanceof ConsumerStrategy)) {
      throw new IllegalArgumentException("createDirectStream: consumerStrategy must come from ConsumerStrategies.Subscribe, SubscribePattern or Assign");
    }
    if (perPartitionConfig !== undefined && !(perPartitionConfig instanceof PerPartitionConfig)) {
      throw new IllegalArgumentException("createDirectStream: perPartitionConfig must extend PerPartitionConfig");
    }
    const ppc = perPartitionConfig ?? new DefaultPerPartitionConfig(ssc.conf);
    return new DirectKafkaInputDStream<K, V>(ssc, locationStrategy, consumerStrategy, ppc);
  }
}
