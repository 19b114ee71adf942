/**
 * Card payments for FraudSignals' embedded default, generated from a fixed seed so that every
 * run of the example, and its test, sees the same events, cut into the same batches.
 */
import { prng } from "./prng.js";

export interface Payment {
  /** Unique, and the tie-breaker between payments of one card at the same millisecond. */
  id: string;
  card: string;
  /** In the card's currency, with two decimals. */
  amount: number;
  /** ISO 3166 alpha-2. */
  country: string;
  /** Event time, epoch milliseconds. */
  time: number;
}

/** 2026-01-01T08:00:00Z: the sample's first event time. */
export const SAMPLE_START = Date.UTC(2026, 0, 1, 8);
/** How much event time one batch of the sample covers: twelve batches make two hours. */
export const BATCH_SPAN = 10 * 60_000;
export const SAMPLE_BATCHES = 12;
const CARDS = 40;
const COUNTRIES = ["DE", "FR", "NL", "ES", "IT", "GB", "US", "BR"];

/** The order in which a card's payments count: event time, then id. */
export const byTime = (a: Payment, b: Payment): number => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The sample, one array per batch, each in event-time order. Every card pays in each batch of a
 * contiguous run of batches (ten of them in all twelve), so a card is idle only once it has
 * stopped for good. A few cards misbehave on purpose: card-05 makes a burst of payments in a
 * minute, card-07 pays from three countries within an hour, card-09 pays forty times its usual
 * amount; random travel and large amounts add a few more signals.
 */
export function samplePayments(seed = 7): Payment[][] {
  const next = prng(seed);
  const batches: Payment[][] = Array.from({ length: SAMPLE_BATCHES }, () => []);
  let id = 0;
  const pay = (batch: number, card: string, amount: number, country: string, time: number): void => {
    batches[batch]!.push({ id: `p-${String(id++).padStart(5, "0")}`, card, amount: Math.round(amount * 100) / 100, country, time });
  };
  for (let c = 0; c < CARDS; c++) {
    const card = `card-${String(c).padStart(2, "0")}`;
    const home = COUNTRIES[Math.floor(next() * 6)]!;
    const typical = 10 + next() * 90;
    const first = c < 10 ? 0 : Math.floor(next() * 6);
    const last = c < 10 ? SAMPLE_BATCHES - 1 : Math.min(SAMPLE_BATCHES - 1, first + 1 + Math.floor(next() * 5));
    for (let b = first; b <= last; b++) {
      const start = SAMPLE_START + b * BATCH_SPAN;
      const count = 1 + Math.floor(next() * 4);
      for (let k = 0; k < count; k++) {
        const travel = next() < 0.03;
        const country = travel ? COUNTRIES[Math.floor(next() * COUNTRIES.length)]! : home;
        const amount = typical * (0.5 + next()) * (next() < 0.02 ? 8 : 1);
        pay(b, card, amount, country, start + Math.floor(next() * BATCH_SPAN));
      }
      if (card === "card-05" && b === 3) for (let k = 0; k < 8; k++) pay(b, card, typical, home, start + 120_000 + k * 5_000);
      if (card === "card-07" && b === 4) {
        pay(b, card, typical, "US", start + 60_000);
        pay(b, card, typical, "BR", start + 300_000);
      }
      if (card === "card-09" && b === 6) pay(b, card, typical * 40, home, start + 30_000);
    }
  }
  for (const batch of batches) batch.sort(byTime);
  return batches;
}
