/**
 * dstream's PostgreSQL sink: each batch's rows and a row of the progress table, keyed by
 * (query id, batch time, partition), commit in one transaction, so a batch replayed after
 * recovery writes nothing twice; Kafka offset ranges can be stored in the same transaction.
 */
export { PostgresSink, type PostgresSinkOptions, type PostgresWriteResult, type OffsetRangeSource } from "./PostgresSink.js";
export type { PostgresWriteStats, PostgresRow } from "./PostgresWriteRDD.js";
export type { PostgresWriteMode } from "./rowStatements.js";
export type { StoredOffsetRange } from "./ProgressTable.js";
export { PostgresSinkException } from "./PostgresSinkException.js";
export { PostgresPoolCache } from "./PostgresPoolCache.js";
