import { KafkaClients, type KafkaAdminClient, type KafkaConsumerClient, type RawRecord } from "../kafka/index.js";

/**
 * The application's compacted `<applicationId>-metadata` topic (one partition): the batch grid,
 * and each reducer partition's progress. Read under read_committed, so that progress written
 * in a batch's transaction counts only once that transaction commits.
 */
export class MetadataTopic {
  private readonly consumer: KafkaConsumerClient;
  private readonly tp: { topic: string; partition: number };

  constructor(
    readonly topic: string,
    private readonly admin: KafkaAdminClient,
    params: Readonly<Record<string, unknown>>,
  ) {
    this.tp = { topic, partition: 0 };
    this.consumer = KafkaClients.consumer({ ...params, "isolation.level": "read_committed" });
    this.consumer.assign([this.tp]);
  }

  async create(): Promise<void> {
    await this.admin.createTopics([{ name: this.topic, numPartitions: 1, configs: { "cleanup.policy": "compact" } }], { ifNotExists: true });
  }

  /** Every committed record, in offset order. */
  async readAll(timeoutMs: number): Promise<RawRecord[]> {
    const [start] = await this.admin.beginningOffsets([this.tp]);
    const [end] = await this.admin.endOffsets([this.tp], "read_committed");
    if (end!.offset <= start!.offset) return [];
    return this.consumer.fetchRange(this.tp, start!.offset, end!.offset, { timeoutMs });
  }

  /** The latest committed value of each key, as JSON. */
  async latest(timeoutMs: number): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    for (const r of await this.readAll(timeoutMs)) {
      if (r.key === null) continue;
      out.set(r.key.toString("utf8"), r.value === null ? undefined : JSON.parse(r.value.toString("utf8")));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.consumer.close();
  }
}
