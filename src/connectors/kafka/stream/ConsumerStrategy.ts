import { IllegalArgumentException } from "../../../core/errors.js";
import type { KafkaAdminClient } from "../client/KafkaAdminClient.js";
import type { KafkaParams } from "../KafkaParams.js";
import { UnknownTopicOrPartitionException } from "../errors.js";
import { TopicPartition, tpKey, type TopicPartitionLike } from "../TopicPartition.js";

/**
 * Starting offsets by partition, as Spark's `offsets: Map[TopicPartition, Long]`: a Map, or
 * pairs, or `{ topic, partition, offset }` objects.
 */
export type StartingOffsets =
  | ReadonlyMap<TopicPartition, number>
  | Iterable<readonly [TopicPartition | TopicPartitionLike, number]>
  | Iterable<{ readonly topic: string; readonly partition: number; readonly offset: number }>;

/**
 * Spark's `ConsumerStrategy`: which partitions a direct stream reads, with which Kafka
 * parameters, and where it begins. Get one from `ConsumerStrategies`.
 *
 * Spark's strategies build the driver's `KafkaConsumer`; dstream's driver never consumes, it
 * only looks up partitions and offsets, so a strategy answers `partitions` with the admin
 * client. A subclass can choose partitions any way it likes.
 */
export abstract class ConsumerStrategy<K = string | null, V = string> {
  /** The parameters of the driver's lookups and, with Spark's fixes (`spark-executor-` group), of the executors' reads. */
  abstract get executorKafkaParams(): KafkaParams<K, V>;

  /** Offsets to begin at on first start, by `topic-partition`; other partitions use the group's committed offset or `auto.offset.reset`. */
  abstract get offsets(): ReadonlyMap<string, number>;

  /** The partitions to read now. Called when the stream starts and for every batch, so that new partitions are picked up. */
  abstract partitions(admin: KafkaAdminClient): Promise<TopicPartitionLike[]>;

  /** How errors and logs name the strategy, e.g. "Subscribe(events, clicks)". */
  abstract toString(): string;
}

function normalizeOffsets(offsets: StartingOffsets | undefined, where: string): Map<string, number> {
  const out = new Map<string, number>();
  if (offsets === undefined || offsets === null) return out;
  if (typeof (offsets as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new IllegalArgumentException(`${where}: offsets must be a Map from TopicPartition to offset, or [TopicPartition, offset] pairs`);
  }
  for (const entry of offsets as Iterable<unknown>) {
    let tp: TopicPartitionLike;
    let offset: unknown;
    if (Array.isArray(entry)) [tp, offset] = entry as [TopicPartitionLike, unknown];
    else {
      const e = entry as { topic: string; partition: number; offset: unknown };
      tp = e;
      offset = e.offset;
    }
    if (!tp || typeof tp.topic !== "string" || !Number.isInteger(tp.partition)) {
      throw new IllegalArgumentException(`${where}: an offset is keyed by ${String(tp)}, not a TopicPartition`);
    }
    if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) {
      throw new IllegalArgumentException(`${where}: the offset for ${tpKey(tp)} must be a non-negative integer, got ${String(offset)}`);
    }
    out.set(tpKey(tp), offset);
  }
  return out;
}

function checkParams(params: unknown, where: string): void {
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new IllegalArgumentException(`${where}: kafkaParams must be an object of Kafka settings, e.g. { "bootstrap.servers": "127.0.0.1:9092", "group.id": "app" }`);
  }
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

function checkTopic(topic: unknown, where: string): string {
  if (typeof topic !== "string" || !TOPIC_NAME.test(topic) || topic === "." || topic === "..") {
    throw new IllegalArgumentException(`${where}: ${JSON.stringify(topic)} is not a legal topic name (letters, digits, '.', '_' and '-', at most 249 characters)`);
  }
  return topic;
}

class Subscribe<K, V> extends ConsumerStrategy<K, V> {
  constructor(
    readonly topics: readonly string[],
    private readonly params: KafkaParams<K, V>,
    private readonly startAt: ReadonlyMap<string, number>,
  ) {
    super();
  }

  get executorKafkaParams(): KafkaParams<K, V> {
    return this.params;
  }

  get offsets(): ReadonlyMap<string, number> {
    return this.startAt;
  }

  /** Every partition of every topic; a topic that does not exist is an error naming it. */
  async partitions(admin: KafkaAdminClient): Promise<TopicPartitionLike[]> {
    try {
      return await admin.partitionsFor(this.topics);
    } catch (e) {
      if (!(e instanceof UnknownTopicOrPartitionException)) throw e;
      throw new UnknownTopicOrPartitionException(`${e.message}. Create the topic, or check the name given to Subscribe(${this.topics.join(", ")}).`, { cause: e });
    }
  }

  toString(): string {
    return `Subscribe(${this.topics.join(", ")})`;
  }
}

class SubscribePattern<K, V> extends ConsumerStrategy<K, V> {
  private readonly matcher: RegExp;

  constructor(
    readonly pattern: RegExp,
    private readonly params: KafkaParams<K, V>,
    private readonly startAt: ReadonlyMap<string, number>,
  ) {
    super();
    // Without the g and y flags a RegExp keeps no state between tests.
    this.matcher = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
  }

  get executorKafkaParams(): KafkaParams<K, V> {
    return this.params;
  }

  get offsets(): ReadonlyMap<string, number> {
    return this.startAt;
  }

  /** Java's `Pattern.matcher(topic).matches()`: the whole name must match, not just a part of it. */
  matches(topic: string): boolean {
    const m = this.matcher.exec(topic);
    return m !== null && m.index === 0 && m[0].length === topic.length;
  }

  /** The partitions of the topics that match now: a topic created later is picked up by a later batch. */
  async partitions(admin: KafkaAdminClient): Promise<TopicPartitionLike[]> {
    const topics = (await admin.listTopics()).filter((t) => this.matches(t));
    return topics.length === 0 ? [] : admin.partitionsFor(topics);
  }

  toString(): string {
    return `SubscribePattern(${String(this.pattern)})`;
  }
}

class Assign<K, V> extends ConsumerStrategy<K, V> {
  constructor(
    readonly topicPartitions: readonly TopicPartitionLike[],
    private readonly params: KafkaParams<K, V>,
    private readonly startAt: ReadonlyMap<string, number>,
  ) {
    super();
  }

  get executorKafkaParams(): KafkaParams<K, V> {
    return this.params;
  }

  get offsets(): ReadonlyMap<string, number> {
    return this.startAt;
  }

  /** Exactly the assigned partitions; one the cluster does not have is an error naming it. */
  async partitions(admin: KafkaAdminClient): Promise<TopicPartitionLike[]> {
    const existing = new Set((await admin.partitionsFor([...new Set(this.topicPartitions.map((tp) => tp.topic))])).map(tpKey));
    const missing = this.topicPartitions.filter((tp) => !existing.has(tpKey(tp)));
    if (missing.length > 0) {
      throw new UnknownTopicOrPartitionException(`Assign: partition(s) ${missing.map(tpKey).join(", ")} do not exist: the topic has fewer partitions. Create them, or assign existing ones.`);
    }
    return [...this.topicPartitions];
  }

  toString(): string {
    return `Assign(${this.topicPartitions.map(tpKey).join(", ")})`;
  }
}

function topicList(topics: unknown, where: string): string[] {
  if (typeof topics === "string") {
    throw new IllegalArgumentException(`${where}: pass the topics as an array or Set, e.g. ${JSON.stringify(topics.split(","))}, not a string`);
  }
  if (topics === null || typeof topics !== "object" || typeof (topics as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new IllegalArgumentException(`${where}: topics must be an array or Set of topic names`);
  }
  const list = [...new Set([...(topics as Iterable<unknown>)].map((t) => checkTopic(t, where)))];
  if (list.length === 0) throw new IllegalArgumentException(`${where}: at least one topic is required`);
  return list;
}

/** Spark's `ConsumerStrategies`: how a direct stream chooses its partitions. */
export const ConsumerStrategies = {
  /**
   * Every partition of the given topics, including partitions added while the stream runs.
   * `offsets` are where to begin on first start; partitions without one begin at the group's
   * committed offset, else at `auto.offset.reset`.
   */
  Subscribe<K = string | null, V = string>(topics: Iterable<string>, kafkaParams: KafkaParams<K, V>, offsets?: StartingOffsets): ConsumerStrategy<K, V> {
    checkParams(kafkaParams, "Subscribe");
    return new Subscribe<K, V>(topicList(topics, "Subscribe"), kafkaParams, normalizeOffsets(offsets, "Subscribe"));
  },

  /**
   * Every partition of every topic whose whole name matches `pattern`, checked again for every
   * batch, so topics created later are picked up.
   */
  SubscribePattern<K = string | null, V = string>(pattern: RegExp | string, kafkaParams: KafkaParams<K, V>, offsets?: StartingOffsets): ConsumerStrategy<K, V> {
    checkParams(kafkaParams, "SubscribePattern");
    let re: RegExp;
    try {
      re = pattern instanceof RegExp ? pattern : new RegExp(String(pattern));
    } catch (e) {
      throw new IllegalArgumentException(`SubscribePattern: ${String(pattern)} is not a valid regular expression: ${(e as Error).message}`);
    }
    return new SubscribePattern<K, V>(re, kafkaParams, normalizeOffsets(offsets, "SubscribePattern"));
  },

  /** Exactly the given partitions, beginning at `offsets` where given. */
  Assign<K = string | null, V = string>(topicPartitions: Iterable<TopicPartition | TopicPartitionLike>, kafkaParams: KafkaParams<K, V>, offsets?: StartingOffsets): ConsumerStrategy<K, V> {
    checkParams(kafkaParams, "Assign");
    if (topicPartitions === null || typeof topicPartitions !== "object" || typeof (topicPartitions as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new IllegalArgumentException("Assign: topicPartitions must be an array of TopicPartition");
    }
    const seen = new Map<string, TopicPartitionLike>();
    for (const tp of topicPartitions) {
      if (!tp || !Number.isInteger(tp.partition) || tp.partition < 0) throw new IllegalArgumentException(`Assign: ${String(tp)} is not a TopicPartition`);
      checkTopic(tp.topic, "Assign");
      seen.set(tpKey(tp), new TopicPartition(tp.topic, tp.partition));
    }
    if (seen.size === 0) throw new IllegalArgumentException("Assign: at least one TopicPartition is required");
    return new Assign<K, V>([...seen.values()], kafkaParams, normalizeOffsets(offsets, "Assign"));
  },
} as const;
