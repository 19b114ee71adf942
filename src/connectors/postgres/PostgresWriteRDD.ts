import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type pg from "pg";
import pgCopy from "pg-copy-streams";
import type { RDD } from "../../core/rdd/RDD.js";
import { PartitionWriteRDD } from "../../core/rdd/PartitionWriteRDD.js";
import type { TaskContext } from "../../core/scheduler/TaskContext.js";
import type { PlanArgs, PlanBuilder } from "../../core/executor/plan.js";
import { PostgresPoolCache } from "./PostgresPoolCache.js";
import { describePgError, PostgresSinkException } from "./PostgresSinkException.js";
import { claimPartition, type StoredOffsetRange } from "./ProgressTable.js";
import { copyStatement, insertStatement, lastPerKey, rowsPerStatement, type StatementShape } from "./rowStatements.js";
import { csvField, sqlValue } from "./sqlValue.js";
import { urlWithoutPassword } from "../../core/util/urlWithoutPassword.js";

/** What one task of the sink did. */
export interface PostgresWriteStats {
  readonly partition: number;
  readonly executorId: string;
  /** Rows written; 0 when `skipped`. */
  readonly rows: number;
  /** True when the progress table already held this (query, batch, partition): a replay wrote nothing. */
  readonly skipped: boolean;
}

/** A row as `toRow` returns it: values in the order of `columns`, or an object by column name. */
export type PostgresRow = readonly unknown[] | Readonly<Record<string, unknown>>;

/** Everything a task needs, as plain data (it travels to the executors in the plan). */
export interface PostgresWriteSpec extends StatementShape {
  readonly connectionString: string;
  readonly progressTable: string;
  readonly queryId: string;
  readonly time: number;
  readonly partitions: number;
  readonly offsets: readonly StoredOffsetRange[] | undefined;
  readonly poolSize: number;
  /** Attempts after the first when the server is unreachable, with doubling waits from `retryWaitMs`. */
  readonly retries: number;
  readonly retryWaitMs: number;
}

/** Turns an element into the row's values, as text, naming the element when it does not fit. */
export function rowValues(x: unknown, columns: readonly string[], where: string): Array<string | null> {
  if (Array.isArray(x)) {
    if (x.length !== columns.length) {
      throw new PostgresSinkException(
        `${where}: a row has ${x.length} values but columns lists ${columns.length} (${columns.join(", ")}): ${preview(x)}. Make toRow return one value per column, in order`,
      );
    }
    return x.map(sqlValue);
  }
  if (typeof x === "object" && x !== null && !(x instanceof Date) && !(x instanceof Uint8Array)) {
    const o = x as Record<string, unknown>;
    const missing = columns.filter((c) => !(c in o));
    if (missing.length > 0) {
      throw new PostgresSinkException(`${where}: a row has no ${missing.join(", ")}: ${preview(x)}. Give toRow's objects every column (null for NULL), or list fewer columns`);
    }
    return columns.map((c) => sqlValue(o[c]));
  }
  throw new PostgresSinkException(`${where}: an element is neither an array of values nor an object by column name: ${preview(x)}. Pass toRow to turn elements into rows`);
}

function preview(x: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(x, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(x);
  } catch {
    s = String(x);
  }
  return s.length > 200 ? `${s.slice(0, 200)}...` : s;
}

/**
 * The `foreachPartition` JDBC pattern as an RDD: each task turns its partition of the parent
 * into rows and writes them, with its executor's cached pool, in one transaction that first
 * claims (query id, batch time, partition) in the progress table. A replayed task finds the
 * claim committed and writes nothing; a task that fails rolls back both, so nothing of it is
 * visible. The write runs in the task's asynchronous step, as for every `PartitionWriteRDD`.
 */
export class PostgresWriteRDD<T> extends PartitionWriteRDD<T, PostgresWriteStats> {
  static override planModule = import.meta.url;

  private readonly spec: PostgresWriteSpec;
  private readonly toRow: ((x: T) => PostgresRow) | undefined;

  constructor(parent: RDD<T>, spec: PostgresWriteSpec, toRow?: (x: T) => PostgresRow) {
    super(parent);
    this.spec = spec;
    this.toRow = toRow;
  }

  protected async writePartition(split: number, ctx: TaskContext, forEach: (each: (x: T) => void) => void): Promise<PostgresWriteStats> {
    const s = this.spec;
    const where = `PostgresSink (table ${s.table} at ${urlWithoutPassword(s.connectionString)}): batch ${s.time} ms, partition ${split}`;
    let rows: Array<ReadonlyArray<string | null>> = [];
    const toRow = this.toRow;
    forEach((x) => rows.push(rowValues(toRow ? toRow(x) : x, s.columns, where)));
    if (s.mode === "upsert") rows = lastPerKey(rows, s.key.map((k) => s.columns.indexOf(k)));
    const pool = PostgresPoolCache.getOrCreate(s.connectionString, s.poolSize);
    let written: boolean;
    for (let attempt = 0; ; attempt++) {
      try {
        written = await this.writeOnce(pool, split, rows);
        break;
      } catch (e) {
        const err = describePgError(e, s.connectionString, s.table, `writing batch ${s.time} ms, partition ${split}`, s.columns);
        if (!err.transient || attempt >= s.retries) throw err;
        await new Promise((r) => setTimeout(r, s.retryWaitMs * 2 ** attempt));
      }
    }
    return { partition: split, executorId: ctx.executorId, rows: written ? rows.length : 0, skipped: !written };
  }

  /** One transaction: the claim, then the rows. False when the claim was already committed. */
  private async writeOnce(pool: pg.Pool, split: number, rows: ReadonlyArray<ReadonlyArray<string | null>>): Promise<boolean> {
    const s = this.spec;
    const client = await pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no listener of pg-pool's: a connection cut mid-transaction would
    // be an uncaught error that ends the executor, where it must fail only the query.
    const onError = (e: Error): void => {
      broken ??= e;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      try {
        const claimed = await claimPartition(client, s.progressTable, {
          queryId: s.queryId,
          time: s.time,
          partition: split,
          partitions: s.partitions,
          rows: rows.length,
          offsets: s.offsets,
        });
        if (!claimed) {
          await client.query("ROLLBACK");
          return false;
        }
        if (s.mode === "copy") await copyRows(client, s, rows);
        else await insertRows(client, s, rows);
        await client.query("COMMIT");
        return true;
      } catch (e) {
        await client.query("ROLLBACK").catch((re: unknown) => {
          broken = re as Error;
        });
        throw e;
      }
    } catch (e) {
      broken ??= e as Error;
      throw e;
    } finally {
      client.removeListener("error", onError);
      // A client whose connection failed is discarded rather than handed to the next task.
      client.release(broken !== undefined && describePgError(broken, s.connectionString, s.table, "", s.columns).transient ? broken : undefined);
    }
  }

  override planArgs(b: PlanBuilder): PlanArgs {
    return this.planArgsWith({
      spec: this.spec,
      toRow: this.toRow ? b.fn(this.toRow, "PostgresSink toRow") : undefined,
    });
  }
}

async function insertRows(client: pg.PoolClient, s: StatementShape, rows: ReadonlyArray<ReadonlyArray<string | null>>): Promise<void> {
  const per = rowsPerStatement(s.columns.length);
  let fullSql: string | undefined;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    // The full-size statement is the same text for every chunk but the last: built once.
    const sql = chunk.length === per ? (fullSql ??= insertStatement(s, per)) : insertStatement(s, chunk.length);
    await client.query(sql, chunk.flat());
  }
}

async function copyRows(client: pg.PoolClient, s: StatementShape, rows: ReadonlyArray<ReadonlyArray<string | null>>): Promise<void> {
  if (rows.length === 0) return;
  const stream = client.query(pgCopy.from(copyStatement(s)));
  const CHUNK = 1_000;
  async function* csv(): AsyncGenerator<string> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      let text = "";
      for (const r of rows.slice(i, i + CHUNK)) text += r.map(csvField).join(",") + "\n";
      yield text;
    }
  }
  await pipeline(Readable.from(csv()), stream);
}
