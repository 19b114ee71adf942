/**
 * The AdCampaignCounts example on its embedded default (generated YSB ad events on loopback),
 * run as a user would in a child process: the per-campaign 10 s window counts it prints and
 * writes are checked against a direct computation over the same generated events.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startExample } from "./helpers/exampleProcess.js";
import { written } from "./helpers/exampleOutput.js";
import { expectedAdCampaignCounts as expected } from "./helpers/adCampaignCountsExpected.js";

test("AdCampaignCounts on its generated events: views per campaign per 10 s window, printed and written once, broken events as dead letters", { timeout: 180_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), "dstream-adcampaigns-test-"));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const { code, stdout, stderr } = await startExample(["AdCampaignCounts", "--out", out, "--seconds", "8"]).exited;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /No --bootstrap\/--topic given: streaming generated ad events from 127\.0\.0\.1:\d+\./);
  const want = expected();
  assert.ok(want.counts.length >= 100 && want.malformed.length === 2, "the sample covers every campaign over many windows and has broken events");
  const printed = stdout.split("\n");
  assert.deepEqual(printed.filter((l) => l.startsWith("campaign-")).sort(), want.counts);
  assert.deepEqual(printed.filter((l) => l.startsWith("malformed ")).sort(), want.malformed);
  assert.ok(!printed.some((l) => l.startsWith("unknown-ad")), "every ad joins to a campaign");
  // Each window exactly once across all batch directories.
  assert.deepEqual(written(out, "counts"), want.counts);
  assert.deepEqual(written(out, "dead-letters"), want.malformed);
});
