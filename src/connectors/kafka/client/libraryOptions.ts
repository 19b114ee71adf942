import type { BaseOptions } from "@platformatic/kafka";
import type { KafkaClientConfig } from "./KafkaClientConfig.js";

/**
 * The client library's connection options for dstream's settings. `retries` is per operation
 * inside the library; callers that run their own wait-and-retry loop pass 0 so that every
 * failure reaches them (and their logs) at once.
 */
export function libraryBaseOptions(config: KafkaClientConfig, retries: number): BaseOptions {
  return {
    clientId: config.clientId,
    bootstrapBrokers: config.bootstrapServers.map((b) => ({ host: b.host, port: b.port })),
    timeout: config.requestTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    retries,
    retryDelay: 250,
    // Short, so that a moved leader or a new partition is noticed within a batch or two.
    metadataMaxAge: 5_000,
    ...(config.tls ? { tls: { ...(config.tls.ca ? { ca: config.tls.ca } : {}), rejectUnauthorized: config.tls.rejectUnauthorized } } : {}),
    ...(config.sasl ? { sasl: { mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password } } : {}),
  };
}
