import { graphDifferences, type GraphFingerprint } from "../../index.js";
import { ConfigException, type KafkaProducerClient } from "../kafka/index.js";
import type { MetadataTopic } from "./MetadataTopic.js";

/** What every copy of an application must agree on, kept under the key "grid" in its metadata topic. */
export interface GridRecord {
  readonly zeroTime: number;
  readonly batchMs: number;
  readonly fingerprint: GraphFingerprint;
  readonly instanceId: string;
  readonly createdAt: number;
}

export const GRID_KEY = "grid";

/**
 * Agrees on the batch grid through the metadata topic. The first grid record in the topic wins:
 * copies that start together may each write one, and all of them then read the same first one.
 * A copy whose record lost writes the winner again, so that compaction, which keeps a key's
 * latest record, converges on the winner too.
 *
 * A copy whose batch duration or graph differs from the winner's is refused, with the
 * differences: copies that computed different things under one application id would mix their
 * results in the same repartition, changelog and output topics.
 */
export async function agreeOnGrid(
  meta: MetadataTopic,
  producer: KafkaProducerClient,
  mine: Omit<GridRecord, "zeroTime" | "createdAt">,
  firstBatchDelayMs: number,
  timeoutMs: number,
): Promise<{ grid: GridRecord; created: boolean }> {
  const first = async (): Promise<GridRecord | undefined> => {
    for (const r of await meta.readAll(timeoutMs)) {
      if (r.key?.toString("utf8") === GRID_KEY && r.value !== null) return JSON.parse(r.value.toString("utf8")) as GridRecord;
    }
    return undefined;
  };
  let grid = await first();
  let created = false;
  if (grid === undefined) {
    const now = Date.now();
    // The first batch is at zeroTime + batchMs: far enough ahead for the other copies to join first.
    const zeroTime = Math.ceil((now + firstBatchDelayMs) / mine.batchMs) * mine.batchMs - mine.batchMs;
    const proposal: GridRecord = { ...mine, zeroTime, createdAt: now };
    await producer.send([{ topic: meta.topic, partition: 0, key: GRID_KEY, value: JSON.stringify(proposal) }]);
    grid = (await first())!;
    created = grid.instanceId === mine.instanceId && grid.createdAt === proposal.createdAt;
    if (!created) await producer.send([{ topic: meta.topic, partition: 0, key: GRID_KEY, value: JSON.stringify(grid) }]);
  }
  const differences = graphDifferences(grid.fingerprint, mine.fingerprint, `the running application (copy '${grid.instanceId}')`);
  if (grid.batchMs !== mine.batchMs && differences.length === 0) {
    differences.push(`the batch duration is ${grid.batchMs} ms there and ${mine.batchMs} ms here`);
  }
  if (differences.length > 0) {
    throw new ConfigException(
      `Copy '${mine.instanceId}' builds a different graph than the application it joins, as recorded in ${meta.topic}: ${differences.join("; ")}. ` +
        `Every copy of an application must run the same code. To deploy a changed graph, stop every copy and start the new one under a new application id.`,
    );
  }
  return { grid, created };
}
