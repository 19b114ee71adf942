/**
 * The pages in a real browser: Debian's chromium, headless, driven by playwright-core.
 * Screenshots go to test-output/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startApp } from "./support.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const OUTPUT = fileURLToPath(new URL("../../test-output/", import.meta.url));
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];
const STAT_CHARTS = ["input-rate", "scheduling-delay", "processing-time", "total-delay"];

async function openBrowser(opts: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}. Install Debian's chromium with: bash scripts/install-browser.sh`);
  }
  const profile = mkdtempSync(join(tmpdir(), "dstream-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 1000 },
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Pixels of a chart's canvas close to its series colour: the line, points and bars it drew.
 * Browser-side code is a string: the test program is type-checked without the DOM library.
 */
function seriesPixels(page: Page, chartId: string, [r, g, b]: [number, number, number]): Promise<number> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector("#${chartId} canvas");
    if (!canvas) return -1;
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && Math.abs(data[i] - ${r}) < 40 && Math.abs(data[i + 1] - ${g}) < 40 && Math.abs(data[i + 2] - ${b}) < 40) n++;
    }
    return n;
  })()`);
}

/** Waits until an element's data-points attribute reads `n`. */
function pointsAre(page: Page, ids: string[], n: number): Promise<unknown> {
  return page.waitForFunction(`${JSON.stringify(ids)}.every((id) => document.getElementById(id)?.dataset.points === "${n}")`);
}

const COLORS: Record<string, [number, number, number]> = {
  "input-rate": [0x25, 0x63, 0xeb],
  "scheduling-delay": [0xd9, 0x77, 0x06],
  "processing-time": [0x05, 0x96, 0x69],
  "total-delay": [0x7c, 0x3a, 0xed],
};

test("the Streaming page draws its charts, fills its tables, shows a new batch without reload, and opens a batch", async () => {
  const browser = await openBrowser();
  const app = await startApp({ counts: [12, 30, 7, 21, 16, 25], master: "local[2]" });
  const errors: string[] = [];
  try {
    await app.receiver.store(["alpha", "beta", "gamma"]);
    app.failAt.add(4000);
    for (let i = 0; i < 5; i++) await app.clock.advance(1000);
    app.receiver.reportError("upstream closed the connection", new Error("socket hang up"));

    const page = await browser.context.newPage();
    page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console error: ${m.text()}`);
    });
    // Leaving a page aborts its /events stream; any other failed request (a script, uPlot) is a fault.
    page.on("requestfailed", (r) => {
      if (!r.url().endsWith("/events")) errors.push(`request failed: ${r.url()}`);
    });
    await page.goto(`${app.url}/streaming/`);

    // Charts: every timeline and histogram has the 5 batches, and drew them in its colour.
    await pointsAre(
      page,
      STAT_CHARTS.flatMap((id) => [`${id}-timeline`, `${id}-histogram`]),
      5,
    );
    for (const id of STAT_CHARTS) {
      const line = await seriesPixels(page, `${id}-timeline`, COLORS[id]!);
      const bars = await seriesPixels(page, `${id}-histogram`, COLORS[id]!);
      assert.ok(line > 50, `${id} timeline drew its points (${line} pixels)`);
      assert.ok(bars > 50, `${id} histogram drew its bars (${bars} pixels)`);
    }
    assert.equal(await page.locator("#processing-time-histogram").getAttribute("data-batches"), "5");

    // Header and tables.
    const header = await page.locator("#basic-info").innerText();
    assert.match(header, /^Running batches of 1 second for .+ since .+ \(5 completed batches, 89 records\)$/);
    assert.equal(await page.locator("#completed-batches tbody tr").count(), 5);
    assert.equal(await page.locator("#completed-batches tbody tr a[href^='/streaming/batch/?id=']").count(), 5);
    assert.match(await page.locator("#completed-batches tbody tr").first().innerText(), /16 records/);
    assert.match(await page.locator("#active-batches tbody").innerText(), /No active batches/);
    const failed = page.locator('#completed-batches tr[data-batch-id="4000"]');
    assert.equal(await failed.getAttribute("class"), "failed");
    assert.match(await failed.innerText(), /1\/2 \(1 failed\)\s+Error: planned failure at 4000/);
    assert.equal(await page.locator("#avg-input-rate").innerText(), "17.80");

    // Input streams, with the receiver's status and last error.
    await page.click("#expand-input-rate");
    await pointsAre(page, ["stream-0-timeline", "stream-1-timeline"], 5);
    assert.match(await page.locator("#stream-1-status").innerText(), /ACTIVE/);
    assert.match(await page.locator("#stream-1-error").innerText(), /upstream closed the connection/);
    assert.ok((await seriesPixels(page, "stream-0-timeline", COLORS["input-rate"]!)) > 50, "per-stream timeline drew");

    // A new batch arrives over Server-Sent Events: the same document shows it.
    await page.evaluate("window.notReloaded = true");
    await app.clock.advance(1000);
    await page.locator('#completed-batches tr[data-batch-id="6000"]').waitFor();
    await pointsAre(page, ["total-delay-timeline", "stream-0-timeline"], 6);
    assert.equal(await page.evaluate("window.notReloaded"), true, "the page was not reloaded");
    assert.match(await page.locator("#basic-info").innerText(), /\(6 completed batches, 114 records\)/);
    assert.equal(await page.locator("#live").getAttribute("data-state"), "live");

    // The receivers table follows a new error without reload, with the rate over the retained batches.
    app.receiver.reportError("peer went away", new Error("ECONNRESET"));
    const receiverRow = page.locator('#receivers-table tr[data-stream-id="1"]');
    await receiverRow.locator(".receiver-error", { hasText: "peer went away" }).waitFor();
    assert.match(await receiverRow.locator(".receiver-status").innerText(), /^ACTIVE$/);
    assert.match(await receiverRow.locator(".receiver-rate").innerText(), /^\d+\.\d\d records\/sec$/);

    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, "streaming-page.png"), fullPage: true });

    // The batch page opens from the table, with its output operations and their jobs.
    await page.click('#completed-batches a[href="/streaming/batch/?id=6000"]');
    await page.waitForURL(/\/streaming\/batch\/\?id=6000$/);
    assert.match(await page.locator("h2").innerText(), /^Details of batch at\s+1970\/01\/01 \d\d:00:06\s+completed$/);
    const ops = page.locator("#output-ops tbody tr");
    assert.ok((await ops.count()) >= 2, "one row per output operation and job");
    assert.ok((await page.locator("#output-ops a[href^='/jobs/job/?id=']").count()) >= 2, "each output operation links its jobs");
    assert.match(await page.locator("#batch-inputs").innerText(), /25/);
    await page.screenshot({ path: join(OUTPUT, "batch-page.png"), fullPage: true });

    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await app.stop();
  }
});

/** Collects what would make a page broken: script errors, console errors, failed requests. */
function watchErrors(page: Page, errors: string[]): void {
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console error: ${m.text()}`);
  });
  page.on("requestfailed", (r) => {
    if (!r.url().endsWith("/events")) errors.push(`request failed: ${r.url()}`);
  });
}

test("the Executors, Storage, RDD and stage pages show their tables and follow new tasks live", async () => {
  const browser = await openBrowser();
  const app = await startApp({ counts: [12, 30, 7], master: "local[2]" });
  const errors: string[] = [];
  try {
    const sc = app.ssc.sparkContext;
    const cached = sc
      .parallelize(Array.from({ length: 2000 }, (_, i) => `line ${i}`), 4)
      .map((l) => l.toUpperCase())
      .setName("upper lines")
      .cache();
    await cached.count();
    for (let i = 0; i < 2; i++) await app.clock.advance(1000);
    const page = await browser.context.newPage();
    watchErrors(page, errors);
    mkdirSync(OUTPUT, { recursive: true });

    await page.goto(`${app.url}/executors/`);
    assert.equal(await page.locator("nav.tabs a.active").innerText(), "Executors");
    assert.deepEqual(await page.locator("#executors tbody tr td:first-child").allInnerTexts(), ["driver", "0", "1"]);
    const totalRow = page.locator('#executors-summary tr[data-summary="total"]');
    assert.match(await totalRow.innerText(), /Total\(3\)\s+4\s/);
    const completeTasks = async (): Promise<number> => Number(await totalRow.locator("td").nth(7).innerText());
    const before = await completeTasks();
    assert.ok(before > 0);
    await page.screenshot({ path: join(OUTPUT, "executors-page.png"), fullPage: true });

    // A batch runs more tasks: the page re-renders itself from the event stream.
    await page.evaluate("window.notReloaded = true");
    await app.clock.advance(1000);
    await page.waitForFunction(`Number(document.querySelector('#executors-summary tr[data-summary="total"] td:nth-child(8)').textContent) > ${before}`);
    assert.equal(await page.evaluate("window.notReloaded"), true);

    await page.click("nav.tabs a[href='/storage/']");
    await page.waitForURL(/\/storage\/$/);
    const row = page.locator(`#storage-rdds tr[data-rdd-id="${cached.id}"]`);
    assert.match(await row.innerText(), /upper lines\s+Memory Deserialized 1x Replicated\s+4\s+100%\s+[\d.]+ KiB\s+0\.0 B/);
    await page.screenshot({ path: join(OUTPUT, "storage-page.png"), fullPage: true });
    await row.locator("a").click();
    await page.waitForURL(/\/storage\/rdd\/\?id=/);
    assert.equal(await page.locator("#rdd-partitions tbody tr").count(), 4);
    assert.ok((await page.locator("#rdd-distribution tbody tr").count()) >= 1);
    await page.screenshot({ path: join(OUTPUT, "rdd-page.png"), fullPage: true });

    // A shuffle map stage of the stream: each task its own shuffle write and run time.
    const stageId = await page.evaluate(`fetch("/api/v1/applications/${app.appId}/stages").then((r) => r.json()).then((s) => s.find((x) => x.shuffleWriteRecords > 0).stageId)`);
    await page.goto(`${app.url}/stages/stage/?id=${String(stageId)}&attempt=0`);
    assert.match(await page.locator("#task-summary").innerText(), /Scheduler Delay/);
    assert.match(await page.locator("h2").innerText(), /Details for Stage/);
    assert.match(await page.locator("dl.summary").innerText(), /map at support\.ts:\d+/);
    const writes = await page.locator('#tasks td[data-metric="shuffle-write"]').allInnerTexts();
    assert.ok(writes.length >= 2 && writes.every((w) => / \/ [1-3]$/.test(w)), `per-task shuffle writes: ${writes.join(", ")}`);
    await page.screenshot({ path: join(OUTPUT, "stage-page.png"), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await app.stop();
  }
});

test("with JavaScript off, the Streaming page still shows its numbers and tables", async () => {
  const browser = await openBrowser({ javaScriptEnabled: false });
  const app = await startApp({ counts: [12, 30, 7] });
  try {
    for (let i = 0; i < 3; i++) await app.clock.advance(1000);
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/streaming/`);
    assert.match(await page.locator("#basic-info").innerText(), /\(3 completed batches, 49 records\)$/);
    assert.equal(await page.locator("#completed-batches tbody tr").count(), 3);
    assert.match(await page.locator("#completed-batches tbody tr").first().innerText(), /7 records/);
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, "streaming-page-no-js.png"), fullPage: true });
  } finally {
    await browser.close();
    await app.stop();
  }
});
