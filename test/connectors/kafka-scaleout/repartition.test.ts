/**
 * A word count re-keyed through `<app>-words-repartition`, run by two copies (child processes)
 * against the real broker. Each copy reads half of the input partitions and reduces half of the
 * words. The test collects the input offset ranges that each copy committed per batch, and
 * computes from the input what one copy would emit from those same ranges. It then checks that
 * the two copies' committed output equals that, batch by batch and word by word, exactly once.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { uniqueTopic, useBroker } from "../kafka/broker.js";
import { eventually, readCommitted, startCopy, type Copy } from "./copies.js";

const broker = useBroker();
const BATCH_MS = 500;
const WORDS = ["apple", "pear", "fig", "kiwi", "plum", "lime", "date", "yuzu"];

describe("KafkaScaleOut repartition (two copies are child processes)", () => {
  it("two copies' word counts equal one copy's over the same offset ranges, batch by batch", async (t) => {
    const partitions = 4;
    const perPartition = 60;
    const input = await broker.createTopic(uniqueTopic("so-rp-in"), partitions);
    const output = await broker.createTopic(uniqueTopic("so-rp-out"), 2);
    const app = uniqueTopic("so-rp-app");
    const copies: Copy[] = [];
    try {
      // A rate limit (20 lines per partition and batch) spreads the input over several batches.
      const extra = ["--rate", "40", "--batch-ms", String(BATCH_MS)];
      const a = startCopy({ app, instance: "a", input, output, mode: "wordcount", extra });
      copies.push(a);
      const b = startCopy({ app, instance: "b", input, output, mode: "wordcount", extra });
      copies.push(b);
      const [ra] = await Promise.all([a.report, b.report]);
      assert.match(ra.repartition, new RegExp(`through ${app}-words-repartition \\(4 partitions`), "the start-up report says records are re-keyed");
      const sa = await a.assigned((s) => s.tasks.length === 2, "a runs 2 of the 4 tasks");
      await b.assigned((s) => s.tasks.length === 2 && s.generationId === sa.generationId, "b runs the other 2");

      // Offsets of a fresh topic start at 0, so lines[p][o] is the record at offset o of partition p.
      const lines: string[][] = Array.from({ length: partitions }, () => []);
      const records = [];
      for (let p = 0; p < partitions; p++) {
        for (let i = 0; i < perPartition; i++) {
          const line = Array.from({ length: 3 }, () => WORDS[Math.floor(Math.random() * WORDS.length)]).join(" ");
          lines[p]!.push(line);
          records.push({ topic: input, partition: p, value: line });
        }
      }
      await broker.produce(records);
      const totalWords = partitions * perPartition * 3;

      const got = await eventually(async () => {
        const out = await readCommitted(output, 2);
        return out.reduce((n, [, v]) => n + Number(v), 0) >= totalWords ? out : undefined;
      }, `the committed counts add up to ${totalWords} words`, 120_000);

      const committed = [...a.committed, ...b.committed];
      // Every input offset was read in exactly one committed batch, by exactly one copy.
      const readCount = new Map<string, number>();
      for (const batch of committed) {
        for (const r of batch.inputRanges) for (let o = r.fromOffset; o < r.untilOffset; o++) readCount.set(`${r.partition}/${o}`, (readCount.get(`${r.partition}/${o}`) ?? 0) + 1);
      }
      assert.equal(readCount.size, partitions * perPartition, "every input record was read");
      assert.ok([...readCount.values()].every((n) => n === 1), "and none twice");
      const readBy = (c: Copy): number => c.committed.reduce((n, x) => n + x.inputRanges.reduce((m, r) => m + r.untilOffset - r.fromOffset, 0), 0);
      assert.ok(readBy(a) > 0 && readBy(b) > 0, `both copies read input (a ${readBy(a)}, b ${readBy(b)})`);

      // One copy's result from the same ranges: the words of batch t, counted in the reducer's batch t + 1.
      const expected = new Map<string, number>();
      for (const batch of committed) {
        const index = (batch.time + BATCH_MS - ra.zeroTime) / BATCH_MS;
        for (const r of batch.inputRanges) {
          for (let o = r.fromOffset; o < r.untilOffset; o++) {
            for (const w of lines[r.partition]![o]!.split(" ")) expected.set(`${index} ${w}`, (expected.get(`${index} ${w}`) ?? 0) + 1);
          }
        }
      }
      const actual = new Map<string, number>();
      for (const [k, v] of got) {
        assert.ok(!actual.has(k), `(batch, word) ${k} is emitted once`);
        actual.set(k, Number(v));
      }
      assert.deepEqual(new Map([...actual].sort()), new Map([...expected].sort()));
      const batches = new Set([...actual.keys()].map((k) => k.split(" ")[0]));
      assert.ok(batches.size >= 2, `the input spans several batches (${batches.size})`);
      t.diagnostic(`${actual.size} (batch, word) results over ${batches.size} batches; a read ${readBy(a)} records, b ${readBy(b)}`);
    } finally {
      for (const c of copies) c.kill();
      await Promise.all(copies.map((c) => c.ended));
    }
  });
});
