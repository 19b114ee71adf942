import type { KafkaHeader, TimestampType } from "../ConsumerRecord.js";

/** A record as fetched, before its key and value are deserialized. */
export interface RawRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType: TimestampType;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly KafkaHeader[];
}
