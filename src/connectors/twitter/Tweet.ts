/** A tweet from X API v2's filtered stream, with the fields dstream reads and the raw JSON. */
export interface Tweet {
  readonly id: string;
  readonly text: string;
  readonly author_id: string | undefined;
  readonly created_at: string | undefined;
  readonly lang: string | undefined;
  /** The stream rules this tweet matched (`id` and `tag`). */
  readonly matching_rules: readonly { readonly id: string; readonly tag: string | undefined }[];
  /** The whole JSON object X sent for this tweet (`data`, `includes`, `matching_rules`). */
  readonly raw: unknown;
}

/** Parses one NDJSON line of the filtered stream; undefined when it carries no tweet (e.g. an `errors` notice). */
export function parseTweet(line: string): Tweet | undefined {
  const raw = JSON.parse(line) as { data?: Record<string, unknown>; matching_rules?: { id?: unknown; tag?: unknown }[] };
  const d = raw.data;
  if (d === undefined || typeof d.id !== "string") return undefined;
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  return {
    id: d.id,
    text: str(d.text) ?? "",
    author_id: str(d.author_id),
    created_at: str(d.created_at),
    lang: str(d.lang),
    matching_rules: (raw.matching_rules ?? []).map((r) => ({ id: String(r.id), tag: str(r.tag) })),
    raw,
  };
}
