/**
 * What TrendingItems must print and write on its embedded default, computed by plain loops over
 * the same generated events: sessions split where a user's views are GAP apart, closed when the
 * watermark (latest view - 30 s) passes their end, pair counts per item, and scores halved every batch.
 */
import { sampleShopEvents } from "../../examples/support/shopEvents.js";

const GAP = 2 * 60_000;
const OUT_OF_ORDERNESS = 30_000;
const byScore = (a: [string, number], b: [string, number]): number => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);

/** Per batch: the sessions that close, the also-viewed records written, and the trending lines printed; and the final lists. */
export function expectedTrendingItems(batchCount: number) {
  const batches = sampleShopEvents();
  const at = (b: number) => batches[b] ?? [];
  // Sessions: a user's views less than GAP apart, ending GAP after the last.
  const viewsByUser = new Map<string, Array<[number, string]>>();
  for (const e of batches.flat()) if (e.kind === "view") viewsByUser.set(e.user, [...(viewsByUser.get(e.user) ?? []), [e.time, e.item]]);
  const sessions: Array<{ end: number; items: Set<string>; closed: boolean }> = [];
  for (const views of viewsByUser.values()) {
    views.sort((a, b) => a[0] - b[0]);
    let current: (typeof sessions)[number] | undefined;
    for (const [time, item] of views) {
      if (current === undefined || time >= current.end) sessions.push((current = { end: 0, items: new Set(), closed: false }));
      current.end = time + GAP;
      current.items.add(item);
    }
  }
  const closedIn: number[] = [];
  const alsoViewed: string[][] = [];
  const trending: string[][] = [];
  const pairs = new Map<string, Map<string, number>>();
  const scores = new Map<string, number>();
  let latest = -Infinity;
  for (let b = 0; b < batchCount; b++) {
    for (const e of at(b)) if (e.kind === "view") latest = Math.max(latest, e.time);
    const watermark = latest - OUT_OF_ORDERNESS;
    const closing = sessions.filter((s) => !s.closed && s.end <= watermark);
    closedIn.push(closing.length);
    const touched = new Set<string>();
    for (const s of closing) {
      s.closed = true;
      for (const a of s.items)
        for (const o of s.items) {
          if (a === o) continue;
          const m = pairs.get(a) ?? new Map<string, number>();
          m.set(o, (m.get(o) ?? 0) + 1);
          pairs.set(a, m);
          touched.add(a);
        }
    }
    alsoViewed.push([...touched].map((item) => JSON.stringify({ item, alsoViewed: [...pairs.get(item)!].sort(byScore).slice(0, 3) })).sort());
    for (const [item, score] of scores) scores.set(item, score * 0.5);
    for (const e of at(b)) scores.set(e.item, (scores.get(e.item) ?? 0) + (e.kind === "purchase" ? 3 : 1));
    trending.push([...scores].sort(byScore).slice(0, 5).map(([item, score], i) => `trending ${i + 1}. ${item} ${score.toFixed(3)}`));
  }
  // Each item's list once every closed session has counted: what a reader of the latest records sees.
  const final = [...pairs].map(([item, m]) => JSON.stringify({ item, alsoViewed: [...m].sort(byScore).slice(0, 3) })).sort();
  return { closedIn, alsoViewed, trending, final, sessions: sessions.length };
}

