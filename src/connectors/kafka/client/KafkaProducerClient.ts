import { setTimeout as delay } from "node:timers/promises";
import { Admin, FindCoordinatorKeyTypes, ProduceAcks, Producer, type Consumer, type Message, type MessageToProduce } from "@platformatic/kafka";
import { IllegalArgumentException, IllegalStateException } from "../../../core/errors.js";
import { KafkaException, ProducerFencedException, TimeoutException } from "../errors.js";
import { describeBrokers, type KafkaClientConfig } from "./KafkaClientConfig.js";
import { classifyClientError, describeClientError } from "./clientErrors.js";
import { libraryBaseOptions } from "./libraryOptions.js";
import { partitionForKey } from "./murmur2.js";

/** The library's transaction handle (not exported by name). */
type Transaction = Awaited<ReturnType<Producer["beginTransaction"]>>;

export type HeaderInput = Readonly<Record<string, string | Uint8Array>> | ReadonlyArray<readonly [string, string | Uint8Array]>;

/** Kafka's `ProducerRecord`: where a record goes and what it holds. Strings are written as UTF-8. */
export interface ProducerRecord {
  readonly topic: string;
  /** Omitted: chosen from the key's murmur2 hash, as Kafka's default partitioner does. */
  readonly partition?: number;
  readonly key?: string | Uint8Array | null;
  readonly value: string | Uint8Array | null;
  readonly headers?: HeaderInput;
  /** Milliseconds since the epoch; the send time when omitted. */
  readonly timestamp?: number;
}

/** Where a batch of records landed: the offset of the first record sent to each partition. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** The next offset a consumer group should read, for `sendOffsetsToTransaction` (Kafka's OffsetAndMetadata). */
export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Kafka's `ConsumerGroupMetadata`: a subscribed member of a consumer group, in one generation. */
export interface ConsumerGroupMetadata {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
}

export type Compression = "none" | "gzip" | "snappy" | "lz4" | "zstd";

export interface ProducerClientOptions {
  /** 0, 1, or -1 ("all"); idempotent and transactional producers need -1. */
  readonly acks: 0 | 1 | -1;
  readonly idempotent: boolean;
  readonly transactionalId?: string;
  readonly transactionTimeoutMs: number;
  readonly compression: Compression;
  /** How long a send waits for metadata that knows its topic's partition (Kafka's `max.block.ms`). */
  readonly maxBlockMs: number;
}

type TxState = "uninitialized" | "ready" | "in-transaction" | "fenced" | "closed";

function toBuffer(v: string | Uint8Array): Buffer {
  return typeof v === "string" ? Buffer.from(v, "utf8") : Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** What one send may carry for one partition: the library makes one record batch per partition per send, and the broker's message.max.bytes (1 MB by default) bounds that batch. */
const SEND_PARTITION_BYTES = 900_000;

/** The messages in order, in sends that keep each partition's values under SEND_PARTITION_BYTES (a bigger single message goes alone). */
function withinMessageSize(messages: readonly MessageToProduce[]): MessageToProduce[][] {
  const out: MessageToProduce[][] = [];
  let chunk: MessageToProduce[] = [];
  const bytes = new Map<string, number>();
  for (const m of messages) {
    const k = `${m.topic}:${m.partition ?? -1}`;
    const v = m.value as string | Uint8Array | null | undefined;
    const n = typeof v === "string" ? Buffer.byteLength(v) : (v?.length ?? 0);
    if (chunk.length > 0 && (bytes.get(k) ?? 0) + n > SEND_PARTITION_BYTES) {
      out.push(chunk);
      chunk = [];
      bytes.clear();
    }
    chunk.push(m);
    bytes.set(k, (bytes.get(k) ?? 0) + n);
  }
  if (chunk.length > 0) out.push(chunk);
  return out;
}

function toMessage(r: ProducerRecord, key: Buffer | undefined, partition: number | undefined): MessageToProduce {
  const headers = new Map<Buffer, Buffer>();
  if (r.headers) {
    const entries = Array.isArray(r.headers) ? (r.headers as ReadonlyArray<readonly [string, string | Uint8Array]>) : Object.entries(r.headers);
    for (const [k, v] of entries) headers.set(toBuffer(k), toBuffer(v));
  }
  return {
    topic: r.topic,
    ...(partition !== undefined ? { partition } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(r.value !== null ? { value: toBuffer(r.value) } : {}),
    ...(headers.size > 0 ? { headers } : {}),
    ...(r.timestamp !== undefined ? { timestamp: BigInt(r.timestamp) } : {}),
  };
}

/**
 * A producer with Kafka's transactional protocol: `initTransactions` fences older producers
 * with the same `transactional.id` (aborting what they left open), and offsets committed with
 * `sendOffsetsToTransaction` become visible atomically with the records.
 */
export class KafkaProducerClient {
  private readonly producer: Producer;
  private readonly brokers: string;
  private admin: Admin | undefined;
  private tx: Transaction | undefined;
  private txState: TxState = "uninitialized";
  /** Whether the open transaction has anything for the broker to commit or abort. */
  private txTouched = false;
  private readonly groupCoordinators = new Map<string, number>();

  constructor(
    private readonly config: KafkaClientConfig,
    private readonly options: ProducerClientOptions,
  ) {
    this.brokers = describeBrokers(config.bootstrapServers);
    const transactional = options.transactionalId !== undefined;
    const base = libraryBaseOptions(config, 3);
    this.producer = new Producer({
      ...base,
      // The library sends its request timeout as the transaction timeout, so for a transactional
      // producer the longer of the two serves both.
      ...(transactional ? { timeout: Math.max(options.transactionTimeoutMs, config.requestTimeoutMs) } : {}),
      acks: transactional || options.idempotent ? ProduceAcks.ALL : options.acks,
      idempotent: transactional || options.idempotent,
      compression: options.compression,
      ...(transactional ? { transactionalId: options.transactionalId } : {}),
    });
  }

  get transactionalId(): string | undefined {
    return this.options.transactionalId;
  }

  async send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    this.checkOpen();
    if (records.length === 0) return [];
    try {
      const placed = await this.place(records);
      if (this.options.transactionalId !== undefined && (this.txState !== "in-transaction" || !this.tx)) {
        throw new IllegalStateException(`Cannot send records outside a transaction: call beginTransaction() first (transactional.id '${this.options.transactionalId}')`);
      }
      const tx = this.options.transactionalId !== undefined ? this.tx : undefined;
      const first = new Map<string, RecordMetadata>();
      for (const messages of withinMessageSize(placed)) {
        let result: Awaited<ReturnType<Producer["send"]>>;
        if (tx !== undefined) {
          this.txTouched = true;
          result = await tx.send({ messages });
        } else {
          result = await this.producer.send({ messages });
        }
        for (const o of result.offsets ?? []) if (!first.has(`${o.topic}:${o.partition}`)) first.set(`${o.topic}:${o.partition}`, { topic: o.topic, partition: o.partition, offset: Number(o.offset) });
      }
      return [...first.values()];
    } catch (e) {
      throw this.translate(e, `send ${records.length} record(s) to ${describeTopics(records)}`);
    }
  }

  /**
   * Each record with the partition it goes to. The library reduces a partition modulo the count
   * in its cached metadata, so a record for a partition it does not know yet (the topic grew)
   * would land in another one. Kafka's producer instead refreshes metadata until the partition
   * appears, for up to max.block.ms, then fails the send; it never redirects a record. A keyed
   * record without a partition is hashed over the current count, as Kafka's default partitioner
   * does; records with neither are left to the library's round robin.
   */
  private async place(records: readonly ProducerRecord[]): Promise<MessageToProduce[]> {
    const highest = new Map<string, number>();
    for (const r of records) {
      if (r.partition === undefined) {
        if (!highest.has(r.topic)) highest.set(r.topic, -1);
        continue;
      }
      if (!Number.isSafeInteger(r.partition) || r.partition < 0) {
        throw new IllegalArgumentException(`Invalid partition: ${String(r.partition)}. Partition number should always be non-negative or null (topic '${r.topic}').`);
      }
      highest.set(r.topic, Math.max(highest.get(r.topic) ?? -1, r.partition));
    }
    const topics = [...highest.keys()];
    const started = Date.now();
    let counts = await this.partitionCounts(topics, false);
    for (let attempt = 0; ; attempt++) {
      const unknown = [...highest].find(([topic, p]) => p >= counts.get(topic)!);
      if (unknown === undefined) break;
      const waited = Date.now() - started;
      if (waited >= this.options.maxBlockMs) {
        const [topic, p] = unknown;
        throw new TimeoutException(
          `Partition ${p} of topic ${topic} with partition count ${counts.get(topic)} is not present in metadata after ${this.options.maxBlockMs} ms. ` +
            `The record is not sent to another partition: create the partition (the topic has partitions 0 to ${counts.get(topic)! - 1}), or raise max.block.ms.`,
        );
      }
      if (attempt > 0) await delay(Math.min(100 * 2 ** Math.min(attempt - 1, 3), this.options.maxBlockMs - waited));
      counts = await this.partitionCounts(topics, true);
    }
    return records.map((r) => {
      const key = r.key === undefined || r.key === null ? undefined : toBuffer(r.key);
      return toMessage(r, key, r.partition ?? (key !== undefined ? partitionForKey(key, counts.get(r.topic)!) : undefined));
    });
  }

  private async partitionCounts(topics: readonly string[], refresh: boolean): Promise<Map<string, number>> {
    const md = await this.producer.metadata({ topics: [...topics], forceUpdate: refresh });
    return new Map(topics.map((t) => [t, md.topics.get(t)?.partitionsCount ?? 0]));
  }

  /** Sends are acknowledged before `send` resolves, so there is nothing buffered to flush. */
  async flush(): Promise<void> {
    this.checkOpen();
  }

  async initTransactions(): Promise<void> {
    this.requireTransactional("initTransactions");
    if (this.txState !== "uninitialized") throw new IllegalStateException(`initTransactions was already called (state ${this.txState})`);
    try {
      // A producer id of -1 asks for a fresh epoch, which fences any older producer with this id.
      const tx = await this.producer.beginTransaction({ producerId: -1n, producerEpoch: -1 });
      await tx.cancel();
      this.txState = "ready";
    } catch (e) {
      await this.dropFailedBegin();
      throw this.translate(e, "initTransactions");
    }
  }

  /**
   * The library keeps a transaction whose begin failed (the coordinator could not be reached) as
   * the active one, so that every later attempt fails with "There is already an active
   * transaction": dropped here, so that a retry can succeed once the brokers are back.
   */
  private async dropFailedBegin(): Promise<void> {
    await this.producer.transaction?.cancel().catch(() => undefined);
  }

  async beginTransaction(): Promise<void> {
    this.requireTransactional("beginTransaction");
    if (this.txState === "uninitialized") throw new IllegalStateException("Cannot call beginTransaction before initTransactions");
    if (this.txState === "in-transaction") throw new IllegalStateException("Cannot call beginTransaction: a transaction is already in progress");
    this.checkOpen();
    try {
      this.tx = await this.producer.beginTransaction();
      this.txState = "in-transaction";
      this.txTouched = false;
    } catch (e) {
      await this.dropFailedBegin();
      throw this.translate(e, "beginTransaction");
    }
  }

  /**
   * Commits `offsets` (each the next offset to read) for a consumer group as part of the open
   * transaction. Given a group id, the commit is not tied to a generation (a group read with
   * `assign`). Given Kafka's `ConsumerGroupMetadata` of a subscribed member, the group
   * coordinator rejects the commit, and so the transaction, once the group has rebalanced past
   * that generation: how a copy that lost its partitions is kept from committing them.
   */
  async sendOffsetsToTransaction(offsets: readonly OffsetToCommit[], group: string | ConsumerGroupMetadata): Promise<void> {
    this.requireTransactional("sendOffsetsToTransaction");
    const tx = this.openTx("sendOffsetsToTransaction");
    if (offsets.length === 0) return;
    const groupId = typeof group === "string" ? group : group.groupId;
    const generationId = typeof group === "string" ? -1 : group.generationId;
    const memberId = typeof group === "string" ? "" : group.memberId;
    try {
      const coordinatorId = await this.groupCoordinator(groupId);
      this.txTouched = true;
      // The library takes a consumer for its group id, and a consumed message for each offset
      // (committing message.offset + 1); an assign()-style group has no generation or member.
      await tx.addConsumer({ groupId } as unknown as Consumer);
      for (const o of offsets) {
        const message = {
          topic: o.topic,
          partition: o.partition,
          offset: BigInt(o.offset - 1),
          metadata: { consumer: { groupId, generationId, memberId, coordinatorId } },
        } as unknown as Message;
        await tx.addOffset(message);
      }
    } catch (e) {
      throw this.translate(e, `sendOffsetsToTransaction for group '${groupId}'`);
    }
  }

  async commitTransaction(): Promise<void> {
    await this.endTransaction(true);
  }

  async abortTransaction(): Promise<void> {
    await this.endTransaction(false);
  }

  private async endTransaction(commit: boolean): Promise<void> {
    const op = commit ? "commitTransaction" : "abortTransaction";
    this.requireTransactional(op);
    const tx = this.openTx(op);
    try {
      // Kafka ends a transaction that wrote nothing without asking the coordinator.
      if (this.txTouched) await (commit ? tx.commit() : tx.abort());
      else await tx.cancel();
      this.tx = undefined;
      this.txState = "ready";
    } catch (e) {
      throw this.translate(e, op);
    }
  }

  private openTx(op: string): Transaction {
    this.checkOpen();
    if (this.txState !== "in-transaction" || !this.tx) throw new IllegalStateException(`Cannot call ${op}: no transaction is in progress`);
    return this.tx;
  }

  private async groupCoordinator(groupId: string): Promise<number> {
    const known = this.groupCoordinators.get(groupId);
    if (known !== undefined) return known;
    this.admin ??= new Admin(libraryBaseOptions(this.config, 3));
    const [found] = await this.admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [groupId] });
    const id = found?.nodeId;
    if (id === undefined || id < 0) throw new KafkaException(`No coordinator found for consumer group '${groupId}' at ${this.brokers}`);
    this.groupCoordinators.set(groupId, id);
    return id;
  }

  private requireTransactional(op: string): void {
    if (this.options.transactionalId === undefined) {
      throw new IllegalStateException(
        `Cannot use transactional methods without enabling transactions by setting the transactional.id configuration property (${op})`,
      );
    }
  }

  private checkOpen(): void {
    if (this.txState === "closed") throw new IllegalStateException("Cannot perform operation after producer has been closed");
    if (this.txState === "fenced") {
      throw new ProducerFencedException(
        `Producer with transactional.id '${this.options.transactionalId}' has been fenced by another producer with the same transactional.id; close it.`,
      );
    }
  }

  private translate(e: unknown, op: string): Error {
    if (e instanceof KafkaException || e instanceof IllegalStateException || e instanceof IllegalArgumentException) return e;
    if (classifyClientError(e) === "fenced") {
      this.txState = "fenced";
      return new ProducerFencedException(
        `Producer with transactional.id '${this.options.transactionalId}' has been fenced by another producer with the same transactional.id (${op}); close it.`,
        { cause: e },
      );
    }
    return new KafkaException(`Failed to ${op} at ${this.brokers}: ${describeClientError(e)}`, { cause: e });
  }

  async close(): Promise<void> {
    if (this.txState === "closed") return;
    this.txState = "closed";
    await Promise.all([this.producer.close(true), this.admin?.close()]);
  }
}

function describeTopics(records: readonly ProducerRecord[]): string {
  const topics = [...new Set(records.map((r) => r.topic))];
  return topics.length === 1 ? `topic '${topics[0]}'` : `topics ${topics.map((t) => `'${t}'`).join(", ")}`;
}
