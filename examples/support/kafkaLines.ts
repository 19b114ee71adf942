import type { DStream, StreamingContext } from "../../src/index.js";

/** The values of a Kafka topic as strings, read with the direct stream from the earliest offset: the examples' real-data input. */
export async function kafkaLines(ssc: StreamingContext, bootstrap: string, topic: string, groupId: string): Promise<DStream<string>> {
  const { ConsumerStrategies, KafkaUtils, LocationStrategies, StringDeserializer } = await import("../../src/connectors/kafka/index.js");
  const kafkaParams = {
    "bootstrap.servers": bootstrap,
    "group.id": groupId,
    "auto.offset.reset": "earliest",
    "key.deserializer": StringDeserializer,
    "value.deserializer": StringDeserializer,
  } as const;
  return KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(new Set([topic]), kafkaParams)).map((r) => r.value as string);
}
