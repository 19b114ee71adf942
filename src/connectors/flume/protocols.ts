import avro from "avsc";

/**
 * The two Avro protocols the connector speaks, as their IDL files define them (Flume's
 * flume-ng-sdk AvroSourceProtocol.avdl, Spark's flume-sink sparkflume.avdl); checked against the
 * PROTOCOL constants of the jars the tests run. The handshake matches messages by name, so the
 * protocols' doc strings (which change their hash) do not matter.
 */
export const AVRO_SOURCE_PROTOCOL = {
  protocol: "AvroSourceProtocol",
  namespace: "org.apache.flume.source.avro",
  types: [
    { type: "enum", name: "Status", symbols: ["OK", "FAILED", "UNKNOWN"] },
    {
      type: "record",
      name: "AvroFlumeEvent",
      fields: [
        { name: "headers", type: { type: "map", values: "string" } },
        { name: "body", type: "bytes" },
      ],
    },
  ],
  messages: {
    append: { request: [{ name: "event", type: "AvroFlumeEvent" }], response: "Status" },
    appendBatch: { request: [{ name: "events", type: { type: "array", items: "AvroFlumeEvent" } }], response: "Status" },
  },
} as const;

export const SPARK_FLUME_PROTOCOL = {
  protocol: "SparkFlumeProtocol",
  namespace: "org.apache.spark.streaming.flume.sink",
  types: [
    {
      type: "record",
      name: "SparkSinkEvent",
      fields: [
        { name: "headers", type: { type: "map", values: "string" } },
        { name: "body", type: "bytes" },
      ],
    },
    {
      type: "record",
      name: "EventBatch",
      fields: [
        { name: "errorMsg", type: "string", default: "" },
        { name: "sequenceNumber", type: "string" },
        { name: "events", type: { type: "array", items: "SparkSinkEvent" } },
      ],
    },
  ],
  messages: {
    getEventBatch: { request: [{ name: "n", type: "int" }], response: "EventBatch" },
    ack: { request: [{ name: "sequenceNumber", type: "string" }], response: "null" },
    nack: { request: [{ name: "sequenceNumber", type: "string" }], response: "null" },
  },
} as const;

/** What avsc decodes an AvroFlumeEvent or SparkSinkEvent into. */
export interface WireEvent {
  headers: Record<string, string>;
  body: Buffer;
}

export interface WireEventBatch {
  errorMsg: string;
  sequenceNumber: string;
  events: WireEvent[];
}

export type AvroStatus = "OK" | "FAILED" | "UNKNOWN";

let sourceService: avro.Service | undefined;
let sparkService: avro.Service | undefined;

export function avroSourceService(): avro.Service {
  return (sourceService ??= avro.Service.forProtocol(AVRO_SOURCE_PROTOCOL));
}

export function sparkFlumeService(): avro.Service {
  return (sparkService ??= avro.Service.forProtocol(SPARK_FLUME_PROTOCOL));
}
