import type { SparkContext } from "../../core/SparkContext.js";
import { callSite } from "../../core/rdd/callSite.js";
import { logger } from "../../core/log.js";
import type { KafkaParams } from "./KafkaParams.js";
import { KafkaRDD } from "./KafkaRDD.js";
import type { OffsetRange } from "./OffsetRange.js";
import { IllegalArgumentException } from "../../core/errors.js";
import { LocationStrategies, LocationStrategy } from "./LocationStrategies.js";

/** Spark's `KafkaUtils` (kafka-0-10): Kafka sources for batch jobs. The direct stream joins it with the streaming layer. */
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
      logger().warn("group.id is null, you should probably set it");
    }
    const rdd = new KafkaRDD<K, V>(sc, kafkaParams, [...offsetRanges]);
    rdd.creationSite = callSite("createRDD");
    return rdd;
  }
}
