/**
 * The DirectKafkaWordCount example, run as a user would (`npm run example -- DirectKafkaWordCount
 * <brokers> <groupId> <topics>`, in a child process) against the test broker: lines produced to
 * two topics after it started are counted, batch by batch, in Spark's print() layout.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startExample as runExample } from "../../helpers/exampleProcess.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "./broker.js";

const broker = useBroker();
const DASHES = "-".repeat(43);

/** print()'s batches: dashes, "Time: <ms> ms", dashes, elements, a blank line. */
function parseBatches(stdout: string): Array<{ time: number; lines: string[] }> {
  const lines = stdout.split("\n");
  const out: Array<{ time: number; lines: string[] }> = [];
  let i = 0;
  while (i < lines.length - 1) {
    assert.equal(lines[i], DASHES, `line ${i + 1} should open a batch:\n${stdout}`);
    const m = /^Time: (\d+) ms$/.exec(lines[i + 1] ?? "");
    assert.ok(m, `line ${i + 2} should be "Time: <ms> ms":\n${stdout}`);
    assert.equal(lines[i + 2], DASHES);
    i += 3;
    const elements: string[] = [];
    while (i < lines.length && lines[i] !== "") elements.push(lines[i++]!);
    i++;
    out.push({ time: Number(m[1]), lines: elements });
  }
  return out;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("examples/DirectKafkaWordCount", () => {
  it("counts the words produced to its topics", async () => {
    const a = await broker.createTopic(uniqueTopic("dkwc-a"), 2);
    const b = await broker.createTopic(uniqueTopic("dkwc-b"), 1);
    // Produced before the start: with Kafka's default auto.offset.reset (latest), not counted.
    await broker.produce([{ topic: a, partition: 0, value: "ignored ignored" }]);
    const running = runExample(["DirectKafkaWordCount", BOOTSTRAP, uniqueTopic("dkwc-group"), `${a},${b}`, "--seconds", "9"]);
    await waitFor(() => running.stdout().includes("Time: "), "the first batch");
    await broker.produce([
      { topic: a, partition: 0, value: "to be or not to be" },
      { topic: a, partition: 1, value: "that is the question" },
      { topic: b, partition: 0, value: "to be" },
    ]);
    const { code, stdout, stderr } = await running.exited;
    assert.equal(code, 0, stderr);
    const batches = parseBatches(stdout);
    const counts = new Map<string, number>();
    for (const line of batches.flatMap((x) => x.lines)) {
      const m = /^\((.*),(\d+)\)$/.exec(line);
      assert.ok(m, line);
      counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + Number(m[2]));
    }
    assert.deepEqual(
      [...counts].sort(),
      [
        ["be", 3],
        ["is", 1],
        ["not", 1],
        ["or", 1],
        ["question", 1],
        ["that", 1],
        ["the", 1],
        ["to", 3],
      ],
    );
    for (let k = 1; k < batches.length; k++) assert.equal(batches[k]!.time - batches[k - 1]!.time, 2000, "2 second batches");
  });

  it("without its arguments prints its usage", async () => {
    const { code, stderr } = await runExample(["DirectKafkaWordCount", BOOTSTRAP]).exited;
    assert.equal(code, 1);
    assert.match(stderr, /Usage: DirectKafkaWordCount <brokers> <groupId> <topics>/);
  });
});
