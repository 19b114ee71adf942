/**
 * The real broker every Kafka test uses, at KAFKA_BOOTSTRAP (default 127.0.0.1:9092). A test
 * that cannot reach it fails with the command that starts it: it never skips.
 */
import { after, before } from "node:test";
import {
  KafkaClients,
  type KafkaAdminClient,
  type KafkaProducerClient,
  type ProducerRecord,
} from "../../../src/connectors/kafka/index.js";

export const BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
export const START_COMMAND = `bash scripts/kafka.sh start${process.env.KAFKA_BOOTSTRAP ? ` (with KAFKA_BOOTSTRAP=${process.env.KAFKA_BOOTSTRAP})` : ""}`;

let counter = 0;
/** A topic name no other test (or earlier run) uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

export interface Broker {
  readonly admin: KafkaAdminClient;
  readonly producer: KafkaProducerClient;
  createTopic(name: string, partitions?: number): Promise<string>;
  /** Sends the records, one partition at a time in order, and resolves when they are acknowledged. */
  produce(records: readonly ProducerRecord[]): Promise<void>;
  endOffset(topic: string, partition: number): Promise<number>;
}

/**
 * Registers the calling file's one root `before` hook (Node 20 runs several root hooks at once,
 * so a file must not add another): connect to the broker, failing loudly if it is down, then run
 * `setup`. The clients are closed in an `after` hook.
 */
export function useBroker(setup?: () => Promise<void>): Broker {
  let admin: KafkaAdminClient | undefined;
  let producer: KafkaProducerClient | undefined;
  before(async () => {
    const probe = KafkaClients.admin({ "bootstrap.servers": BOOTSTRAP, "socket.connection.setup.timeout.ms": 3000, "request.timeout.ms": 5000 });
    try {
      await probe.listTopics();
    } catch (e) {
      throw new Error(`No Kafka broker answers at ${BOOTSTRAP}: ${(e as Error).message}\nStart one with: ${START_COMMAND}`, { cause: e });
    } finally {
      await probe.close();
    }
    admin = KafkaClients.admin({ "bootstrap.servers": BOOTSTRAP });
    producer = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP });
    await setup?.();
  });
  after(async () => {
    await Promise.all([admin?.close(), producer?.close()]);
  });
  const need = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error(`the Kafka test clients are not connected (start the broker with: ${START_COMMAND})`);
    return x;
  };
  return {
    get admin() {
      return need(admin);
    },
    get producer() {
      return need(producer);
    },
    async createTopic(name, partitions = 1) {
      await need(admin).createTopics([{ name, numPartitions: partitions }]);
      return name;
    },
    async produce(records) {
      await need(producer).send(records);
    },
    async endOffset(topic, partition) {
      const [end] = await need(admin).endOffsets([{ topic, partition }]);
      return end!.offset;
    },
  };
}

/** `n` records for one partition: key `k<i>`, value `<prefix>-<i>`, header `i`. */
export function numbered(topic: string, partition: number, n: number, prefix = "v"): ProducerRecord[] {
  return Array.from({ length: n }, (_, i) => ({ topic, partition, key: `k${i}`, value: `${prefix}-${i}`, headers: { i: String(i) } }));
}
