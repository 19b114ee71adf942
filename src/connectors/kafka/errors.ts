/**
 * Kafka's exception classes, with Kafka's names and (where Kafka has one) Kafka's wording, so
 * that a Spark user's `catch` blocks and searches for a message still apply.
 */
export class KafkaException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KafkaException";
  }
}

/** A client setting that cannot work: a malformed broker address, an unknown deserializer. */
export class ConfigException extends KafkaException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigException";
  }
}

export class UnknownTopicOrPartitionException extends KafkaException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UnknownTopicOrPartitionException";
  }
}

/** The requested offsets are outside the partition's log (deleted by retention, or never written). */
export class OffsetOutOfRangeException extends KafkaException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OffsetOutOfRangeException";
  }
}

/** A key or value deserializer threw; the message names the record's topic, partition and offset. */
export class RecordDeserializationException extends KafkaException {
  constructor(
    message: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RecordDeserializationException";
  }
}

/** An operation did not complete within its configured time; the broker may be down. */
export class TimeoutException extends KafkaException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TimeoutException";
  }
}

/** Another producer with the same `transactional.id` has started: this one must be closed. */
export class ProducerFencedException extends KafkaException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ProducerFencedException";
  }
}

/** A partition has no committed offset, no starting offset was given, and `auto.offset.reset` is `none`. */
export class NoOffsetForPartitionException extends KafkaException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NoOffsetForPartitionException";
  }
}
