import type { DeserializerSpec } from "./deserializers.js";
import { checkDeserializer } from "./deserializers.js";
import { ConfigException } from "./errors.js";
import { clientConfigFromParams, intSetting, type KafkaClientConfig } from "./client/KafkaClientConfig.js";
import type { ConsumerClientOptions, IsolationLevel } from "./client/KafkaConsumerClient.js";

/**
 * Kafka consumer settings by Kafka's own property names, as Spark's `kafkaParams` map holds them.
 * Deserializers are a built-in's name or a function; every other value is a string or number.
 */
export interface KafkaParams<K = string | null, V = string> {
  /** Required (`host:port[,host:port...]`), under this name or Spark 0.8's `metadata.broker.list`. */
  readonly "bootstrap.servers"?: string | readonly string[];
  /** Spark 0.8's (Kafka 0.8's) name for `bootstrap.servers`, accepted with a note. */
  readonly "metadata.broker.list"?: string | readonly string[];
  readonly "key.deserializer"?: DeserializerSpec<K>;
  readonly "value.deserializer"?: DeserializerSpec<V>;
  readonly "group.id"?: string;
  readonly "isolation.level"?: IsolationLevel;
  readonly "client.id"?: string;
  readonly [setting: string]: unknown;
}

/** What an executor needs to build its consumer: plain data, so it travels inside a task's plan. */
export interface ExecutorConsumerSettings {
  readonly client: KafkaClientConfig;
  readonly consumer: ConsumerClientOptions;
}

function isolationLevel(params: Readonly<Record<string, unknown>>): IsolationLevel {
  const v = params["isolation.level"];
  if (v === undefined) return "read_uncommitted";
  const s = String(v).toLowerCase();
  if (s !== "read_committed" && s !== "read_uncommitted") {
    throw new ConfigException(`Invalid value ${String(v)} for configuration isolation.level: String must be one of: read_committed, read_uncommitted`);
  }
  return s;
}

/**
 * Spark's `KafkaUtils.fixKafkaParams` for executors: their consumers read fixed ranges, never
 * commit, and use the group id prefixed with `spark-executor-` so that they never join the
 * driver's group. Validates everything here, on the driver, where the RDD is defined.
 */
export function executorConsumerSettings(params: Readonly<Record<string, unknown>>): ExecutorConsumerSettings {
  checkDeserializer("key.deserializer", params["key.deserializer"]);
  checkDeserializer("value.deserializer", params["value.deserializer"]);
  const group = params["group.id"];
  const groupId = `spark-executor-${group === undefined ? "null" : String(group)}`;
  const client = clientConfigFromParams(params, groupId);
  return {
    client,
    consumer: {
      groupId,
      isolationLevel: isolationLevel(params),
      fetchMaxWaitMs: intSetting(params, "fetch.max.wait.ms", 500),
      fetchMaxBytes: intSetting(params, "fetch.max.bytes", 52_428_800),
      maxPartitionFetchBytes: intSetting(params, "max.partition.fetch.bytes", 1_048_576),
    },
  };
}

/** A stable key for a settings object, for caches of clients. */
export function settingsKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
