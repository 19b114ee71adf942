import { ConfigException, KafkaClients, type KafkaAdminClient, type KafkaConsumerClient, type ProducerRecord } from "../kafka/index.js";

/** A key's state as this copy holds it, with the JSON last written to the changelog (to tell a change from a no-op). */
export interface StateEntry<K, S> {
  readonly key: K;
  readonly state: S;
  readonly json: string;
}

/** A reduce partition's state, by the key's JSON (the changelog record's key). */
export type PartitionState<K, S> = Map<string, StateEntry<K, S>>;

/**
 * A stateful operator's changelog: the compacted topic `<applicationId>-<operator>-changelog`,
 * one partition per task, holding each key's latest state as JSON (a null value removes the
 * key). Updates go in the copy's transaction of the batch, with its output and offsets, so a
 * read_committed restore gives exactly the state that the committed offsets continue from.
 */
export class StateChangelog<K, S> {
  private readonly consumer: KafkaConsumerClient;

  constructor(
    readonly applicationId: string,
    readonly topic: string,
    private readonly admin: () => KafkaAdminClient,
    params: Readonly<Record<string, unknown>>,
    private readonly maxWaitMs: number,
  ) {
    this.consumer = KafkaClients.consumer({ ...params, "isolation.level": "read_committed" });
  }

  /** Creates the topic (compacted, one partition per task), or checks the one there. */
  async create(tasks: number): Promise<void> {
    const admin = this.admin();
    await admin.createTopics([{ name: this.topic, numPartitions: tasks, configs: { "cleanup.policy": "compact" } }], { ifNotExists: true });
    const [d] = await admin.describeTopics([this.topic]);
    if (d!.partitions.length !== tasks) {
      throw new ConfigException(
        `KafkaScaleOut '${this.applicationId}': the changelog topic ${this.topic} has ${d!.partitions.length} partitions but the input topics have ${tasks}; ` +
          `they must be equal (a task's state lives in its partition). Delete ${this.topic} while no copy runs only if its state may be lost, or recreate the inputs with ${d!.partitions.length} partitions.`,
      );
    }
  }

  /** The committed state of each partition: its changelog read from the start to the read_committed end. */
  async restore(partitions: readonly number[]): Promise<Map<number, PartitionState<K, S>>> {
    const out = new Map<number, PartitionState<K, S>>();
    if (partitions.length === 0) return out;
    const tps = partitions.map((partition) => ({ topic: this.topic, partition }));
    const admin = this.admin();
    const [starts, ends] = await Promise.all([admin.beginningOffsets(tps), admin.endOffsets(tps, "read_committed")]);
    this.consumer.assign(tps);
    for (const end of ends) {
      const state: PartitionState<K, S> = new Map();
      out.set(end.partition, state);
      const from = starts.find((s) => s.partition === end.partition)!.offset;
      if (end.offset <= from) continue;
      for (const r of await this.consumer.fetchRange(end, from, end.offset, { timeoutMs: this.maxWaitMs })) {
        if (r.key === null) continue;
        const k = r.key.toString("utf8");
        if (r.value === null) state.delete(k);
        else {
          const json = r.value.toString("utf8");
          state.set(k, { key: JSON.parse(k) as K, state: JSON.parse(json) as S, json });
        }
      }
    }
    return out;
  }

  /** The record that sets (json) or removes (null) a key's state in partition `partition`. */
  update(partition: number, keyJson: string, json: string | null): ProducerRecord {
    return { topic: this.topic, partition, key: keyJson, value: json };
  }

  async close(): Promise<void> {
    await this.consumer.close();
  }
}
