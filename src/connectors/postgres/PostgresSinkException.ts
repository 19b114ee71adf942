import { urlWithoutPassword } from "../../core/util/urlWithoutPassword.js";

/** A PostgreSQL sink failure: the message names the sink's table, the value at fault and the fix. */
export class PostgresSinkException extends Error {
  /** True when retrying may succeed: the server was unreachable or the connection broke. */
  readonly transient: boolean;
  constructor(message: string, options?: { cause?: unknown; transient?: boolean }) {
    super(message, options);
    this.name = "PostgresSinkException";
    this.transient = options?.transient ?? false;
  }
}

/** The words of every error that says the server was away (the driver recognizes a task's by them). */
export const UNREACHABLE = "the server is unreachable or the connection broke";

interface PgError {
  code?: string;
  message?: string;
  detail?: string;
  column?: string;
  where?: string;
}

/** Node's socket errors that mean the server is not there (yet, or any more). */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND"]);

/**
 * SQLSTATE classes worth retrying: connection exceptions (08), server shutting down (57P01-3),
 * too many connections (53300), serialization failure and deadlock (40001, 40P01).
 */
function transientCode(code: string | undefined, message: string): boolean {
  if (code === undefined) return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
  if (SOCKET_CODES.has(code)) return true;
  return code.startsWith("08") || ["57P01", "57P02", "57P03", "53300", "40001", "40P01"].includes(code);
}

/**
 * Turns an error of `pg` into one that says what to do. `where` says which write failed
 * ("writing batch 1000 ms, partition 0"); `columns` are the sink's columns in order.
 */
export function describePgError(e: unknown, url: string, table: string, where: string, columns: readonly string[]): PostgresSinkException {
  if (e instanceof PostgresSinkException) return e;
  const err = (e ?? {}) as PgError;
  const msg = String(err.message ?? e);
  const code = err.code;
  const at = `PostgresSink (table ${table} at ${urlWithoutPassword(url)}): ${where}`;
  const state = code ? ` (${code})` : "";
  if (transientCode(code, msg)) {
    return new PostgresSinkException(`${at}: ${UNREACHABLE}: ${msg}${state}. Start PostgreSQL (in dstream's repository: bash scripts/services.sh start postgresql) or correct the host and port; nothing of the batch is committed`, { cause: e, transient: true });
  }
  switch (code) {
    case "28P01":
    case "28000":
      return new PostgresSinkException(`${at}: ${msg}${state}. Correct the user or password in connectionString`, { cause: e });
    case "3D000":
      return new PostgresSinkException(`${at}: ${msg}${state}. Correct the database name in connectionString, or create it`, { cause: e });
    case "42P01":
      return new PostgresSinkException(`${at}: ${msg}${state}. Create table ${table} first (the sink does not create it), or correct the table option`, { cause: e });
    case "42703":
      return new PostgresSinkException(`${at}: ${msg}${state}. The columns option (${columns.join(", ")}) must name columns of ${table}`, { cause: e });
    case "42P10":
      return new PostgresSinkException(`${at}: ${msg}${state}. upsert needs a primary key or unique constraint on exactly the key columns`, { cause: e });
    case "21000":
      return new PostgresSinkException(`${at}: ${msg}${state}`, { cause: e });
    default: {
      const detail = [err.detail, err.where].filter(Boolean).join("; ");
      // Data errors (class 22) and constraint violations (23): a row that does not fit the table.
      const fix = code?.startsWith("22") || code?.startsWith("23") ? `. A row does not fit ${table} (columns ${columns.join(", ")}): make toRow produce values of the columns' types` : "";
      return new PostgresSinkException(`${at}: ${msg}${state}${detail ? ` [${detail}]` : ""}${fix}`, { cause: e });
    }
  }
}
