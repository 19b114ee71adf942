/**
 * The FraudSignals example on its embedded default (twelve queued batches of generated payments),
 * run as a user would in a child process: the signals, the freed cards and the tracked-card counts
 * it prints in each batch are checked against a plain loop over the same payments.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startExample } from "./helpers/exampleProcess.js";
import { printedBatches } from "./helpers/exampleOutput.js";
import { expectedFraudSignals } from "./helpers/fraudSignalsExpected.js";

test("FraudSignals on its generated payments: velocity, country and amount signals per card, idle cards freed by the state timeout", { timeout: 120_000 }, async () => {
  const { code, stdout, stderr } = await startExample(["FraudSignals", "--seconds", "22"]).exited;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /No --bootstrap given: queueing 12 batches of generated payments\./);
  const printed = printedBatches(stdout);
  // Twelve batches of payments, then the last cards' timeout.
  assert.ok(printed.length >= 17, `expected at least 17 batches, got ${printed.length}`);
  const want = expectedFraudSignals(printed.length);
  const rules = new Set(want.signals.flat().map((s) => s.split(" ")[4]));
  assert.deepEqual([...rules].sort(), ["amount:", "countries:", "velocity:"], "the sample fires every rule");
  printed.forEach(({ lines }, b) => {
    const pick = (prefix: string) => lines.filter((l) => l.startsWith(prefix)).sort();
    assert.deepEqual(pick("signal "), want.signals[b]!.sort(), `signals of batch ${b + 1}`);
    assert.deepEqual(pick("freed "), want.freed[b]!.sort(), `cards freed in batch ${b + 1}`);
    assert.deepEqual(pick("signals: "), [`signals: ${want.signals[b]!.length}`], `signal count of batch ${b + 1}`);
    assert.deepEqual(pick("tracked cards: "), [`tracked cards: ${want.tracked[b]}`], `cards tracked after batch ${b + 1}`);
  });
  // The timeout shrinks the state while cards are still paying, then frees every card.
  const counts = want.tracked;
  const peak = counts.indexOf(Math.max(...counts));
  assert.ok(peak < 11 && counts[11]! < counts[peak]! && counts[11]! > 0, `the state shrinks while cards pay: ${counts.join(" ")}`);
  assert.equal(counts.at(-1), 0);
  assert.equal(want.freed.flat().length, 40, "every card is freed once");
});
