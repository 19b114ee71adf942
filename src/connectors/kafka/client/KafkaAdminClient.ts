import { setTimeout as delay } from "node:timers/promises";
import { Admin, FetchIsolationLevels } from "@platformatic/kafka";
import { KafkaException, TimeoutException, UnknownTopicOrPartitionException } from "../errors.js";
import { tpKey, type TopicPartitionLike } from "../TopicPartition.js";
import { describeBrokers, type KafkaClientConfig } from "./KafkaClientConfig.js";
import { brokerErrorNames, classifyClientError, describeClientError } from "./clientErrors.js";
import type { IsolationLevel } from "./KafkaConsumerClient.js";
import { libraryBaseOptions } from "./libraryOptions.js";
import type { OffsetToCommit } from "./KafkaProducerClient.js";

/** Kafka's `NewTopic`. */
export interface NewTopic {
  readonly name: string;
  readonly numPartitions?: number;
  readonly replicationFactor?: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface PartitionInfo {
  readonly partition: number;
  /** The leader's node id, or -1 while there is none. */
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicDescription {
  readonly name: string;
  readonly partitions: readonly PartitionInfo[];
}

export interface TopicPartitionOffset extends TopicPartitionLike {
  readonly offset: number;
}

const LATEST = -1n;
const EARLIEST = -2n;

/** Topic and offset administration: what tests, the direct stream's driver and the CLI need. */
export class KafkaAdminClient {
  private readonly admin: Admin;
  private readonly brokers: string;

  constructor(config: KafkaClientConfig) {
    this.brokers = describeBrokers(config.bootstrapServers);
    this.admin = new Admin(libraryBaseOptions(config, 3));
  }

  /**
   * Creates the topics and waits until every partition has a leader, so that a produce or a
   * fetch right after it succeeds. With `ifNotExists`, a topic that exists already is fine.
   */
  async createTopics(topics: readonly NewTopic[], options: { ifNotExists?: boolean; timeoutMs?: number } = {}): Promise<void> {
    for (const t of topics) {
      try {
        await this.admin.createTopics({
          topics: [t.name],
          partitions: t.numPartitions ?? 1,
          replicas: t.replicationFactor ?? 1,
          ...(t.configs ? { configs: Object.entries(t.configs).map(([name, value]) => ({ name, value })) } : {}),
        });
      } catch (e) {
        if (options.ifNotExists && brokerErrorNames(e).includes("TOPIC_ALREADY_EXISTS")) continue;
        throw new KafkaException(`Failed to create topic '${t.name}' at ${this.brokers}: ${describeClientError(e)}`, { cause: e });
      }
    }
    await this.awaitLeaders(
      topics.map((t) => t.name),
      options.timeoutMs ?? 30_000,
    );
  }

  private async awaitLeaders(names: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const md = await this.admin.metadata({ topics: [...names], forceUpdate: true });
        const ready = names.every((n) => {
          const t = md.topics.get(n);
          return t !== undefined && t.partitionsCount > 0 && t.partitions.every((p) => p !== undefined && p.leader >= 0);
        });
        if (ready) return;
      } catch (e) {
        if (classifyClientError(e) !== "unknown-topic" && classifyClientError(e) !== "unavailable") throw e;
      }
      if (Date.now() >= deadline) throw new TimeoutException(`Topics ${names.join(", ")} have no leader ${timeoutMs} ms after creation at ${this.brokers}`);
      await delay(50);
    }
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    try {
      await this.admin.deleteTopics({ topics: [...names] });
    } catch (e) {
      throw this.translate(e, `delete topics ${names.join(", ")}`);
    }
  }

  /** Topic names, without Kafka's internal topics. */
  async listTopics(): Promise<string[]> {
    try {
      return (await this.admin.listTopics({ includeInternals: false })).sort();
    } catch (e) {
      throw this.translate(e, "list topics");
    }
  }

  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    try {
      const md = await this.admin.metadata({ topics: [...names], forceUpdate: true });
      return names.map((name) => {
        const t = md.topics.get(name);
        if (!t) throw new UnknownTopicOrPartitionException(`Topic '${name}' does not exist on the brokers at ${this.brokers}`);
        return {
          name,
          partitions: t.partitions.map((p, partition) => ({ partition, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] })),
        };
      });
    } catch (e) {
      throw this.translate(e, `describe topics ${names.join(", ")}`);
    }
  }

  /** Grows a topic to `totalCount` partitions (Kafka never shrinks one). */
  async createPartitions(topic: string, totalCount: number): Promise<void> {
    try {
      await this.admin.createPartitions({ topics: [{ name: topic, count: totalCount }] });
    } catch (e) {
      throw this.translate(e, `create partitions for '${topic}'`);
    }
    await this.awaitLeaders([topic], 30_000);
  }

  /** The first offset still in each partition's log. */
  beginningOffsets(partitions: readonly TopicPartitionLike[]): Promise<TopicPartitionOffset[]> {
    return this.listOffsets(partitions, EARLIEST, "read_uncommitted");
  }

  /**
   * One past the last offset of each partition: the high watermark, or under read_committed the
   * last stable offset (the first offset of a still-open transaction).
   */
  endOffsets(partitions: readonly TopicPartitionLike[], isolationLevel: IsolationLevel = "read_uncommitted"): Promise<TopicPartitionOffset[]> {
    return this.listOffsets(partitions, LATEST, isolationLevel);
  }

  /** Every partition of the named topics. */
  async partitionsFor(topics: readonly string[]): Promise<TopicPartitionLike[]> {
    const described = await this.describeTopics(topics);
    return described.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
  }

  /**
   * Makes sure the library's cached metadata knows every partition before a call that looks
   * leaders up in it (and fails, or throws a TypeError, for a partition it does not know):
   * refreshed once when the topic has grown since it was cached.
   */
  private async knowPartitions(partitions: readonly TopicPartitionLike[]): Promise<void> {
    const topics = [...new Set(partitions.map((tp) => tp.topic))];
    const unknown = (md: Awaited<ReturnType<Admin["metadata"]>>): TopicPartitionLike | undefined =>
      partitions.find((tp) => tp.partition >= (md.topics.get(tp.topic)?.partitionsCount ?? 0));
    if (unknown(await this.admin.metadata({ topics })) === undefined) return;
    const md = await this.admin.metadata({ topics, forceUpdate: true });
    const missing = unknown(md);
    if (missing !== undefined) {
      throw new UnknownTopicOrPartitionException(
        `Partition ${missing.partition} of topic ${missing.topic} does not exist (the topic has ${md.topics.get(missing.topic)?.partitionsCount ?? 0} partitions) at ${this.brokers}`,
      );
    }
  }

  private async listOffsets(partitions: readonly TopicPartitionLike[], timestamp: bigint, isolation: IsolationLevel): Promise<TopicPartitionOffset[]> {
    if (partitions.length === 0) return [];
    const byTopic = new Map<string, number[]>();
    for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    try {
      await this.knowPartitions(partitions);
      const listed = await this.admin.listOffsets({
        topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })) })),
        isolationLevel: isolation === "read_committed" ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED,
      });
      const found = new Map<string, number>();
      for (const t of listed) for (const p of t.partitions) found.set(tpKey({ topic: t.name, partition: p.partitionIndex }), Number(p.offset));
      return partitions.map((tp) => {
        const offset = found.get(tpKey(tp));
        if (offset === undefined) throw new UnknownTopicOrPartitionException(`Partition ${tpKey(tp)} does not exist on the brokers at ${this.brokers}`);
        return { topic: tp.topic, partition: tp.partition, offset };
      });
    } catch (e) {
      throw this.translate(e, "list offsets");
    }
  }

  /** Deletes every record before each given offset (Kafka's `deleteRecords`): the log then starts there. */
  async deleteRecords(before: readonly TopicPartitionOffset[]): Promise<void> {
    const byTopic = new Map<string, Array<{ partition: number; offset: bigint }>>();
    for (const o of before) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: BigInt(o.offset) }]);
    try {
      await this.knowPartitions(before);
      await this.admin.deleteRecords({ topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) });
    } catch (e) {
      throw this.translate(e, "delete records");
    }
  }

  /** The offsets a consumer group has committed (the next offset each partition will read). */
  async listConsumerGroupOffsets(groupId: string): Promise<OffsetToCommit[]> {
    try {
      const [group] = await this.admin.listConsumerGroupOffsets({ groups: [groupId], requireStable: true });
      const out: OffsetToCommit[] = [];
      for (const t of group?.topics ?? []) {
        for (const p of t.partitions) if (p.committedOffset >= 0n) out.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset) });
      }
      return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    } catch (e) {
      throw this.translate(e, `list offsets of consumer group '${groupId}'`);
    }
  }

  /** Commits offsets for a group that has no active members (Spark's `commitAsync` from the driver). */
  async commitConsumerGroupOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<void> {
    if (offsets.length === 0) return;
    const byTopic = new Map<string, Array<{ partition: number; offset: bigint }>>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: BigInt(o.offset) }]);
    try {
      await this.admin.alterConsumerGroupOffsets({ groupId, topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })) });
    } catch (e) {
      throw this.translate(e, `commit offsets for consumer group '${groupId}'`);
    }
  }

  private translate(e: unknown, op: string): Error {
    if (e instanceof KafkaException) return e;
    if (classifyClientError(e) === "unknown-topic") {
      return new UnknownTopicOrPartitionException(`Failed to ${op} at ${this.brokers}: ${describeClientError(e)}`, { cause: e });
    }
    return new KafkaException(`Failed to ${op} at ${this.brokers}: ${describeClientError(e)}`, { cause: e });
  }

  async close(): Promise<void> {
    await this.admin.close();
  }
}
