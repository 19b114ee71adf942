/**
 * What FraudSignals must print on its embedded default, computed by a plain loop over the same
 * generated payments: each card's payments in event-time order, every rule checked against the
 * card's earlier payments, and the state timeout counted in batches.
 */
import { samplePayments, type Payment } from "../../examples/support/payments.js";

const TIMEOUT_BATCHES = 3;
const hhmmss = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/** Per batch: the signals its payments raise, the cards freed, and how many cards hold state after it. */
export function expectedFraudSignals(batchCount: number) {
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

