import { Admin, FindCoordinatorKeyTypes, ProduceAcks, Producer, type Consumer, type Message, type MessageToProduce } from "@platformatic/kafka";

/** The library's transaction handle (not exported by name). */
type Transaction = Awaited<ReturnType<Producer["beginTransaction"]>>;
import { IllegalStateException } from "../../../core/errors.js";
import { KafkaException, ProducerFencedException } from "../errors.js";
import { describeBrokers, type KafkaClientConfig } from "./KafkaClientConfig.js";
import { classifyClientError, describeClientError } from "./clientErrors.js";
import { libraryBaseOptions } from "./libraryOptions.js";

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

export type Compression = "none" | "gzip" | "snappy" | "lz4" | "zstd";

export interface ProducerClientOptions {
  /** 0, 1, or -1 ("all"); idempotent and transactional producers need -1. */
  readonly acks: 0 | 1 | -1;
  readonly idempotent: boolean;
  readonly transactionalId?: string;
  readonly transactionTimeoutMs: number;
  readonly compression: Compression;
}

type TxState = "uninitialized" | "ready" | "in-transaction" | "fenced" | "closed";

function toBuffer(v: string | Uint8Array): Buffer {
  return typeof v === "string" ? Buffer.from(v, "utf8") : Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function toMessage(r: ProducerRecord): MessageToProduce {
  const headers = new Map<Buffer, Buffer>();
  if (r.headers) {
    const entries = Array.isArray(r.headers) ? (r.headers as ReadonlyArray<readonly [string, string | Uint8Array]>) : Object.entries(r.headers);
    for (const [k, v] of entries) headers.set(toBuffer(k), toBuffer(v));
  }
  return {
    topic: r.topic,
    ...(r.partition !== undefined ? { partition: r.partition } : {}),
    ...(r.key !== undefined && r.key !== null ? { key: toBuffer(r.key) } : {}),
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
    const messages = records.map(toMessage);
    try {
      let result: Awaited<ReturnType<Producer["send"]>>;
      if (this.options.transactionalId !== undefined) {
        if (this.txState !== "in-transaction" || !this.tx) {
          throw new IllegalStateException(`Cannot send records outside a transaction: call beginTransaction() first (transactional.id '${this.options.transactionalId}')`);
        }
        this.txTouched = true;
        result = await this.tx.send({ messages });
      } else {
        result = await this.producer.send({ messages });
      }
      return (result.offsets ?? []).map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) }));
    } catch (e) {
      throw this.translate(e, `send ${records.length} record(s) to ${describeTopics(records)}`);
    }
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
      throw this.translate(e, "initTransactions");
    }
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
      throw this.translate(e, "beginTransaction");
    }
  }

  /** Commits `offsets` (each the next offset to read) for `groupId` as part of the open transaction. */
  async sendOffsetsToTransaction(offsets: readonly OffsetToCommit[], groupId: string): Promise<void> {
    this.requireTransactional("sendOffsetsToTransaction");
    const tx = this.openTx("sendOffsetsToTransaction");
    if (offsets.length === 0) return;
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
          metadata: { consumer: { groupId, generationId: -1, memberId: "", coordinatorId } },
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
    if (e instanceof KafkaException || e instanceof IllegalStateException) return e;
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
