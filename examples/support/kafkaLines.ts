import type { DStream, StreamingContext } from "../../src/index.js";
import { ConsumerStrategies, KafkaUtils, LocationStrategies, StringDeserializer } from "../../src/connectors/kafka/index.js";

/**
 * The values of a Kafka topic as strings, read with the direct stream from the earliest offset:
 * the examples' real-data input. Examples import this module only when given a broker, so their
 * embedded defaults never load the Kafka client.
 */
export function kafkaLines(ssc: StreamingContext, bootstrap: string, topic: string, groupId: string): DStream<string> {
  const kafkaParams = {
    "bootstrap.servers": bootstrap,
    "group.id": groupId,
    "auto.offset.reset": "earliest",
    "key.deserializer": StringDeserializer,
    "value.deserializer": StringDeserializer,
  } as const;
  return KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(new Set([topic]), kafkaParams)).map((r) => r.value as string);
}
