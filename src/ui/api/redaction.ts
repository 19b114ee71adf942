/** What Spark shows in place of a secret (Utils.REDACTION_REPLACEMENT_TEXT). */
export const REDACTED = "*********(redacted)";

/** Spark's `Utils.redact`: a value is hidden when its key or the value itself matches. */
export function redactPair(redaction: RegExp, key: string, value: string): string {
  return redaction.test(key) || redaction.test(value) ? REDACTED : value;
}

/** `-Dkey=value`, `--key=value`, `-key=value`. */
const KEY_VALUE_ARG = /^(-{1,2}D?)([^=\s]+)=(.*)$/s;

/**
 * Spark's `Utils.redactCommandLineArgs`, for Node's command lines: the value of a `key=value`
 * argument (`-Dk=v`, as Spark's, and `--k=v`) whose key or value matches, and the argument after
 * a bare `--flag` whose name matches (`--db-password xyz`), become Spark's redaction text.
 */
export function redactCommandLine(redaction: RegExp, args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const kv = KEY_VALUE_ARG.exec(arg);
    if (kv) {
      out.push(`${kv[1]}${kv[2]}=${redactPair(redaction, kv[2]!, kv[3]!)}`);
      continue;
    }
    out.push(arg);
    const next = args[i + 1];
    if (/^-{1,2}[^-=\s]/.test(arg) && redaction.test(arg) && next !== undefined && !next.startsWith("-")) {
      out.push(REDACTED);
      i++;
    }
  }
  return out;
}
