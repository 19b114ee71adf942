/**
 * The FraudSignals example on its embedded default (twelve queued batches of generated payments),
 * run as a user would in a child process: the signals, the freed cards and the tracked-card counts
 * it prints in each batch are checked against a plain loop over the same payments.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startExample } from "./helpers/exampleProcess.js";
import { printedBatches } from "./helpers/exampleOutput.js";
import { samplePayments, type Payment } from "../examples/support/payments.js";

const TIMEOUT_BATCHES = 3;
const hhmmss = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/** Per batch: the signals its payments raise, the cards freed, and how many cards hold state after it. */
function expected(batchCount: number) {
  const batches = samplePayments();
  const signals: string[][] = Array.from({ length: batchCount }, () => []);
  const freed: string[][] = Array.from({ length: batchCount }, () => []);
  const tracked: number[] = Array.from({ length: batchCount }, () => 0);
  const byCard = new Map<string, Array<[number, Payment]>>();
  batches.forEach((ps, b) => ps.forEach((p) => byCard.set(p.card, [...(byCard.get(p.card) ?? []), [b, p]])));
  for (const [card, history] of byCard) {
    history.sort(([, a], [, b]) => a.time - b.time || (a.id < b.id ? -1 : 1));
    let total = 0;
    history.forEach(([b, p], i) => {
      const earlier = history.slice(0, i).map(([, q]) => q);
      const at = `signal ${card} at ${hhmmss(p.time)}`;
      const inMinute = earlier.filter((q) => q.time > p.time - 60_000).length + 1;
      if (inMinute > 5) signals[b]!.push(`${at} velocity: ${inMinute} payments within 60 s`);
      const countries = new Set(earlier.filter((q) => q.time > p.time - 3_600_000).map((q) => q.country));
      if (countries.size >= 2 && !countries.has(p.country)) signals[b]!.push(`${at} countries: ${[...countries, p.country].sort().join(", ")} within 1 h`);
      if (i >= 5 && p.amount > 5 * (total / i)) signals[b]!.push(`${at} amount: ${p.amount.toFixed(2)} > 5 × mean ${(total / i).toFixed(2)}`);
      total += p.amount;
    });
    // A card last updated in batch b is idle for more than the timeout first in batch b + timeout + 1.
    const first = history[0]![0];
    const freedIn = history.at(-1)![0] + TIMEOUT_BATCHES + 1;
    freed[freedIn]!.push(`freed ${card}: idle for 3 s after ${history.length} payments, mean ${(total / history.length).toFixed(2)}`);
    for (let b = first; b < freedIn; b++) tracked[b]!++;
  }
  return { signals, freed, tracked };
}

test("FraudSignals on its generated payments: velocity, country and amount signals per card, idle cards freed by the state timeout", { timeout: 120_000 }, async () => {
  const { code, stdout, stderr } = await startExample(["FraudSignals", "--seconds", "22"]).exited;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /No --bootstrap given: queueing 12 batches of generated payments\./);
  const printed = printedBatches(stdout);
  // Twelve batches of payments, then the last cards' timeout.
  assert.ok(printed.length >= 17, `expected at least 17 batches, got ${printed.length}`);
  const want = expected(printed.length);
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
