/**
 * One record header. Kafka allows a key to repeat and a value to be null. Values are plain
 * `Uint8Array`s (not Buffers), which is what arrives from an executor thread, so results are the
 * same in `local[1]` and `local[N]`.
 */
export interface KafkaHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

export type TimestampType = "CreateTime" | "LogAppendTime";

/**
 * Kafka's `ConsumerRecord` as a plain object, so that it looks the same after it crosses from
 * an executor thread to the driver (a class instance would arrive without its prototype).
 * A null key or value stays null, as in Kafka, rather than becoming undefined.
 */
export interface ConsumerRecord<K, V> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly timestampType: TimestampType;
  readonly key: K;
  readonly value: V;
  readonly headers: readonly KafkaHeader[];
}
