/** One Redis Streams entry: its id (unique in the stream, so a deduplication key) and its fields. */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** Entries from a RESP2 reply's `[[id, [field, value, ...]], ...]`; nil entries (deleted while pending) are skipped. */
export function parseEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  const out: StreamEntry[] = [];
  for (const e of raw) {
    if (!Array.isArray(e) || e.length < 2 || !Array.isArray(e[1])) continue;
    const kv = e[1] as unknown[];
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < kv.length; i += 2) fields[String(kv[i])] = String(kv[i + 1]);
    out.push({ id: String(e[0]), fields });
  }
  return out;
}
