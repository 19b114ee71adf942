/**
 * A shop's view and purchase events for TrendingItems' embedded default, generated from a fixed
 * seed so that every run of the example, and its test, sees the same events, cut into the same
 * batches.
 */
import { prng } from "./prng.js";

export interface ShopEvent {
  user: string;
  item: string;
  kind: "view" | "purchase";
  /** Event time, epoch milliseconds. */
  time: number;
}

/** 2026-01-01T18:00:00Z: the sample's first event time. */
export const SAMPLE_START = Date.UTC(2026, 0, 1, 18);
/** How much event time one batch of the sample covers: ten batches make twenty minutes. */
export const BATCH_SPAN = 2 * 60_000;
export const SAMPLE_BATCHES = 10;
const USERS = 30;
/** Items come in groups of four related ones (item-00..03, item-04..07, ...), which sessions mostly stay within. */
const GROUPS = 6;
const GROUP_SIZE = 4;

const item = (i: number): string => `item-${String(i).padStart(2, "0")}`;

/**
 * The sample, one array per batch, each in event-time order, plus one last batch. Each user has
 * sessions of two to six views, 10 to 50 s apart, mostly within one group of items, sometimes
 * ending in a purchase, with four to eight minutes of inactivity between sessions. From minute 8
 * to minute 14 half the sessions are about item-13, which trends. The last batch holds a single
 * view an hour later, which moves the watermark past every earlier session.
 */
export function sampleShopEvents(seed = 11): ShopEvent[][] {
  const next = prng(seed);
  const pick = (n: number): number => Math.floor(next() * n);
  const end = SAMPLE_START + SAMPLE_BATCHES * BATCH_SPAN;
  const events: ShopEvent[] = [];
  for (let u = 0; u < USERS; u++) {
    const user = `user-${String(u).padStart(2, "0")}`;
    let time = SAMPLE_START + pick(4 * 60_000);
    while (time < end) {
      const minute = (time - SAMPLE_START) / 60_000;
      const hot = minute >= 8 && minute < 14 && next() < 0.5;
      const group = hot ? 3 : pick(GROUPS);
      const viewed: string[] = hot ? [item(13)] : [];
      const views = 2 + pick(5);
      while (viewed.length < views) viewed.push(next() < 0.1 ? item(pick(GROUPS * GROUP_SIZE)) : item(group * GROUP_SIZE + pick(GROUP_SIZE)));
      for (const it of viewed) {
        if (time >= end) break;
        events.push({ user, item: it, kind: "view", time });
        time += 10_000 + pick(40_000);
      }
      if (time < end && next() < 0.3) events.push({ user, item: viewed[pick(viewed.length)]!, kind: "purchase", time: time - 5_000 });
      time += 4 * 60_000 + pick(4 * 60_000);
    }
  }
  const batches: ShopEvent[][] = Array.from({ length: SAMPLE_BATCHES }, () => []);
  for (const e of events) batches[Math.floor((e.time - SAMPLE_START) / BATCH_SPAN)]!.push(e);
  for (const batch of batches) batch.sort((a, b) => a.time - b.time || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
  batches.push([{ user: "user-00", item: item(0), kind: "view", time: end + 60 * 60_000 }]);
  return batches;
}
