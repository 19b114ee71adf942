import { EventEmitter } from "node:events";
import { Consumer, type GroupPartitionsAssignments } from "@platformatic/kafka";
import { KafkaException } from "../kafka/index.js";
import { assignTasks, decodeSubscription, encodeSubscription } from "./StickyCoPartitionAssignor.js";

export interface MembershipOptions {
  readonly brokers: ReadonlyArray<{ host: string; port: number }>;
  /** The consumer group: the application id. */
  readonly groupId: string;
  /** Kafka's `group.instance.id`: a copy restarted with the same one within the session timeout gets its tasks back without a rebalance. */
  readonly instanceId: string;
  /** Every topic whose partitions are tasks: the inputs and the repartition topics. */
  readonly topics: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /**
   * The tasks this copy ran when it last committed (kept in the metadata topic). A restarted
   * static member must join with the subscription it had, or the coordinator rebalances.
   */
  readonly initialTasks: readonly number[];
}

/** What the group said in its latest generation. */
export interface MembershipState {
  readonly generationId: number;
  readonly memberId: string;
  readonly leader: boolean;
  /** Partition indices this copy runs (the same in every co-partitioned topic). */
  readonly tasks: readonly number[];
}

const PROTOCOL = "dstream-sticky-copartitioned";

/**
 * A copy's membership in its application's consumer group, through the client library's classic
 * group protocol with dstream's sticky, co-partitioning assignor. Kafka's coordinator detects a
 * dead copy (no heartbeat within the session timeout) and rebalances; the leader assigns tasks.
 * Emits "assigned" (MembershipState) after every generation and "rebalancing" when one begins.
 */
export class GroupMembership extends EventEmitter {
  private readonly consumer: Consumer;
  /** Kept and mutated: the library encodes it again on every rejoin, so it always carries the current tasks. */
  private readonly protocol: { name: string; version: number; metadata: Buffer };
  private current: MembershipState | undefined;
  private stableWaiters: Array<() => void> = [];
  private rebalancing = true;

  constructor(private readonly options: MembershipOptions) {
    super();
    this.protocol = { name: PROTOCOL, version: 1, metadata: encodeSubscription(options.instanceId, options.initialTasks) };
    this.consumer = new Consumer({
      clientId: `dstream-${options.groupId}-${options.instanceId}`,
      bootstrapBrokers: options.brokers.map((b) => ({ host: b.host, port: b.port })),
      groupId: options.groupId,
      groupInstanceId: options.instanceId,
      sessionTimeout: options.sessionTimeoutMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      autocommit: false,
      retries: 10,
      retryDelay: 250,
      metadataMaxAge: 5_000,
    });
    this.consumer.topics.trackAll(...options.topics);
    this.consumer.on("consumer:group:rebalance", () => this.markRebalancing());
    this.consumer.on("consumer:group:join", (p) => {
      const tasks = new Set<number>();
      for (const a of p.assignments ?? []) for (const t of a.partitions) tasks.add(t);
      this.current = {
        generationId: p.generationId ?? -1,
        memberId: p.memberId,
        leader: p.isLeader === true,
        tasks: [...tasks].sort((a, b) => a - b),
      };
      this.protocol.metadata = encodeSubscription(options.instanceId, this.current.tasks);
      this.rebalancing = false;
      const waiters = this.stableWaiters;
      this.stableWaiters = [];
      for (const w of waiters) w();
      this.emit("assigned", this.current);
    });
    this.consumer.on("error", (e: unknown) => this.emit("error", e));
  }

  private markRebalancing(): void {
    if (!this.rebalancing) this.emit("rebalancing");
    this.rebalancing = true;
  }

  /** Joins the group; resolves with the first generation's assignment. */
  async join(): Promise<MembershipState> {
    try {
      await this.consumer.joinGroup({
        sessionTimeout: this.options.sessionTimeoutMs,
        rebalanceTimeout: this.options.rebalanceTimeoutMs,
        heartbeatInterval: this.options.heartbeatIntervalMs,
        protocols: [this.protocol],
        partitionAssigner: (_current, members, topics, metadata) => this.assign(members, topics, metadata),
      });
    } catch (e) {
      throw new KafkaException(
        `Copy '${this.options.instanceId}' of application '${this.options.groupId}' cannot join its consumer group: ${e instanceof Error ? e.message : String(e)}. ` +
          `Check that the brokers are reachable and that group.instance.id '${this.options.instanceId}' is not used by another running copy.`,
        { cause: e },
      );
    }
    return this.stable();
  }

  private assign(
    members: Map<string, { metadata?: Buffer | string; memberId: string }>,
    topics: Set<string>,
    metadata: { topics: Map<string, { partitionsCount: number }> },
  ): GroupPartitionsAssignments[] {
    const counts = [...topics].map((t) => metadata.topics.get(t)?.partitionsCount ?? 0);
    const taskCount = Math.max(0, ...counts);
    const subs = [...members.values()].map((m) => decodeSubscription(m.memberId, typeof m.metadata === "string" ? Buffer.from(m.metadata) : m.metadata));
    const tasks = assignTasks(subs, taskCount);
    return subs.map((s) => {
      const mine = tasks.get(s.memberId) ?? [];
      const assignments = new Map<string, { topic: string; partitions: number[] }>();
      for (const topic of topics) {
        const n = metadata.topics.get(topic)?.partitionsCount ?? 0;
        assignments.set(topic, { topic, partitions: mine.filter((t) => t < n) });
      }
      return { memberId: s.memberId, assignments };
    });
  }

  /** The latest generation's assignment, once no rebalance is in progress. */
  stable(): Promise<MembershipState> {
    if (!this.rebalancing && this.current) return Promise.resolve(this.current);
    return new Promise((resolve) => this.stableWaiters.push(() => resolve(this.current!)));
  }

  get state(): MembershipState | undefined {
    return this.current;
  }

  /** @internal The library consumer: a transaction's offsets are committed with its generation, which fences a copy that missed a rebalance. */
  get libraryConsumer(): Consumer {
    return this.consumer;
  }

  /** Commits offsets as this member, in its generation (rejected if the group has moved on). */
  async commit(offsets: ReadonlyArray<{ topic: string; partition: number; offset: number }>): Promise<void> {
    if (offsets.length === 0) return;
    await this.consumer.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })) });
  }

  /**
   * Closes the connection without leaving the group: a static member that leaves would move its
   * tasks at once, and one restarted within the session timeout should find them still its own.
   */
  async close(leave = false): Promise<void> {
    // Errors are ignored: a copy that stops is gone either way, and the coordinator notices.
    if (leave) await new Promise<void>((resolve) => this.consumer.leaveGroup(true, () => resolve()));
    await new Promise<void>((resolve) => this.consumer.close(true, () => resolve()));
  }
}
