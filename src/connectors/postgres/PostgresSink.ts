import pg from "pg";
import type { RDD } from "../../core/rdd/RDD.js";
import { callSite } from "../../core/rdd/callSite.js";
import { IllegalArgumentException } from "../../core/errors.js";
import { logger } from "../../core/log.js";
import type { DStream } from "../../streaming/dstream/DStream.js";
import { Time } from "../../streaming/Time.js";
import { describePgError, PostgresSinkException, UNREACHABLE } from "./PostgresSinkException.js";
import { createProgressTableSql, DEFAULT_PROGRESS_TABLE, latestCommittedOffsets, type StoredOffsetRange } from "./ProgressTable.js";
import { PostgresWriteRDD, type PostgresRow, type PostgresWriteSpec, type PostgresWriteStats } from "./PostgresWriteRDD.js";
import { probeStatement, type PostgresWriteMode } from "./rowStatements.js";
import { checkName } from "./sqlNames.js";

/** Where a batch's Kafka offset ranges come from: a Kafka direct stream (`KafkaUtils.createDirectStream`). */
export interface OffsetRangeSource {
  offsetRangesFor(time: Time | number): readonly StoredOffsetRange[] | undefined;
}

export interface PostgresSinkOptions<T> {
  /** `postgres://user:password@host:port/database`. */
  readonly connectionString: string;
  /** An existing table, `name` or `schema.name`, spelled as it was created. */
  readonly table: string;
  /** The columns written, in the order of `toRow`'s values. */
  readonly columns: readonly string[];
  /** `insert` (default), `upsert` (INSERT ... ON CONFLICT (key) DO UPDATE) or `copy` (COPY FROM STDIN). */
  readonly mode?: PostgresWriteMode;
  /** upsert's conflict columns: a primary key or unique constraint of the table. */
  readonly key?: readonly string[];
  /** Turns an element into a row; without one, elements must already be arrays or objects by column name. */
  readonly toRow?: (x: T) => PostgresRow;
  /**
   * Names this output in the progress table; keep it across restarts of the same application,
   * change it for a new one. Defaults to the table's name. With the batch time it keys the
   * progress table: a new run under the same id must run on later batch times (a real clock does).
   */
  readonly queryId?: string;
  /** The progress table, created if missing; default `dstream_progress`. */
  readonly progressTable?: string;
  /** The Kafka direct stream the output is computed from: its offset ranges are stored with each batch. */
  readonly offsets?: OffsetRangeSource;
  /** Connections per executor; default 2. */
  readonly poolSize?: number;
  /** Retries when the server is unreachable or the connection breaks (default 3), waiting 1, 2, 4 s... */
  readonly retries?: number;
  readonly retryWaitMs?: number;
  /**
   * For `write`: how long a batch that still finds the server away after a task's retries is
   * run again as a whole (partitions that committed skip), holding back the later batches;
   * default 60 000 ms. Past it the batch fails.
   */
  readonly batchRetryMs?: number;
}

export interface PostgresWriteResult {
  readonly time: number;
  /** Rows written by this call (0 for a batch already in the progress table). */
  readonly rows: number;
  /** Partitions that found their batch already committed and wrote nothing. */
  readonly skippedPartitions: number;
  readonly partitions: readonly PostgresWriteStats[];
}

const MODES: readonly PostgresWriteMode[] = ["insert", "upsert", "copy"];

interface Checked<T> {
  readonly spec: Omit<PostgresWriteSpec, "time" | "partitions" | "offsets">;
  readonly batchRetryMs: number;
  readonly toRow: ((x: T) => PostgresRow) | undefined;
  readonly offsets: OffsetRangeSource | undefined;
}

function checkOptions<T>(op: string, o: PostgresSinkOptions<T>): Checked<T> {
  if (typeof o !== "object" || o === null) throw new IllegalArgumentException(`${op}: options must be an object with connectionString, table and columns`);
  if (typeof o.connectionString !== "string" || !/^postgres(ql)?:\/\//.test(o.connectionString)) {
    throw new IllegalArgumentException(`${op}: connectionString must be a postgres://user:password@host:port/database URL, got ${String(o.connectionString)}`);
  }
  const table = checkName(`${op}: table`, o.table, true);
  if (!Array.isArray(o.columns) || o.columns.length === 0) throw new IllegalArgumentException(`${op}: columns must be a non-empty array of column names, got ${String(o.columns)}`);
  const columns = o.columns.map((c) => checkName(`${op}: column`, c));
  if (new Set(columns).size !== columns.length) throw new IllegalArgumentException(`${op}: columns lists a column twice: ${columns.join(", ")}`);
  const mode = o.mode ?? "insert";
  if (!MODES.includes(mode)) throw new IllegalArgumentException(`${op}: mode must be one of ${MODES.join(", ")}, got ${String(mode)}`);
  const key = (o.key ?? []).map((c) => checkName(`${op}: key column`, c));
  if (mode === "upsert") {
    if (key.length === 0) throw new IllegalArgumentException(`${op}: mode upsert needs key: the columns of the table's primary key or unique constraint`);
    const outside = key.filter((k) => !columns.includes(k));
    if (outside.length > 0) throw new IllegalArgumentException(`${op}: key column ${outside.join(", ")} is not in columns (${columns.join(", ")}); add it`);
  } else if (key.length > 0) {
    throw new IllegalArgumentException(`${op}: key is used by mode upsert only; mode is ${mode}`);
  }
  if (o.toRow !== undefined && typeof o.toRow !== "function") throw new IllegalArgumentException(`${op}: toRow must be a function (element) => row`);
  const queryId = o.queryId ?? table;
  if (typeof queryId !== "string" || queryId.length === 0) throw new IllegalArgumentException(`${op}: queryId must be a non-empty string, got ${String(queryId)}`);
  const progressTable = checkName(`${op}: progressTable`, o.progressTable ?? DEFAULT_PROGRESS_TABLE, true);
  const count = (name: string, v: number | undefined, dflt: number, min: number): number => {
    const n = v ?? dflt;
    if (!Number.isInteger(n) || n < min) throw new IllegalArgumentException(`${op}: ${name} must be an integer >= ${min}, got ${String(v)}`);
    return n;
  };
  if (o.offsets !== undefined && typeof o.offsets?.offsetRangesFor !== "function") {
    throw new IllegalArgumentException(`${op}: offsets must be a Kafka direct stream (it has offsetRangesFor(time))`);
  }
  return {
    spec: {
      connectionString: o.connectionString,
      table,
      columns,
      mode,
      key,
      queryId,
      progressTable,
      poolSize: count("poolSize", o.poolSize, 2, 1),
      retries: count("retries", o.retries, 3, 0),
      retryWaitMs: count("retryWaitMs", o.retryWaitMs, 1000, 0),
    },
    batchRetryMs: count("batchRetryMs", o.batchRetryMs, 60_000, 0),
    toRow: o.toRow,
    offsets: o.offsets,
  };
}

/**
 * Whether a failed batch met a server that was away: the task's error reaches the driver
 * wrapped in the job's failure, so its message is what is left of it.
 */
function isTransient(e: unknown): boolean {
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    if (c instanceof PostgresSinkException) return c.transient;
    if (c.message.includes(UNREACHABLE)) return true;
  }
  return false;
}

/** Runs `f` with a connection of its own, on the driver. */
async function withClient<R>(connectionString: string, f: (c: pg.Client) => Promise<R>): Promise<R> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Sink setups already checked in this process, by connection, table, columns and progress table. */
const checkedSetups = new Set<string>();

/**
 * Creates the progress table and checks that the table and its columns exist, once per process
 * and sink, so that a misspelt name fails the first batch with the name rather than in every task.
 */
async function ensureSetup(spec: Checked<unknown>["spec"]): Promise<void> {
  const id = JSON.stringify([spec.connectionString, spec.table, spec.columns, spec.progressTable]);
  if (checkedSetups.has(id)) return;
  try {
    await withClient(spec.connectionString, async (c) => {
      try {
        await c.query(createProgressTableSql(spec.progressTable));
      } catch (e) {
        // Two processes creating it at once: one of them meets the other's catalog row.
        if ((e as { code?: string }).code !== "23505" && (e as { code?: string }).code !== "42P07") throw e;
      }
      await c.query(probeStatement(spec));
    });
  } catch (e) {
    throw describePgError(e, spec.connectionString, spec.table, "checking the table and the progress table", spec.columns);
  }
  checkedSetups.add(id);
}

/**
 * Writes RDDs and streams to PostgreSQL exactly once: Spark's `foreachPartition` JDBC pattern,
 * with each partition's rows and its row in the progress table committed in one transaction.
 */
export class PostgresSink {
  private constructor() {}

  /**
   * Registers an output operation that writes every batch of `stream` to the table. A batch
   * replayed after recovery from the checkpoint writes nothing it has already written.
   *
   * ```ts
   * PostgresSink.write(averages, {
   *   connectionString: "postgres://dstream:dstream@127.0.0.1:5432/dstream",
   *   table: "device_averages", columns: ["device", "avg"], mode: "upsert", key: ["device"],
   * });
   * ```
   */
  static write<T>(stream: DStream<T>, options: PostgresSinkOptions<T>): void {
    const checked = checkOptions("PostgresSink.write", options);
    // With offsets, a batch that failed must stay the last one committed: a later batch's
    // offsets would make a restart from the database's offsets skip the failed batch's input.
    let failed: number | undefined;
    stream.foreachRDD(async (rdd, time) => {
      if (failed !== undefined && checked.offsets !== undefined) {
        throw new PostgresSinkException(
          `PostgresSink (table ${checked.spec.table}): batch ${failed} ms failed, so batch ${time.milliseconds} ms is not written: its offsets would pass the failed batch's. Restart the application from PostgresSink.committedOffsets`,
        );
      }
      const deadline = Date.now() + checked.batchRetryMs;
      for (let attempt = 1; ; attempt++) {
        try {
          await writeChecked(rdd, time, checked);
          return;
        } catch (e) {
          if (!isTransient(e) || Date.now() >= deadline) {
            failed ??= time.milliseconds;
            throw e;
          }
          logger().warn(`PostgresSink (table ${checked.spec.table}): batch ${time} attempt ${attempt} failed, the server is away; trying again. ${(e as Error).message}`);
          await new Promise((r) => setTimeout(r, Math.min(checked.spec.retryWaitMs * 2 ** Math.min(attempt, 5), Math.max(0, deadline - Date.now()))));
        }
      }
    });
  }

  /**
   * Writes one batch, for use inside `foreachRDD`: `time` is the batch's time, which with the
   * query id and the partition keys the progress table.
   */
  static async writeBatch<T>(rdd: RDD<T>, time: Time | number, options: PostgresSinkOptions<T>): Promise<PostgresWriteResult> {
    return writeChecked(rdd, time, checkOptions("PostgresSink.writeBatch", options));
  }

  /**
   * The Kafka offset ranges stored with the latest batch of `queryId` whose every partition
   * committed, or undefined when none did: where a restarted application resumes reading
   * (each range's `untilOffset` is the next offset to read).
   */
  static async committedOffsets(
    connectionString: string,
    queryId: string,
    progressTable = DEFAULT_PROGRESS_TABLE,
  ): Promise<{ time: number; offsets: StoredOffsetRange[] } | undefined> {
    const table = checkName("PostgresSink.committedOffsets: progressTable", progressTable, true);
    try {
      return await withClient(connectionString, (c) => latestCommittedOffsets(c, table, queryId));
    } catch (e) {
      if ((e as { code?: string }).code === "42P01") return undefined;
      throw describePgError(e, connectionString, table, "reading committed offsets", []);
    }
  }
}

async function writeChecked<T>(rdd: RDD<T>, time: Time | number, c: Checked<T>): Promise<PostgresWriteResult> {
  const ms = typeof time === "number" ? time : time.milliseconds;
  if (!Number.isFinite(ms)) throw new IllegalArgumentException(`PostgresSink: time must be the batch's Time, got ${String(time)}`);
  await ensureSetup(c.spec);
  const offsets = c.offsets?.offsetRangesFor(ms)?.map((r) => ({ topic: r.topic, partition: r.partition, fromOffset: r.fromOffset, untilOffset: r.untilOffset }));
  const spec: PostgresWriteSpec = { ...c.spec, time: ms, partitions: rdd.getNumPartitions(), offsets };
  const writer = new PostgresWriteRDD<T>(rdd, spec, c.toRow);
  writer.creationSite = callSite("PostgresSink.write");
  const partitions = await writer.collect();
  return {
    time: ms,
    rows: partitions.reduce((n, p) => n + p.rows, 0),
    skippedPartitions: partitions.filter((p) => p.skipped).length,
    partitions,
  };
}
