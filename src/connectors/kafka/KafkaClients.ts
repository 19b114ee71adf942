import { KafkaAdminClient } from "./client/KafkaAdminClient.js";
import { clientConfigFromParams, intSetting } from "./client/KafkaClientConfig.js";
import { KafkaConsumerClient } from "./client/KafkaConsumerClient.js";
import { KafkaProducerClient } from "./client/KafkaProducerClient.js";
import { executorConsumerSettings } from "./KafkaParams.js";
import { producerSettings, type ProducerParams } from "./ProducerParams.js";

/** Settings shared by every client, by Kafka's names. */
export interface AdminParams {
  /** Required (`host:port[,host:port...]`), under this name or Spark 0.8's `metadata.broker.list`. */
  readonly "bootstrap.servers"?: string | readonly string[];
  /** Spark 0.8's (Kafka 0.8's) name for `bootstrap.servers`, accepted with a note. */
  readonly "metadata.broker.list"?: string | readonly string[];
  readonly [setting: string]: unknown;
}

/**
 * dstream's Kafka clients from Kafka-named settings (`bootstrap.servers`, `group.id`,
 * `isolation.level`, `transactional.id`, ...). Every client must be closed.
 */
export class KafkaClients {
  private constructor() {}

  static admin(params: AdminParams): KafkaAdminClient {
    return new KafkaAdminClient(clientConfigFromParams(params, "dstream-admin"));
  }

  /** A consumer for manual `assign` and fixed-range reads; `group.id` is used as given. */
  static consumer(params: AdminParams): KafkaConsumerClient {
    const s = executorConsumerSettings(params);
    const groupId = params["group.id"] === undefined ? "dstream" : String(params["group.id"]);
    return new KafkaConsumerClient(clientConfigFromParams(params, groupId), {
      ...s.consumer,
      groupId,
      fetchMaxWaitMs: intSetting(params, "fetch.max.wait.ms", 500),
    });
  }

  static producer(params: ProducerParams): KafkaProducerClient {
    const s = producerSettings(params);
    return new KafkaProducerClient(s.client, s.producer);
  }
}
