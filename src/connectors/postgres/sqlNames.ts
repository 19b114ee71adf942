import { IllegalArgumentException } from "../../core/errors.js";

/** A name as PostgreSQL reads it unquoted: lower case, letters, digits, `_` and `$`. */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Quotes an identifier for SQL. Names are taken as the user wrote them: `Readings` names the
 * table created as `"Readings"`, not `readings`, so that what the error shows is what was passed.
 */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.table` or `table`, each part quoted; a dot inside a quoted part is not supported. */
export function quoteTable(name: string): string {
  return name.split(".").map(quoteIdent).join(".");
}

/** Checks a table or column name from the options, naming the option and the fix. */
export function checkName(what: string, name: unknown, dotted = false): string {
  if (typeof name !== "string" || name.length === 0) {
    throw new IllegalArgumentException(`${what} must be a non-empty string, got ${String(name)}`);
  }
  const parts = dotted ? name.split(".") : [name];
  if (parts.length > 2 || parts.some((p) => !PLAIN.test(p))) {
    throw new IllegalArgumentException(
      `${what} ${JSON.stringify(name)} is not a plain SQL name; use letters, digits and _ (${dotted ? "optionally schema.table" : "one name"}), as the table was created`,
    );
  }
  return name;
}
