/**
 * Failover of a re-keyed word count with a transactional sink: three copies (child processes)
 * over a 12-partition topic; one is SIGKILLed mid-stream, restarted, and then another is
 * killed. A read_committed reader of the output must see every (batch, word) result once, and
 * the counts must add up, word by word, to the input's: nothing lost, nothing doubled.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { uniqueTopic, useBroker } from "../kafka/broker.js";
import { eventually, readCommitted, startCopy, type Copy } from "./copies.js";

const broker = useBroker();
const WORDS = ["north", "south", "east", "west", "up", "down", "left", "right", "in", "out"];

const readInput = (c: Copy): number => c.committed.reduce((n, x) => n + x.inputRanges.reduce((m, r) => m + r.untilOffset - r.fromOffset, 0), 0);

describe("KafkaScaleOut failover (three copies are child processes)", () => {
  it("a copy killed mid-stream, restarted, then another killed: every result exactly once", async (t) => {
    const partitions = 12;
    const perPartition = 60;
    const input = await broker.createTopic(uniqueTopic("so-fo-in"), partitions);
    const output = await broker.createTopic(uniqueTopic("so-fo-out"), 3);
    const app = uniqueTopic("so-fo-app");
    const extra = ["--rate", "10"]; // 5 lines per partition and 500 ms batch: the input lasts about 6 s
    const copies: Copy[] = [];
    const start = (instance: string): Copy => {
      const c = startCopy({ app, instance, input, output, mode: "wordcount", extra });
      copies.push(c);
      return c;
    };
    try {
      const [a, b, c] = [start("a"), start("b"), start("c")];
      const [ra] = await Promise.all([a.report, b.report, c.report]);
      const sa = await a.assigned((s) => s.tasks.length === 4, "a runs 4 of the 12 tasks");
      await b.assigned((s) => s.tasks.length === 4 && s.generationId === sa.generationId, "b runs 4");
      await c.assigned((s) => s.tasks.length === 4 && s.generationId === sa.generationId, "c runs 4");

      const expected = new Map<string, number>();
      const records: Array<{ topic: string; partition: number; value: string }> = [];
      for (let p = 0; p < partitions; p++) {
        for (let i = 0; i < perPartition; i++) {
          const words = Array.from({ length: 3 }, () => WORDS[Math.floor(Math.random() * WORDS.length)]!);
          for (const w of words) expected.set(w, (expected.get(w) ?? 0) + 1);
          records.push({ topic: input, partition: p, value: words.join(" ") });
        }
      }
      await broker.produce(records);
      const totalWords = partitions * perPartition * 3;

      // Mid-stream: b has committed input, and there is more to come.
      await eventually(async () => (readInput(b) > 0 ? true : undefined), "b commits a batch with input");
      const seenA = a.assignments.length;
      b.kill();
      const killedAt = Date.now();
      await b.ended;
      const took = await a.assigned((s) => s.tasks.length === 6, "a takes over half of b's tasks", seenA);
      t.diagnostic(`b's tasks moved ${Date.now() - killedAt} ms after its SIGKILL (session timeout 6000 ms)`);
      assert.ok(sa.tasks.every((task) => took.tasks.includes(task)), "a keeps its own tasks (sticky)");

      const b2 = start("b");
      await b2.report;
      await b2.assigned((s) => s.tasks.length === 4, "the restarted b gets 4 tasks back");
      const seenA2 = a.assignments.length;
      c.kill();
      await c.ended;
      await a.assigned((s) => s.tasks.length === 6, "a takes over half of c's tasks", seenA2);

      let reached = 0;
      let last: Array<[string, string]> = [];
      const got = await eventually(async () => {
        const out = await readCommitted(output, 3);
        last = out;
        reached = out.reduce((n, [, v]) => n + Number(v), 0);
        return reached >= totalWords ? out : undefined;
      }, `the committed counts add up to ${totalWords} words`, 90_000).catch((e: Error) => {
        const read = copies.reduce((n, x) => n + readInput(x), 0);
        if (process.env.DSTREAM_SCALEOUT_DUMP) {
          const dump = { zero: ra.zeroTime, output: last, lines: records.map((r) => [r.partition, r.value]), copies: copies.map((x) => ({ instance: x.instance, committed: x.committed, assignments: x.assignments })) };
          writeFileSync(process.env.DSTREAM_SCALEOUT_DUMP, JSON.stringify(dump));
        }
        throw new Error(`${e.message}: reached ${reached}; the copies committed ${read} of ${partitions * perPartition} input records\n${copies.map((x) => `--- ${x.instance}\n${x.output().slice(-2500)}`).join("\n")}`);
      });
      const seen = new Set<string>();
      const totals = new Map<string, number>();
      for (const [k, v] of got) {
        assert.ok(!seen.has(k), `(batch, word) ${k} appears once to a read_committed reader`);
        seen.add(k);
        const w = k.split(" ")[1]!;
        totals.set(w, (totals.get(w) ?? 0) + Number(v));
      }
      assert.deepEqual(new Map([...totals].sort()), new Map([...expected].sort()), "the totals are the input's, word by word");
      t.diagnostic(`${got.length} (batch, word) results; a read ${readInput(a)}, b ${readInput(b)} then ${readInput(b2)}, c ${readInput(c)} records`);
    } finally {
      for (const c of copies) c.kill();
      await Promise.all(copies.map((c) => c.ended));
    }
  });
});
