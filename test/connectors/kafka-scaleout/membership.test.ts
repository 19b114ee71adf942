/**
 * Copies of one application as real child processes against the real broker: one copy alone
 * reads everything, as a plain dstream app does; copies that join share the partitions; a
 * killed copy's partitions move to the survivors; a copy restarted with its group.instance.id
 * within the session timeout gets its tasks back without a rebalance.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { uniqueTopic, useBroker } from "../kafka/broker.js";
import { eventually, readCommitted, startCopy, type Copy } from "./copies.js";

const broker = useBroker();

function values(n: number, from: number, topic: string, partitions: number): Array<{ topic: string; partition: number; value: string }> {
  return Array.from({ length: n }, (_, i) => ({ topic, partition: (from + i) % partitions, value: `v${from + i}` }));
}

async function outputReaches(topic: string, n: number): Promise<string[]> {
  return eventually(async () => {
    const got = (await readCommitted(topic, 2)).map(([, v]) => v);
    return got.length >= n ? got : undefined;
  }, `${n} records committed to ${topic}`, 90_000);
}

function assertExactlyOnce(got: string[], n: number): void {
  const expected = Array.from({ length: n }, (_, i) => `v${i}`).sort();
  assert.deepEqual([...got].sort(), expected, "every input value exactly once in the committed output");
}

describe("KafkaScaleOut membership (copies are child processes)", () => {
  it("one copy reads every partition; a second shares them; a killed copy's partitions move back", async (t) => {
    const partitions = 4;
    const input = await broker.createTopic(uniqueTopic("so-in"), partitions);
    const output = await broker.createTopic(uniqueTopic("so-out"), 2);
    const app = uniqueTopic("so-app");
    await broker.produce(values(100, 0, input, partitions));
    const copies: Copy[] = [];
    try {
      const a = startCopy({ app, instance: "a", input, output });
      copies.push(a);
      const ra = await a.report;
      assert.deepEqual(ra.tasks, [0, 1, 2, 3], "alone, the copy runs every task");
      assert.match(ra.repartition, /^none: the input topics .* are co-partitioned/, "no repartition is needed");
      assert.equal(ra.createdGrid, true);
      assertExactlyOnce(await outputReaches(output, 100), 100);

      const b = startCopy({ app, instance: "b", input, output });
      copies.push(b);
      const rb = await b.report;
      assert.equal(rb.createdGrid, false, "the second copy joins the first one's grid");
      assert.equal(rb.zeroTime, ra.zeroTime);
      const sa = await a.assigned((s) => s.tasks.length === 2, "a runs 2 tasks");
      assert.ok(sa.tasks.every((task) => ra.tasks.includes(task)), "a keeps tasks it had (sticky)");
      const sb = await b.assigned((s) => s.tasks.length === 2 && s.generationId === sa.generationId, "b runs the other 2 in the same generation");
      assert.deepEqual([...sa.tasks, ...sb.tasks].sort(), [0, 1, 2, 3], "the copies share the tasks, each exactly once");
      await broker.produce(values(100, 100, input, partitions));
      assertExactlyOnce(await outputReaches(output, 200), 200);

      // Static membership: killed and restarted at once with the same group.instance.id, b gets its tasks back and a sees no rebalance.
      b.kill();
      await b.ended;
      const b2 = startCopy({ app, instance: "b", input, output });
      copies.push(b2);
      const rb2 = await b2.report;
      assert.deepEqual(rb2.tasks, sb.tasks, "the restarted copy has its tasks back");
      assert.equal(a.assignments.at(-1)!.generationId, sa.generationId, "the other copy saw no rebalance");
      await broker.produce(values(100, 200, input, partitions));
      assertExactlyOnce(await outputReaches(output, 300), 300);

      // Killed for good: after the session timeout, its tasks move to a.
      const seen = a.assignments.length;
      b2.kill();
      await b2.ended;
      const killedAt = Date.now();
      await a.assigned((s) => s.tasks.length === 4, "a runs all 4 tasks again", seen);
      t.diagnostic(`partitions moved ${Date.now() - killedAt} ms after the SIGKILL (session timeout 6000 ms)`);
      await broker.produce(values(100, 300, input, partitions));
      assertExactlyOnce(await outputReaches(output, 400), 400);
    } finally {
      for (const c of copies) c.kill();
      await Promise.all(copies.map((c) => c.ended));
    }
  });
});

describe("KafkaScaleOut refuses what cannot work", () => {
  it("refuses a copy whose graph differs from the running application's, saying what differs", async () => {
    const input = await broker.createTopic(uniqueTopic("so-in"), 2);
    const output = await broker.createTopic(uniqueTopic("so-out"), 1);
    const app = uniqueTopic("so-app");
    const a = startCopy({ app, instance: "a", input, output, mode: "wordcount" });
    try {
      await a.report;
      const b = startCopy({ app, instance: "b", input, output, mode: "wordcount", extra: ["--variant", "filtered"] });
      const end = await b.ended;
      assert.notEqual(end.code, 0);
      assert.match(end.output, /builds a different graph than the application it joins/);
      assert.match(end.output, /FilteredDStream/, "the message names the operation that differs");
      assert.match(end.output, /new application id/, "and says how to deploy a changed graph");
      const c = startCopy({ app, instance: "c", input, output, mode: "wordcount", extra: ["--batch-ms", "700"] });
      const endC = await c.ended;
      assert.match(endC.output, /batch duration was 500 ms and is now 700 ms/);
    } finally {
      a.kill();
      await a.ended;
    }
  });

  it("refuses input topics with different partition counts, and a repartition topic that does not match them", async () => {
    const t1 = await broker.createTopic(uniqueTopic("so-in"), 4);
    const t2 = await broker.createTopic(uniqueTopic("so-in"), 3);
    const output = await broker.createTopic(uniqueTopic("so-out"), 1);
    const end = await startCopy({ app: uniqueTopic("so-app"), instance: "a", input: `${t1},${t2}`, output }).ended;
    assert.notEqual(end.code, 0);
    assert.match(end.output, new RegExp(`must be co-partitioned.*${t1} has 4, ${t2} has 3`));
    const app = uniqueTopic("so-app");
    await broker.createTopic(`${app}-words-repartition`, 2);
    const end2 = await startCopy({ app, instance: "a", input: t1, output, mode: "wordcount" }).ended;
    assert.match(end2.output, new RegExp(`repartition topic ${app}-words-repartition has 2 partitions but the input topics have 4`));
  });
});
