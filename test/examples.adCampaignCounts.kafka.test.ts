/**
 * AdCampaignCounts on its Kafka input (YSB's events in a 4-partition topic of the test broker),
 * run as a user would in a child process: once straight through, and once killed with SIGKILL
 * mid-stream and run again with the same --out, which resumes from the checkpoint. Either way,
 * every closed window is written exactly once, with the count a direct computation gives.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleAdEvents } from "../examples/support/adEvents.js";
import { startExample } from "./helpers/exampleProcess.js";
import { written } from "./helpers/exampleOutput.js";
import { expectedAdCampaignCounts } from "./helpers/adCampaignCountsExpected.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "./connectors/kafka/broker.js";

const broker = useBroker();
const PARTITIONS = 4;

async function adEventsTopic(): Promise<string> {
  const topic = await broker.createTopic(uniqueTopic("ad-events"), PARTITIONS);
  await broker.produce(sampleAdEvents().map((value, i) => ({ topic, partition: i % PARTITIONS, value })));
  return topic;
}

function outDir(t: { after(fn: () => void): void }): string {
  const out = mkdtempSync(join(tmpdir(), "dstream-adcampaigns-kafka-"));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  return out;
}

const batchDirs = (out: string) => readdirSync(out).filter((d) => d.startsWith("counts-")).length;

test("AdCampaignCounts from a Kafka topic: each closed window once, as computed directly", { timeout: 180_000 }, async (t) => {
  const topic = await adEventsTopic();
  const out = outDir(t);
  const args = ["AdCampaignCounts", "--bootstrap", BOOTSTRAP, "--topic", topic, "--max-rate-per-partition", "400", "--out", out, "--seconds", "9"];
  const { code, stdout, stderr } = await startExample(args).exited;
  assert.equal(code, 0, stderr);
  const want = expectedAdCampaignCounts();
  assert.deepEqual(stdout.split("\n").filter((l) => l.startsWith("campaign-")).sort(), want.counts);
  assert.deepEqual(written(out, "counts"), want.counts);
  assert.deepEqual(written(out, "dead-letters"), want.malformed);
});

test("AdCampaignCounts killed with SIGKILL mid-stream and run again resumes from its checkpoint: no window lost or written twice", { timeout: 240_000 }, async (t) => {
  const topic = await adEventsTopic();
  const out = outDir(t);
  const args = ["AdCampaignCounts", "--bootstrap", BOOTSTRAP, "--topic", topic, "--max-rate-per-partition", "100", "--out", out];
  const want = expectedAdCampaignCounts();

  const first = startExample(args);
  const deadline = Date.now() + 120_000;
  while (!(batchDirs(out) >= 3 && written(out, "counts").length > 0)) {
    if (Date.now() > deadline) throw new Error(`AdCampaignCounts wrote no windows within 120 s:\n${first.stdout()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  first.kill("SIGKILL");
  const killed = await first.exited;
  assert.equal(killed.code, null, "the first run was killed, not finished");
  const before = written(out, "counts").length;
  assert.ok(before > 0 && before < want.counts.length, `killed mid-stream: ${before} of ${want.counts.length} windows written`);

  const { code, stderr } = await startExample([...args, "--seconds", "14"]).exited;
  assert.equal(code, 0, stderr);
  assert.deepEqual(written(out, "counts"), want.counts);
  assert.deepEqual(written(out, "dead-letters"), want.malformed);
});
