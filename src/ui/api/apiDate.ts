/**
 * Dates as Spark's REST API writes them: "2015-02-03T16:42:59.720GMT", always in UTC.
 * -1 (Spark's "not yet") becomes "1969-12-31T23:59:59.999GMT", as Spark's own output shows.
 */
export function apiDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace("Z", "GMT");
}

/** An optional date: undefined (omitted from the JSON, as Spark omits None) when absent. */
export function apiDateOpt(epochMs: number | undefined): string | undefined {
  return epochMs === undefined ? undefined : apiDate(epochMs);
}
