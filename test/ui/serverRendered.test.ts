/**
 * Pages fetched with plain HTTP, as a text browser, a screenshot tool or a proxy that buffers
 * the event stream gets them, already hold the current numbers and tables; SSE only updates them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startApp } from "./support.js";

async function page(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return res.text();
}

/** The text of the element with this id (no nested element of the same tag). */
function byId(html: string, id: string): string {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  assert.ok(m, `no element #${id}`);
  return m[1]!;
}

test("the Streaming page is rendered with its statistics and batch tables, without JavaScript", async () => {
  const app = await startApp({ counts: [3, 5, 2] });
  try {
    app.failAt.add(2000);
    await app.clock.advance(1000);
    await app.clock.advance(1000);
    await app.clock.advance(1000);
    const html = await page(`${app.url}/streaming/`);
    assert.equal(byId(html, "bi-completed"), "3");
    assert.equal(byId(html, "bi-records"), "10");
    assert.equal(byId(html, "bi-batch"), "1 second");
    assert.equal(byId(html, "avg-input-rate"), (10 / 3).toFixed(2));
    assert.match(byId(html, "avg-processing-time"), /^\d+ ms$/);
    assert.equal(byId(html, "completed-title"), "last 3 out of 3");
    assert.equal(byId(html, "active-count"), "0");
    assert.equal(byId(html, "timeline-summary"), "last 3 batches, 0 active, 3 completed");
    const completed = /id="completed-batches">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)![1]!;
    const rows = [...completed.matchAll(/<tr data-batch-id="(\d+)"( class="failed")?><td><a[^>]*>[^<]*<\/a><\/td><td>(\d+) records<\/td>/g)].map((m) => [Number(m[1]), m[2] !== undefined, Number(m[3])]);
    assert.deepEqual(rows, [
      [3000, false, 2],
      [2000, true, 5],
      [1000, false, 3],
    ]);
    assert.match(completed, /planned failure at 2000/);
    assert.match(html, /No active batches/);
    // The charts draw from the snapshot embedded in the page, without waiting for the event stream.
    const embedded = JSON.parse(/<script type="application\/json" id="initial-snapshot">([\s\S]*?)<\/script>/.exec(html)![1]!) as { streaming: { batches: unknown[] } };
    assert.equal(embedded.streaming.batches.length, 3);

    const jobs = await page(`${app.url}/jobs/`);
    assert.match(jobs, /Completed Jobs \(\d+\)/);
    assert.match(jobs, /count at support\.ts:\d+/);
  } finally {
    await app.stop();
  }
});

test("the Streaming page of a stopped stream says so in its HTML", async () => {
  const app = await startApp();
  try {
    await app.ssc.stop(false);
    const html = await page(`${app.url}/streaming/`);
    assert.match(html, /<div id="stream-stopped" class="card notice warn">The StreamingContext has stopped/);
    assert.match(html, /Ran batches of /);
  } finally {
    await app.stop();
  }
});
