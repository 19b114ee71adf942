/**
 * A copy's /metrics has its consumer lag per input partition, its tasks and its group
 * generation, and the REST API's streaming/sources and the Streaming page's card say the same: the lag is there for every
 * partition of its tasks, never negative, above 0 while rate-limited input waits, and 0 once
 * the input is drained.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parsePrometheus, type PromSample } from "../../ui/support.js";
import { uniqueTopic, useBroker } from "../kafka/broker.js";
import { eventually, startCopy, type Copy } from "./copies.js";

const broker = useBroker();
const LAG = "dstream_scaleout_consumer_lag_records";

async function scrape(url: string): Promise<PromSample[]> {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  return parsePrometheus(await res.text()).samples;
}

describe("KafkaScaleOut lag in /metrics (the copy is a child process)", () => {
  it("per-partition lag, tasks and generation; the lag reaches 0 once the input is drained", async () => {
    const partitions = 4;
    const input = await broker.createTopic(uniqueTopic("so-lag-in"), partitions);
    const output = await broker.createTopic(uniqueTopic("so-lag-out"), 2);
    let copy: Copy | undefined;
    try {
      copy = startCopy({ app: uniqueTopic("so-lag-app"), instance: "a", input, output, extra: ["--rate", "10"] });
      const report = await copy.report;
      const url = await copy.ui;
      // 10 records per partition per second: 80 per partition wait for about 8 s.
      await broker.produce(Array.from({ length: partitions * 80 }, (_, i) => ({ topic: input, partition: i % partitions, value: `v${i}` })));

      const lagged = await eventually(async () => {
        const lag = (await scrape(url)).filter((s) => s.name === LAG);
        return lag.some((s) => s.value > 0) ? lag : undefined;
      }, "a positive lag while the rate-limited input waits");
      assert.deepEqual(lagged.map((s) => Number(s.labels.partition)).sort(), [0, 1, 2, 3], "one lag sample per input partition of the copy's tasks");
      for (const s of lagged) {
        assert.equal(s.labels.topic, input);
        assert.ok(s.value >= 0 && s.value <= 80, `lag ${s.value} of partition ${s.labels.partition} is within the input`);
      }

      const drained = await eventually(async () => {
        const samples = await scrape(url);
        const lag = samples.filter((s) => s.name === LAG);
        return lag.length === partitions && lag.every((s) => s.value === 0) ? samples : undefined;
      }, "the lag of every partition reaches 0 once the input is drained");
      const one = (name: string): number => {
        const found = drained.filter((s) => s.name === name);
        assert.equal(found.length, 1, `one ${name} sample`);
        return found[0]!.value;
      };
      assert.equal(one("dstream_scaleout_tasks"), partitions);
      assert.equal(one("dstream_scaleout_task_count"), partitions);
      assert.equal(one("dstream_scaleout_group_generation"), report.generationId);
      assert.deepEqual(drained.filter((s) => s.name === "dstream_scaleout_task_assigned").map((s) => Number(s.labels.task)).sort(), [0, 1, 2, 3]);

      const [app] = (await (await fetch(`${url}/api/v1/applications`)).json()) as Array<{ id: string }>;
      const sources = (await (await fetch(`${url}/api/v1/applications/${app!.id}/streaming/sources`)).json()) as Array<{ name: string; generationId: number; tasks: number[]; lag: Array<{ partition: number; lag: number; endOffset: number }> }>;
      const so = sources.find((s) => s.name === "kafka-scaleout");
      assert.ok(so, `streaming/sources lists kafka-scaleout: ${JSON.stringify(sources)}`);
      assert.equal(so.generationId, report.generationId);
      assert.deepEqual([...so.tasks].sort(), [0, 1, 2, 3]);
      assert.deepEqual(so.lag.map((l) => [l.partition, l.lag, l.endOffset]), [0, 1, 2, 3].map((p) => [p, 0, 80]));

      const page = await (await fetch(`${url}/streaming/`)).text();
      const card = /<section class="card source-card" data-source="kafka-scaleout">([\s\S]*?)<\/section>/.exec(page)?.[1];
      assert.ok(card, "the Streaming page has a kafka-scaleout card");
      for (const p of [0, 1, 2, 3]) assert.match(card, new RegExp(`${LAG}</td><td>[^<]*partition=${p}</td><td class="value">0</td>`), `the card shows partition ${p}'s lag`);
    } finally {
      copy?.kill();
      await copy?.ended;
    }
  });
});
