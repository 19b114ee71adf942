/**
 * Scale-up of a re-keyed word count with a transactional sink over a 12-partition topic: one
 * copy (a child process) runs every task; while it is reading rate-limited input, a second copy
 * joins and then a third. The work spreads to 4 tasks each, each copy keeps a subset of the
 * tasks it had (sticky), the new copies commit input, and a read_committed reader sees every
 * (batch, word) result once with totals equal to the input's, word by word.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MembershipState } from "../../../src/connectors/kafka-scaleout/index.js";
import { uniqueTopic, useBroker } from "../kafka/broker.js";
import { assertWordTotals, copyGroup, eventually, readInput, wordLines, type Copy } from "./copies.js";

const broker = useBroker();

const last = (c: Copy): MembershipState => c.assignments.at(-1)!;
const isSubset = (small: readonly number[], big: readonly number[]): boolean => small.every((t) => big.includes(t));

describe("KafkaScaleOut scale-up (copies are child processes)", () => {
  it("one copy, then a second and a third while it runs: work spreads, every result exactly once", async (t) => {
    const partitions = 12;
    const input = await broker.createTopic(uniqueTopic("so-up-in"), partitions);
    const output = await broker.createTopic(uniqueTopic("so-up-out"), 3);
    const app = uniqueTopic("so-up-app");
    // 10 lines per partition per second: 200 lines per partition last about 20 s, whoever reads them.
    const group = copyGroup({ app, input, output, mode: "wordcount", extra: ["--rate", "10"] });
    try {
      const a = group.start("a");
      const ra = await a.report;
      assert.equal(ra.tasks.length, partitions, "one copy alone runs every task");
      const words = wordLines(input, partitions, 200);
      await broker.produce(words.records);
      await eventually(async () => (readInput(a) > 0 ? true : undefined), "a commits a batch with input");

      const seenA = a.assignments.length;
      const b = group.start("b");
      const sb = await b.assigned((s) => s.tasks.length === 6, "b gets half of the tasks");
      const half = await a.assigned((s) => s.tasks.length === 6 && s.generationId === sb.generationId, "a keeps the other half", seenA);
      assert.deepEqual([...half.tasks, ...sb.tasks].sort((x, y) => x - y), [...Array(partitions).keys()], "a and b share the tasks");

      const seenA2 = a.assignments.length;
      const seenB = b.assignments.length;
      const c = group.start("c");
      const sc = await c.assigned((s) => s.tasks.length === 4, "c gets 4 tasks");
      const fa = await a.assigned((s) => s.tasks.length === 4 && s.generationId === sc.generationId, "a runs 4", seenA2);
      const fb = await b.assigned((s) => s.tasks.length === 4 && s.generationId === sc.generationId, "b runs 4", seenB);
      assert.ok(isSubset(fa.tasks, half.tasks), `a keeps a subset of its tasks (sticky): [${fa.tasks}] of [${half.tasks}]`);
      assert.ok(isSubset(fb.tasks, sb.tasks), `b keeps a subset of its tasks (sticky): [${fb.tasks}] of [${sb.tasks}]`);
      assert.deepEqual([...fa.tasks, ...fb.tasks, ...sc.tasks].sort((x, y) => x - y), [...Array(partitions).keys()], "every task runs on exactly one copy");

      await eventually(async () => (readInput(b) > 0 && readInput(c) > 0 ? true : undefined), "b and c commit batches with input");
      const got = await assertWordTotals(output, words, group.copies, ra.zeroTime);
      for (const x of [a, b, c]) assert.equal(last(x).generationId, sc.generationId, `${x.instance} ends in the generation of the three`);
      t.diagnostic(`${got.length} (batch, word) results; a read ${readInput(a)}, b ${readInput(b)}, c ${readInput(c)} records`);
    } finally {
      await group.stop();
    }
  });
});
