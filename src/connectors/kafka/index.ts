/**
 * dstream's Kafka connector: Spark's kafka-0-10 integration (`KafkaUtils`, `OffsetRange`,
 * `HasOffsetRanges`, `ConsumerRecord`), a sink for the `foreachPartition` producer pattern, and
 * dstream's own client interface, which keeps the client library out of every other file.
 */
export { KafkaUtils } from "./KafkaUtils.js";
export { ConsumerStrategies, ConsumerStrategy, type StartingOffsets } from "./stream/ConsumerStrategy.js";
export { DirectKafkaInputDStream } from "./stream/DirectKafkaInputDStream.js";
export { PerPartitionConfig, DefaultPerPartitionConfig } from "./stream/PerPartitionConfig.js";
export type { CanCommitOffsets, OffsetCommitCallback } from "./stream/CanCommitOffsets.js";
export type { BrokerWait } from "./stream/waitForBrokers.js";
export { PIDRateEstimator } from "../../streaming/scheduler/rate/PIDRateEstimator.js";
export { RateController } from "../../streaming/scheduler/RateController.js";
export { createRateEstimator, type RateEstimator } from "../../streaming/scheduler/rate/RateEstimator.js";
export { KafkaRDD, type KafkaReadOptions } from "./KafkaRDD.js";
export { LocationStrategies, LocationStrategy } from "./LocationStrategies.js";
export { OffsetRange, hasOffsetRanges, type HasOffsetRanges } from "./OffsetRange.js";
export { TopicPartition } from "./TopicPartition.js";
export type { ConsumerRecord, KafkaHeader, TimestampType } from "./ConsumerRecord.js";
export type { KafkaParams } from "./KafkaParams.js";
export {
  StringDeserializer,
  ByteArrayDeserializer,
  type Deserializer,
  type DeserializerName,
  type DeserializerSpec,
} from "./deserializers.js";
export { KafkaDataConsumer, type KafkaReadWait } from "./KafkaDataConsumer.js";
export { KafkaProducerCache } from "./KafkaProducerCache.js";
export { KafkaSink, type KafkaSinkOptions, type KafkaWriteResult } from "./KafkaSink.js";
export { TransactionalKafkaWriter, type TransactionalSinkOptions, type TransactionalBatchResult } from "./stream/TransactionalKafkaWriter.js";
export type { KafkaWriteStats } from "./KafkaWriteRDD.js";
export type { SinkRecord } from "./SinkRecord.js";
export { producerSettings, type ProducerParams, type ProducerSettings } from "./ProducerParams.js";
export {
  KafkaException,
  ConfigException,
  UnknownTopicOrPartitionException,
  OffsetOutOfRangeException,
  RecordDeserializationException,
  TimeoutException,
  ProducerFencedException,
  NoOffsetForPartitionException,
} from "./errors.js";
export { KafkaClients } from "./KafkaClients.js";
export { KafkaAdminClient, type NewTopic, type TopicDescription, type PartitionInfo, type TopicPartitionOffset } from "./client/KafkaAdminClient.js";
export { KafkaConsumerClient, type IsolationLevel, type FetchWait, type FetchRangeOptions } from "./client/KafkaConsumerClient.js";
export {
  KafkaProducerClient,
  type ProducerRecord,
  type RecordMetadata,
  type OffsetToCommit,
  type ConsumerGroupMetadata,
  type HeaderInput,
  type Compression,
} from "./client/KafkaProducerClient.js";
export type { RawRecord } from "./client/RawRecord.js";
