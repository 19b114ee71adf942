import type { KafkaHeader } from "./ConsumerRecord.js";
import { ConfigException } from "./errors.js";

/**
 * Turns a record's key or value bytes into a value, as Kafka's `Deserializer.deserialize(topic,
 * headers, data)` does. `data` is null for a null key or value. A function with no free variables
 * (`(b) => b && JSON.parse(b.toString())`) travels to executor threads by its source.
 */
export type Deserializer<T> = (data: Buffer | null, topic: string, headers: readonly KafkaHeader[]) => T;

/** Kafka's class names are accepted too, so `kafkaParams` port from Spark programs unchanged. */
export const StringDeserializer = "org.apache.kafka.common.serialization.StringDeserializer";
export const ByteArrayDeserializer = "org.apache.kafka.common.serialization.ByteArrayDeserializer";

export type DeserializerName =
  | "string"
  | "json"
  | "bytes"
  | typeof StringDeserializer
  | typeof ByteArrayDeserializer
  | "org.apache.kafka.common.serialization.BytesDeserializer";

/** What `key.deserializer` and `value.deserializer` accept: a built-in's name, or a function. */
export type DeserializerSpec<T> = DeserializerName | Deserializer<T>;

type Builtin = "string" | "json" | "bytes";

const ALIASES: Record<string, Builtin> = {
  string: "string",
  json: "json",
  bytes: "bytes",
  [StringDeserializer]: "string",
  [ByteArrayDeserializer]: "bytes",
  "org.apache.kafka.common.serialization.BytesDeserializer": "bytes",
};

const BUILTINS: Record<Builtin, Deserializer<unknown>> = {
  string: (data) => (data === null ? null : data.toString("utf8")),
  json: (data) => (data === null ? null : JSON.parse(data.toString("utf8"))),
  // A plain Uint8Array, as results arrive from executor threads; a copy, so a kept value does
  // not pin the whole fetch response in memory.
  bytes: (data) => (data === null ? null : new Uint8Array(data)),
};

/** Checks a `*.deserializer` setting where it is defined, so a typo fails before any job runs. */
export function checkDeserializer(param: string, spec: unknown): void {
  if (spec === undefined || typeof spec === "function") return;
  if (typeof spec === "string" && spec in ALIASES) return;
  throw new ConfigException(
    `Invalid value ${JSON.stringify(spec)} for configuration ${param}: use "string", "json", "bytes", ` +
      `a Kafka class name such as "${StringDeserializer}", or a function (data, topic, headers) => value.`,
  );
}

/** The deserializer a setting names; string when the setting is absent (dstream's default). */
export function resolveDeserializer(spec: unknown): Deserializer<unknown> {
  if (typeof spec === "function") return spec as Deserializer<unknown>;
  if (spec === undefined) return BUILTINS.string;
  return BUILTINS[ALIASES[spec as string]!];
}

/** True for the string deserializer (named, or by default), which a packed block reads without a Buffer per value. */
export function isStringDeserializer(spec: unknown): boolean {
  return spec === undefined || (typeof spec === "string" && ALIASES[spec] === "string");
}

/** How a deserializer is named in error messages. */
export function describeDeserializer(spec: unknown): string {
  if (spec === undefined) return "'string' (the default)";
  if (typeof spec === "function") return spec.name ? `function ${spec.name}` : "a function";
  return `'${String(spec)}'`;
}
