import { setTimeout as delay } from "node:timers/promises";
import { IllegalStateException } from "../../../core/errors.js";
import { KafkaException, OffsetOutOfRangeException, TimeoutException, UnknownTopicOrPartitionException } from "../errors.js";
import { tpKey, type TopicPartitionLike } from "../TopicPartition.js";
import { describeBrokers, type KafkaClientConfig } from "./KafkaClientConfig.js";
import { classifyClientError, describeClientError } from "./clientErrors.js";
import type { FetchSource, PartitionLeader } from "./FetchSource.js";
import { LibraryFetchSource } from "./LibraryFetchSource.js";
import type { RawRecord } from "./RawRecord.js";
import { RecordBlock, type FetchedRecords } from "./RecordBlock.js";
import { WireFetchSource } from "./WireFetchSource.js";
import { KafkaProtocolError } from "./wire/kafkaErrorCodes.js";

export type IsolationLevel = "read_uncommitted" | "read_committed";

export interface ConsumerClientOptions {
  readonly groupId: string;
  readonly isolationLevel: IsolationLevel;
  /** How long the broker may hold a fetch open waiting for data (Kafka's `fetch.max.wait.ms`). */
  readonly fetchMaxWaitMs: number;
  readonly fetchMaxBytes: number;
  readonly maxPartitionFetchBytes: number;
}

/** Which code sends Fetch requests and decodes their answers. */
export type FetchPath = "wire" | "library";

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
  private readonly source: FetchSource<RecordBlock> | FetchSource<RawRecord[]>;
  private readonly assigned = new Map<string, TopicPartitionLike>();
  /**
   * Bytes per offset seen in each partition's last fetch. A fetch of max.partition.fetch.bytes
   * for a short range would decode (and throw away) far more than the range: fetches are sized
   * to the range instead.
   */
  private readonly bytesPerOffset = new Map<string, number>();
  private readonly brokers: string;
  private closed = false;

  /**
   * `path`: dstream's own wire client reads into packed blocks and loads no client library;
   * SASL, which it does not speak, goes through the library. Tests and the benchmark compare the two.
   */
  constructor(
    config: KafkaClientConfig,
    private readonly options: ConsumerClientOptions,
    path: FetchPath = config.sasl ? "library" : "wire",
  ) {
    this.brokers = describeBrokers(config.bootstrapServers);
    if (path === "wire" && config.sasl) throw new IllegalStateException("dstream's own Kafka fetch path does not speak SASL: read through the client library");
    this.source = path === "library" ? new LibraryFetchSource(config, options.groupId, options.isolationLevel === "read_committed") : new WireFetchSource(config);
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
    const got = await this.fetchRecords(tp, fromOffset, untilOffset, opts);
    return got instanceof RecordBlock ? got.toRawRecords() : got;
  }

  /** As `fetchRange`, packed (a `RecordBlock`) where the fetch path allows: how executors read. */
  fetchRecords(tp: TopicPartitionLike, fromOffset: number, untilOffset: number, opts: FetchRangeOptions): Promise<FetchedRecords> {
    return this.source instanceof WireFetchSource
      ? this.readRange(this.source, tp, fromOffset, untilOffset, opts)
      : this.readRange(this.source as FetchSource<RawRecord[]>, tp, fromOffset, untilOffset, opts);
  }

  private async readRange<Out>(source: FetchSource<Out>, tp: TopicPartitionLike, fromOffset: number, untilOffset: number, opts: FetchRangeOptions): Promise<Out> {
    if (this.closed) throw new IllegalStateException("This consumer has already been closed.");
    if (!this.assigned.has(tpKey(tp))) throw new IllegalStateException(`No current assignment for partition ${tpKey(tp)}`);
    const out = source.newOutput(untilOffset - fromOffset);
    let leader: PartitionLeader | undefined;
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
        const topic = await source.topicPartitions(tp.topic, refresh);
        refresh = false;
        // Unknown to the cluster: classified as an unknown topic, and named so once the lookups run out.
        if (!topic) throw new KafkaProtocolError(3, `Metadata of topic '${tp.topic}'`);
        if (tp.partition >= topic.partitionsCount) {
          throw new UnknownTopicOrPartitionException(
            `Partition ${tp.partition} of topic '${tp.topic}' does not exist (the topic has ${topic.partitionsCount} partitions), reading ${where(position)}.`,
          );
        }
        leader = topic.leader(tp.partition);
        const part = await source.fetchOnce(
          {
            tp,
            position,
            until: untilOffset,
            leader,
            readCommitted: committed,
            maxWaitMs: this.options.fetchMaxWaitMs,
            maxBytes: this.options.fetchMaxBytes,
            partitionMaxBytes: this.fetchSize(tp, untilOffset - position),
            where: tpKey(tp),
          },
          out,
        );
        if (!part) {
          reason = "the broker answered without data for the partition";
          remedy = "Check the broker's log";
        } else {
          if (part.offsets > 0) this.bytesPerOffset.set(tpKey(tp), part.bytes / part.offsets);
          const before = position;
          position = part.nextPosition;
          if (position > before) {
            if (waitingSince !== undefined && lastWait) opts.onResume?.({ ...lastWait, position, waitedMs: Date.now() - waitingSince });
            waitingSince = undefined;
            lastWait = undefined;
            attempt = 0;
            continue;
          }
          if (part.logStartOffset > position) throw this.deleted(tp, position, part.logStartOffset, where);
          const end = committed ? part.lastStableOffset : part.highWatermark;
          // The broker already held the request open for fetch.max.wait.ms: no extra pause.
          backoff = false;
          if (committed && part.lastStableOffset < part.highWatermark && position >= end) {
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
            const earliest = await source.earliestOffset(tp, leader).catch(() => undefined);
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

  private deleted(tp: TopicPartitionLike, position: number, earliest: number, where: (pos: number) => string): OffsetOutOfRangeException {
    return new OffsetOutOfRangeException(
      `Offsets out of range with no configured reset policy for partitions: {${tpKey(tp)}=${position}}. ` +
        `The log now starts at offset ${earliest}: records before it were deleted (retention or deleteRecords). Reading ${where(position)}.`,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.source.close();
  }
}
