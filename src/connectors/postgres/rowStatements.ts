import { quoteIdent, quoteTable } from "./sqlNames.js";

export type PostgresWriteMode = "insert" | "upsert" | "copy";

/** PostgreSQL's limit on the parameters of one statement. */
const MAX_PARAMS = 65_535;
/** Rows per statement: large enough to amortize the round trip, small enough to bound it. */
const MAX_ROWS = 1_000;

export interface StatementShape {
  readonly table: string;
  readonly columns: readonly string[];
  readonly mode: PostgresWriteMode;
  /** Conflict columns for upsert. */
  readonly key: readonly string[];
}

/** How many rows go in one INSERT. */
export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns)));
}

/** `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)` for `rows` rows, with the upsert clause when the mode asks. */
export function insertStatement(shape: StatementShape, rows: number): string {
  const n = shape.columns.length;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const ps: string[] = [];
    for (let c = 1; c <= n; c++) ps.push(`$${r * n + c}`);
    tuples.push(`(${ps.join(", ")})`);
  }
  const cols = shape.columns.map(quoteIdent).join(", ");
  let sql = `INSERT INTO ${quoteTable(shape.table)} (${cols}) VALUES ${tuples.join(", ")}`;
  if (shape.mode === "upsert") {
    const rest = shape.columns.filter((c) => !shape.key.includes(c));
    const target = shape.key.map(quoteIdent).join(", ");
    sql += rest.length === 0 ? ` ON CONFLICT (${target}) DO NOTHING` : ` ON CONFLICT (${target}) DO UPDATE SET ${rest.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(", ")}`;
  }
  return sql;
}

export function copyStatement(shape: StatementShape): string {
  return `COPY ${quoteTable(shape.table)} (${shape.columns.map(quoteIdent).join(", ")}) FROM STDIN WITH (FORMAT csv)`;
}

/** A query that fails, naming what is missing, unless the table and every column exist. */
export function probeStatement(shape: StatementShape): string {
  return `SELECT ${shape.columns.map(quoteIdent).join(", ")} FROM ${quoteTable(shape.table)} LIMIT 0`;
}

/**
 * Upsert rows with the same key within one statement make PostgreSQL refuse it ("cannot affect
 * row a second time"); the last one wins, as it would row by row.
 */
export function lastPerKey(rows: ReadonlyArray<ReadonlyArray<string | null>>, keyIndexes: readonly number[]): Array<ReadonlyArray<string | null>> {
  const byKey = new Map<string, ReadonlyArray<string | null>>();
  for (const row of rows) {
    const k = JSON.stringify(keyIndexes.map((i) => row[i]));
    byKey.delete(k);
    byKey.set(k, row);
  }
  return [...byKey.values()];
}
