/**
 * One value as the text PostgreSQL parses for its column, the same for a query parameter and a
 * COPY field, so that every mode stores the same thing: null and undefined are NULL, strings go
 * as they are, numbers, bigints and booleans as their literals, dates as ISO 8601 in UTC, bytes
 * as bytea hex, and any other object or array as JSON (for json and jsonb columns).
 */
export function sqlValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      // -0 is stored as 0, as JSON writes it; NaN and ±Infinity are float8 literals.
      return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    case "bigint":
    case "boolean":
      return String(v);
    default:
      break;
  }
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")}`;
  return JSON.stringify(v);
}

/** A COPY ... (FORMAT csv) field: NULL is the unquoted empty field, everything else is quoted. */
export function csvField(v: string | null): string {
  return v === null ? "" : `"${v.replaceAll('"', '""')}"`;
}
