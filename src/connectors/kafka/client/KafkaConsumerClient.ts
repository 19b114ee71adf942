import { setTimeout as delay } from "node:timers/promises";
import { Consumer, FetchIsolationLevels } from "@platformatic/kafka";
import { IllegalStateException } from "../../../core/errors.js";
import { KafkaException, OffsetOutOfRangeException, TimeoutException, UnknownTopicOrPartitionException } from "../errors.js";
import { tpKey, type TopicPartitionLike } from "../TopicPartition.js";
import { describeBrokers, type KafkaClientConfig } from "./KafkaClientConfig.js";
import { classifyClientError, describeClientError } from "./clientErrors.js";
import { decodeBatches } from "./decodeBatches.js";
import { fetchWithoutLibraryFilter } from "./fetchWithoutLibraryFilter.js";
import { libraryBaseOptions } from "./libraryOptions.js";
import type { RawRecord } from "./RawRecord.js";

export type IsolationLevel = "read_uncommitted" | "read_committed";

export interface ConsumerClientOptions {
  readonly groupId: string;
  readonly isolationLevel: IsolationLevel;
  /** How long the broker may hold a fetch open waiting for data (Kafka's `fetch.max.wait.ms`). */
  readonly fetchMaxWaitMs: number;
  readonly fetchMaxBytes: number;
  readonly maxPartitionFetchBytes: number;
}

/** Why a read of a range is waiting: passed to `onWait` on every retry so the caller can log it. */
export interface FetchWait {
  readonly topicPartition: TopicPartitionLike;
  readonly fromOffset: number;
  readonly untilOffset: number;
  /** The next offset the read needs. */
  readonly position: number;
  readonly attempt: number;
  /** Since the read last made progress. */
  readonly waitedMs: number;
  readonly reason: string;
}

export interface FetchRangeOptions {
  /** Fail after this long without progress; `Infinity` waits for as long as it takes. */
  readonly timeoutMs: number;
  readonly onWait?: (wait: FetchWait) => void;
  /** Called once when a read that had been waiting makes progress again. */
  readonly onResume?: (wait: FetchWait) => void;
}

/** How often an unknown topic is looked up again before the read fails: metadata can lag a create. */
const UNKNOWN_TOPIC_ATTEMPTS = 3;

/** The smallest fetch asked for once a partition's record size is known. */
const MIN_FETCH_BYTES = 16 * 1024;

/**
 * A consumer that reads fixed offset ranges of manually assigned partitions, with no consumer
 * group membership, as Spark's executors do. It waits through broker outages and for records
 * that are not yet written or committed, and never returns a range with records missing.
 */
export class KafkaConsumerClient {
  private readonly consumer: Consumer;
  private readonly assigned = new Map<string, TopicPartitionLike>();
  /**
   * Bytes per offset seen in each partition's last fetch. The client library decodes every
   * record of a response, so a fetch of max.partition.fetch.bytes for a short range decodes
   * (and throws away) far more than the range: fetches are sized to the range instead.
   */
  private readonly bytesPerOffset = new Map<string, number>();
  private readonly brokers: string;
  private closed = false;

  constructor(
    config: KafkaClientConfig,
    private readonly options: ConsumerClientOptions,
  ) {
    this.brokers = describeBrokers(config.bootstrapServers);
    this.consumer = new Consumer({
      ...libraryBaseOptions(config, 0),
      groupId: options.groupId,
      autocommit: false,
      isolationLevel: options.isolationLevel === "read_committed" ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED,
    });
  }

  get groupId(): string {
    return this.options.groupId;
  }

  get isolationLevel(): IsolationLevel {
    return this.options.isolationLevel;
  }

  /** Kafka's manual `assign`: replaces the set of partitions this consumer may read. */
  assign(partitions: readonly TopicPartitionLike[]): void {
    this.assigned.clear();
    for (const tp of partitions) this.assigned.set(tpKey(tp), { topic: tp.topic, partition: tp.partition });
  }

  assignment(): TopicPartitionLike[] {
    return [...this.assigned.values()];
  }

  /** The records with offsets in [fromOffset, untilOffset), in offset order; gaps are compacted or transaction markers. */
  async fetchRange(tp: TopicPartitionLike, fromOffset: number, untilOffset: number, opts: FetchRangeOptions): Promise<RawRecord[]> {
    if (this.closed) throw new IllegalStateException("This consumer has already been closed.");
    if (!this.assigned.has(tpKey(tp))) throw new IllegalStateException(`No current assignment for partition ${tpKey(tp)}`);
    const out: RawRecord[] = [];
    const committed = this.options.isolationLevel === "read_committed";
    const where = (pos: number): string => `topic '${tp.topic}', partition ${tp.partition}, offset ${pos} (range [${fromOffset}, ${untilOffset}))`;
    let position = fromOffset;
    let attempt = 0;
    let unknownTopic = 0;
    let refresh = false;
    let waitingSince: number | undefined;
    let lastWait: FetchWait | undefined;
    while (position < untilOffset) {
      let reason: string;
      let remedy: string;
      let backoff = true;
      try {
        const md = await this.consumer.metadata({ topics: [tp.topic], forceUpdate: refresh });
        refresh = false;
        const topic = md.topics.get(tp.topic);
        if (!topic || tp.partition >= topic.partitionsCount) {
          throw new UnknownTopicOrPartitionException(
            `Partition ${tp.partition} of topic '${tp.topic}' does not exist (the topic has ${topic?.partitionsCount ?? 0} partitions), reading ${where(position)}.`,
          );
        }
        const p = topic.partitions[tp.partition]!;
        const resp = await fetchWithoutLibraryFilter(this.consumer, md.brokers, {
          node: p.leader,
          maxWaitTime: this.options.fetchMaxWaitMs,
          minBytes: 1,
          maxBytes: this.options.fetchMaxBytes,
          isolationLevel: committed ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED,
          topics: [
            {
              topicId: topic.id,
              partitions: [
                {
                  partition: tp.partition,
                  fetchOffset: BigInt(position),
                  currentLeaderEpoch: p.leaderEpoch,
                  lastFetchedEpoch: -1,
                  partitionMaxBytes: this.fetchSize(tp, untilOffset - position),
                },
              ],
            },
          ],
        });
        const part = resp.responses[0]?.partitions[0];
        if (!part) {
          reason = "the broker answered without data for the partition";
          remedy = "Check the broker's log";
        } else {
          this.learnRecordSize(tp, part.records ?? []);
          const before = position;
          position = decodeBatches(part.records ?? [], position, untilOffset, committed ? part.abortedTransactions : undefined, out).nextPosition;
          if (position > before) {
            if (waitingSince !== undefined && lastWait) opts.onResume?.({ ...lastWait, position, waitedMs: Date.now() - waitingSince });
            waitingSince = undefined;
            lastWait = undefined;
            attempt = 0;
            continue;
          }
          if (Number(part.logStartOffset) > position) throw this.deleted(tp, position, Number(part.logStartOffset), where);
          const end = Number(committed ? part.lastStableOffset : part.highWatermark);
          // The broker already held the request open for fetch.max.wait.ms: no extra pause.
          backoff = false;
          if (committed && Number(part.lastStableOffset) < Number(part.highWatermark) && position >= end) {
            reason = `offset ${position} is not committed yet: a transaction is open (last stable offset ${end})`;
            remedy = "Commit or abort the open transaction, or read with isolation.level=read_uncommitted";
          } else if (position >= end) {
            reason = `offset ${position} is not written yet (the partition ends at ${end})`;
            remedy = "Produce the records first, or take untilOffset from the partition's end offset";
          } else {
            reason = `the broker returned no records at offset ${position}`;
            remedy = "Check the broker's log";
          }
        }
      } catch (e) {
        if (e instanceof KafkaException && !(e instanceof UnknownTopicOrPartitionException)) throw e;
        const kind = e instanceof UnknownTopicOrPartitionException ? "unknown-topic" : classifyClientError(e);
        switch (kind) {
          case "unknown-topic":
            if (++unknownTopic >= UNKNOWN_TOPIC_ATTEMPTS) {
              throw e instanceof UnknownTopicOrPartitionException
                ? e
                : new UnknownTopicOrPartitionException(
                    `Topic '${tp.topic}' does not exist on the brokers at ${this.brokers}, reading ${where(position)}. Create the topic, or check its name.`,
                    { cause: e },
                  );
            }
            refresh = true;
            reason = e instanceof UnknownTopicOrPartitionException ? e.message : `topic '${tp.topic}' is not in the cluster's metadata yet`;
            remedy = "Create the topic, or check its name";
            break;
          case "offset-out-of-range": {
            const earliest = await this.earliestOffset(tp).catch(() => undefined);
            if (earliest !== undefined && position < earliest) throw this.deleted(tp, position, earliest, where);
            reason = `offset ${position} is beyond the end of the partition`;
            remedy = "Produce the records first, or take untilOffset from the partition's end offset";
            break;
          }
          case "stale-metadata":
            refresh = true;
            reason = `the partition's leader moved (${describeClientError(e)})`;
            remedy = "Check that the partition has a leader";
            break;
          case "unavailable":
            refresh = true;
            reason = `the brokers at ${this.brokers} cannot be reached: ${describeClientError(e)}`;
            remedy = "Check that the brokers are running and reachable";
            break;
          default:
            throw new KafkaException(`Failed to fetch ${where(position)} from ${this.brokers}: ${describeClientError(e)}`, { cause: e });
        }
      }
      attempt++;
      const now = Date.now();
      waitingSince ??= now;
      const waitedMs = now - waitingSince;
      if (waitedMs >= opts.timeoutMs) {
        throw new TimeoutException(
          `Failed to get records for ${this.options.groupId} ${tpKey(tp)} ${position} after polling for ${opts.timeoutMs} ms: ${reason}. ` +
            `Reading ${where(position)} from ${this.brokers}. ${remedy}, or raise spark.streaming.kafka.consumer.poll.ms.`,
        );
      }
      lastWait = { topicPartition: tp, fromOffset, untilOffset, position, attempt, waitedMs, reason };
      opts.onWait?.(lastWait);
      if (backoff) await delay(Math.min(100 * 2 ** Math.min(attempt - 1, 5), 2_000, Math.max(0, opts.timeoutMs - waitedMs)));
    }
    return out;
  }

  /** Enough bytes for `remaining` offsets (with a margin), once the partition's record size is known. */
  private fetchSize(tp: TopicPartitionLike, remaining: number): number {
    const max = this.options.maxPartitionFetchBytes;
    const perOffset = this.bytesPerOffset.get(tpKey(tp));
    if (perOffset === undefined) return max;
    return Math.min(max, Math.max(MIN_FETCH_BYTES, Math.ceil(remaining * perOffset * 1.1)));
  }

  private learnRecordSize(tp: TopicPartitionLike, batches: ReadonlyArray<{ length: number; lastOffsetDelta: number }>): void {
    let bytes = 0;
    let offsets = 0;
    for (const b of batches) {
      // A batch's length field leaves out its 12-byte offset and length header.
      bytes += b.length + 12;
      offsets += b.lastOffsetDelta + 1;
    }
    if (offsets > 0) this.bytesPerOffset.set(tpKey(tp), bytes / offsets);
  }

  private deleted(tp: TopicPartitionLike, position: number, earliest: number, where: (pos: number) => string): OffsetOutOfRangeException {
    return new OffsetOutOfRangeException(
      `Offsets out of range with no configured reset policy for partitions: {${tpKey(tp)}=${position}}. ` +
        `The log now starts at offset ${earliest}: records before it were deleted (retention or deleteRecords). Reading ${where(position)}.`,
    );
  }

  private async earliestOffset(tp: TopicPartitionLike): Promise<number> {
    const offsets = await this.consumer.listOffsets({ topics: [tp.topic], partitions: { [tp.topic]: [tp.partition] }, timestamp: -2n });
    const v = offsets.get(tp.topic)?.[tp.partition];
    if (v === undefined) throw new KafkaException(`no earliest offset for ${tpKey(tp)}`);
    return Number(v);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.consumer.close(true);
  }
}
