/**
 * The TrendingItems example on its embedded default (eleven queued batches of generated shop
 * events), run as a user would in a child process: the also-viewed lists it writes in each batch,
 * the sessions it closes and the trending items it prints are checked against plain loops over
 * the same events.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startExample } from "./helpers/exampleProcess.js";
import { printedBatches, writtenBatches } from "./helpers/exampleOutput.js";
import { sampleShopEvents } from "../examples/support/shopEvents.js";

const GAP = 2 * 60_000;
const OUT_OF_ORDERNESS = 30_000;
const byScore = (a: [string, number], b: [string, number]): number => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);

/** Per batch: the sessions that close, the also-viewed records written, and the trending lines printed. */
function expected(batchCount: number) {
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
  return { closedIn, alsoViewed, trending, sessions: sessions.length };
}

test("TrendingItems on its generated events: also-viewed top 3 per item from closed sessions, written per batch, and decayed trending items", { timeout: 120_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), "dstream-trendingitems-test-"));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const { code, stdout, stderr } = await startExample(["TrendingItems", "--out", out, "--seconds", "16"]).exited;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /No --bootstrap given: queueing 11 batches of generated shop events\./);
  const printed = printedBatches(stdout);
  // Eleven batches of events, the last of which closes every session.
  assert.ok(printed.length >= 12, `expected at least 12 batches, got ${printed.length}`);
  const want = expected(printed.length);
  // Every session but the last view's closes, and item-13 trends in the middle of the sample.
  assert.equal(want.closedIn.reduce((a, b) => a + b), want.sessions - 1);
  assert.ok(want.trending.slice(5, 8).every((lines) => lines[0]!.startsWith("trending 1. item-13 ")), "item-13 trends");
  const files = writtenBatches(out, "also-viewed");
  printed.forEach(({ time, lines }, b) => {
    assert.deepEqual(
      lines.filter((l) => l.startsWith("trending ")),
      want.trending[b],
      `trending after batch ${b + 1}`,
    );
    assert.deepEqual(lines.filter((l) => l.startsWith("sessions closed: ")), [`sessions closed: ${want.closedIn[b]}`], `sessions closed in batch ${b + 1}`);
    assert.deepEqual(files.get(time) ?? [], want.alsoViewed[b], `also-viewed records of batch ${b + 1}`);
  });
  const items = new Set(want.alsoViewed.flat().map((l) => (JSON.parse(l) as { item: string }).item));
  assert.equal(items.size, 24, "every item gets an also-viewed list");
});
