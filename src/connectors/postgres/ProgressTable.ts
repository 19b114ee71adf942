import type pg from "pg";
import { quoteTable } from "./sqlNames.js";

/** A Kafka offset range as the progress table stores it (the shape of Kafka's `OffsetRange`). */
export interface StoredOffsetRange {
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly untilOffset: number;
}

export const DEFAULT_PROGRESS_TABLE = "dstream_progress";

/**
 * The table that makes the sink exactly once: a row per (query id, batch time, partition),
 * inserted in the transaction that writes the partition's rows. A replayed partition finds its
 * row and writes nothing. `partitions` lets a reader tell a batch whose partitions all committed;
 * `offsets` holds the batch's Kafka offset ranges when the input is Kafka.
 */
export function createProgressTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteTable(table)} (
    query_id text NOT NULL,
    batch_time bigint NOT NULL,
    partition integer NOT NULL,
    partitions integer NOT NULL,
    rows integer NOT NULL,
    offsets jsonb,
    committed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (query_id, batch_time, partition)
  )`;
}

/**
 * Claims (query, time, partition) inside the open transaction; false when a committed
 * transaction already holds it. A concurrent attempt at the same key waits on the row lock and
 * then sees it taken, so two attempts never both write.
 */
export async function claimPartition(
  client: pg.PoolClient,
  table: string,
  key: { queryId: string; time: number; partition: number; partitions: number; rows: number; offsets: readonly StoredOffsetRange[] | undefined },
): Promise<boolean> {
  const r = await client.query(
    `INSERT INTO ${quoteTable(table)} (query_id, batch_time, partition, partitions, rows, offsets) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [key.queryId, key.time, key.partition, key.partitions, key.rows, key.offsets === undefined ? null : JSON.stringify(key.offsets)],
  );
  return r.rowCount === 1;
}

/** The offset ranges of the latest batch of `queryId` whose every partition committed. */
export async function latestCommittedOffsets(client: pg.ClientBase, table: string, queryId: string): Promise<{ time: number; offsets: StoredOffsetRange[] } | undefined> {
  const r = await client.query<{ batch_time: string; offsets: StoredOffsetRange[] | null }>(
    `SELECT batch_time, min(offsets::text)::jsonb AS offsets FROM ${quoteTable(table)} WHERE query_id = $1
     GROUP BY batch_time, partitions HAVING count(*) = partitions ORDER BY batch_time DESC LIMIT 1`,
    [queryId],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return { time: Number(row.batch_time), offsets: row.offsets ?? [] };
}
