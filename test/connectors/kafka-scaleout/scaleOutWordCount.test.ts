/**
 * The ScaleOutWordCount example, run as a user would, as two copies (child processes) under
 * one application id against the test broker: the per-batch counts they commit add up, word
 * by word, to the words produced (that the copies split the partitions is membership.test.ts's).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startExample, type Running } from "../../helpers/exampleProcess.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "../kafka/broker.js";
import { eventually, readCommitted } from "./copies.js";

const broker = useBroker();
const WORDS = ["red", "green", "blue", "cyan", "magenta", "yellow"];

describe("ScaleOutWordCount example", () => {
  it("two copies count every word exactly once", async () => {
    const input = await broker.createTopic(uniqueTopic("so-ex-in"), 4);
    const output = await broker.createTopic(uniqueTopic("so-ex-out"), 1);
    const app = uniqueTopic("so-ex-app");
    const copies: Running[] = ["copy-1", "copy-2"].map((id) =>
      startExample(["ScaleOutWordCount", BOOTSTRAP, app, id, input, output, "--batch-ms", "500"], { DSTREAM_LOG_LEVEL: "warn" }),
    );
    try {
      const started = (c: Running): RegExpExecArray | null => /copy (copy-\d): tasks \[([\d, ]*)\] of 4/.exec(c.stdout());
      await eventually(async () => (copies.every((c) => started(c)) ? true : undefined), "both copies start", 90_000);
      const expected = new Map<string, number>();
      const records = [];
      for (let i = 0; i < 200; i++) {
        const words = Array.from({ length: 2 }, () => WORDS[Math.floor(Math.random() * WORDS.length)]!);
        for (const w of words) expected.set(w, (expected.get(w) ?? 0) + 1);
        records.push({ topic: input, partition: i % 4, value: words.join(" ") });
      }
      await broker.produce(records);
      const got = await eventually(async () => {
        const out = await readCommitted(output, 1);
        return out.reduce((n, [, v]) => n + Number(v), 0) >= 400 ? out : undefined;
      }, "the committed counts add up to 400 words", 90_000);
      const totals = new Map<string, number>();
      for (const [w, n] of got) totals.set(w, (totals.get(w) ?? 0) + Number(n));
      assert.deepEqual(new Map([...totals].sort()), new Map([...expected].sort()), "every word counted exactly once");
    } finally {
      for (const c of copies) c.kill("SIGKILL");
      await Promise.all(copies.map((c) => c.exited));
    }
  });
});
