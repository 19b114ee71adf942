/**
 * The Yahoo Streaming Benchmark's ad events (the format bench/ysb.ts writes), generated from a
 * fixed seed so that every run of AdCampaignCounts, and its test, sees the same events.
 */
import { prng } from "./prng.js";

export const CAMPAIGNS = 10;
export const ADS_PER_CAMPAIGN = 10;
const AD_TYPES = ["banner", "modal", "sponsored-search", "mail", "mobile"];
const EVENT_TYPES = ["view", "click", "purchase"];
/** 2026-01-01T00:00:00Z: the sample's first event time. */
export const SAMPLE_START = Date.UTC(2026, 0, 1);

export interface AdEvent {
  user_id: string;
  page_id: string;
  ad_id: string;
  ad_type: string;
  event_type: string;
  /** Epoch milliseconds, as a string (YSB's form). */
  event_time: string;
  ip_address: string;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** Ad → campaign, YSB's table (kept in Redis there): campaign c owns ads c*ADS_PER_CAMPAIGN .. +ADS_PER_CAMPAIGN-1. */
export function adCampaignTable(): Record<string, string> {
  const table: Record<string, string> = {};
  for (let c = 0; c < CAMPAIGNS; c++) for (let a = 0; a < ADS_PER_CAMPAIGN; a++) table[`ad-${hex(c * ADS_PER_CAMPAIGN + a, 4)}`] = `campaign-${hex(c, 2)}`;
  return table;
}

/**
 * `count` JSON events over about two minutes of event time, up to 3 s out of order, then one
 * view a minute later (and two broken events in between) whose only role is to move the watermark past every earlier window.
 */
export function sampleAdEvents(count = 4000, seed = 42): string[] {
  const next = prng(seed);
  const ads = Object.keys(adCampaignTable());
  const events: string[] = [];
  for (let i = 0; i < count; i++) {
    const time = SAMPLE_START + Math.floor((i * 120_000) / count) - Math.floor(next() * 3000);
    const event: AdEvent = {
      user_id: `user-${hex(Math.floor(next() * 100), 3)}`,
      page_id: `page-${hex(Math.floor(next() * 100), 3)}`,
      ad_id: ads[Math.floor(next() * ads.length)]!,
      ad_type: AD_TYPES[Math.floor(next() * AD_TYPES.length)]!,
      event_type: EVENT_TYPES[Math.floor(next() * EVENT_TYPES.length)]!,
      event_time: String(Math.max(SAMPLE_START, time)),
      ip_address: "1.2.3.4",
    };
    events.push(JSON.stringify(event));
  }
  // Two broken events, which the example must report as dead letters.
  events.splice(1000, 0, "{not json");
  events.splice(2000, 0, JSON.stringify({ ...(JSON.parse(events[0]!) as AdEvent), event_time: "yesterday" }));
  events.push(JSON.stringify({ ...(JSON.parse(events[0]!) as AdEvent), event_type: "view", event_time: String(SAMPLE_START + 180_000) }));
  return events;
}
