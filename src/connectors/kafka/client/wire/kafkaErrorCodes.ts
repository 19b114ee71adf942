/**
 * Kafka's error codes by the names its protocol gives them (org.apache.kafka.common.protocol.Errors),
 * for the codes dstream's fetch path can meet; others are named by number.
 */
const NAMES: Readonly<Record<number, string>> = {
  [-1]: "UNKNOWN_SERVER_ERROR",
  1: "OFFSET_OUT_OF_RANGE",
  2: "CORRUPT_MESSAGE",
  3: "UNKNOWN_TOPIC_OR_PARTITION",
  5: "LEADER_NOT_AVAILABLE",
  6: "NOT_LEADER_OR_FOLLOWER",
  7: "REQUEST_TIMED_OUT",
  8: "BROKER_NOT_AVAILABLE",
  9: "REPLICA_NOT_AVAILABLE",
  13: "NETWORK_EXCEPTION",
  29: "TOPIC_AUTHORIZATION_FAILED",
  31: "CLUSTER_AUTHORIZATION_FAILED",
  35: "UNSUPPORTED_VERSION",
  56: "KAFKA_STORAGE_ERROR",
  57: "LOG_DIR_NOT_FOUND",
  74: "FENCED_LEADER_EPOCH",
  75: "UNKNOWN_LEADER_EPOCH",
  76: "UNSUPPORTED_COMPRESSION_TYPE",
  78: "OFFSET_NOT_AVAILABLE",
  100: "UNKNOWN_TOPIC_ID",
};

export function kafkaErrorName(code: number): string {
  return NAMES[code] ?? `KAFKA_ERROR_${code}`;
}

/**
 * A broker's error answer. `apiId` carries Kafka's error name, where the client library's errors
 * carry it too, so `classifyClientError` reads both alike.
 */
export class KafkaProtocolError extends Error {
  readonly apiId: string;

  constructor(
    readonly errorCode: number,
    what: string,
  ) {
    super(`${what}: the broker answered ${kafkaErrorName(errorCode)} (error code ${errorCode})`);
    this.name = "KafkaProtocolError";
    this.apiId = kafkaErrorName(errorCode);
  }
}
