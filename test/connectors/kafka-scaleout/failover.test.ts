/**
 * Failover of a re-keyed word count with a transactional sink: three copies (child processes)
 * over a 12-partition topic; one is SIGKILLed mid-stream, restarted, and then another is
 * killed. A read_committed reader of the output must see every (batch, word) result once, and
 * the counts must add up, word by word, to the input's: nothing lost, nothing doubled.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { uniqueTopic, useBroker } from "../kafka/broker.js";
import { assertWordTotals, copyGroup, killRestartKill, readInput, wordLines } from "./copies.js";

const broker = useBroker();

describe("KafkaScaleOut failover (three copies are child processes)", () => {
  it("a copy killed mid-stream, restarted, then another killed: every result exactly once", async (t) => {
    const partitions = 12;
    const perPartition = 60;
    const input = await broker.createTopic(uniqueTopic("so-fo-in"), partitions);
    const output = await broker.createTopic(uniqueTopic("so-fo-out"), 3);
    const app = uniqueTopic("so-fo-app");
    const extra = ["--rate", "10"]; // 5 lines per partition and 500 ms batch: the input lasts about 6 s
    const group = copyGroup({ app, input, output, mode: "wordcount", extra });
    const { copies, start } = group;
    try {
      const [a, b, c] = [start("a"), start("b"), start("c")];
      const [ra] = await Promise.all([a.report, b.report, c.report]);
      const sa = await a.assigned((s) => s.tasks.length === 4, "a runs 4 of the 12 tasks");
      await b.assigned((s) => s.tasks.length === 4 && s.generationId === sa.generationId, "b runs 4");
      await c.assigned((s) => s.tasks.length === 4 && s.generationId === sa.generationId, "c runs 4");

      const words = wordLines(input, partitions, perPartition);
      await broker.produce(words.records);

      // Mid-stream: b has committed input, and there is more to come.
      const { b2, took, movedMs } = await killRestartKill(group, a, b, c);
      t.diagnostic(`b's tasks moved ${movedMs} ms after its SIGKILL (session timeout 6000 ms)`);
      assert.ok(sa.tasks.every((task) => took.tasks.includes(task)), "a keeps its own tasks (sticky)");

      const got = await assertWordTotals(output, words, copies, ra.zeroTime);
      t.diagnostic(`${got.length} (batch, word) results; a read ${readInput(a)}, b ${readInput(b)} then ${readInput(b2)}, c ${readInput(c)} records`);
    } finally {
      await group.stop();
    }
  });
});
