import { ConfigException } from "./errors.js";
import { clientConfigFromParams, intSetting, type KafkaClientConfig } from "./client/KafkaClientConfig.js";
import type { Compression, ProducerClientOptions } from "./client/KafkaProducerClient.js";

/** Kafka producer settings by Kafka's property names. Defaults are Kafka 3+'s: acks=all, idempotence on. */
export interface ProducerParams {
  /** Required (`host:port[,host:port...]`), under this name or Spark 0.8's `metadata.broker.list`. */
  readonly "bootstrap.servers"?: string | readonly string[];
  /** Spark 0.8's (Kafka 0.8's) name for `bootstrap.servers`, accepted with a note. */
  readonly "metadata.broker.list"?: string | readonly string[];
  readonly acks?: "all" | "-1" | "0" | "1" | -1 | 0 | 1;
  readonly "enable.idempotence"?: boolean | "true" | "false";
  readonly "transactional.id"?: string;
  readonly "transaction.timeout.ms"?: number | string;
  readonly "compression.type"?: Compression;
  readonly "client.id"?: string;
  readonly [setting: string]: unknown;
}

/** A producer's settings as plain data: they travel to executors inside a task's plan. */
export interface ProducerSettings {
  readonly client: KafkaClientConfig;
  readonly producer: ProducerClientOptions;
}

function acks(v: unknown): 0 | 1 | -1 {
  if (v === undefined || v === "all" || v === "-1" || v === -1) return -1;
  if (v === "0" || v === 0) return 0;
  if (v === "1" || v === 1) return 1;
  throw new ConfigException(`Invalid value ${String(v)} for configuration acks: String must be one of: all, -1, 0, 1`);
}

function bool(key: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  throw new ConfigException(`Invalid value ${String(v)} for configuration ${key}: Expected value to be either true or false`);
}

const COMPRESSIONS: readonly Compression[] = ["none", "gzip", "snappy", "lz4", "zstd"];

/** Validated producer settings, as Kafka's `ProducerConfig` would accept them. */
export function producerSettings(params: Readonly<Record<string, unknown>>): ProducerSettings {
  const transactionalId = params["transactional.id"] === undefined ? undefined : String(params["transactional.id"]);
  const a = acks(params["acks"]);
  // Kafka turns idempotence off by default when acks is not "all", and requires it for transactions.
  const idempotent = bool("enable.idempotence", params["enable.idempotence"], a === -1);
  if (idempotent && a !== -1) throw new ConfigException('Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.');
  if (transactionalId !== undefined && !idempotent) throw new ConfigException("Cannot set a transactional.id without also enabling idempotence.");
  const compression = String(params["compression.type"] ?? "none") as Compression;
  if (!COMPRESSIONS.includes(compression)) {
    throw new ConfigException(`Invalid value ${compression} for configuration compression.type: String must be one of: ${COMPRESSIONS.join(", ")}`);
  }
  return {
    client: clientConfigFromParams(params, transactionalId ? `producer-${transactionalId}` : "dstream-producer"),
    producer: {
      acks: a,
      idempotent,
      ...(transactionalId !== undefined ? { transactionalId } : {}),
      transactionTimeoutMs: intSetting(params, "transaction.timeout.ms", 60_000),
      compression,
      maxBlockMs: intSetting(params, "max.block.ms", 60_000),
    },
  };
}
