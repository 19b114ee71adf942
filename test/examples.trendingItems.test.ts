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
import { expectedTrendingItems } from "./helpers/trendingItemsExpected.js";

test("TrendingItems on its generated events: also-viewed top 3 per item from closed sessions, written per batch, and decayed trending items", { timeout: 120_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), "dstream-trendingitems-test-"));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const { code, stdout, stderr } = await startExample(["TrendingItems", "--out", out, "--seconds", "16"]).exited;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /No --bootstrap given: queueing 11 batches of generated shop events\./);
  const printed = printedBatches(stdout);
  // Eleven batches of events, the last of which closes every session.
  assert.ok(printed.length >= 12, `expected at least 12 batches, got ${printed.length}`);
  const want = expectedTrendingItems(printed.length);
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
