/**
 * What AdCampaignCounts must output on its generated events, computed directly: views per
 * campaign per 10 s window that the final watermark closes, and the broken events as dead letters.
 */
import { adCampaignTable, sampleAdEvents, type AdEvent } from "../../examples/support/adEvents.js";

const iso = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

export function expectedAdCampaignCounts(): { counts: string[]; malformed: string[] } {
  const table = adCampaignTable();
  const events: AdEvent[] = [];
  const malformed: string[] = [];
  for (const line of sampleAdEvents()) {
    let reason: string | undefined;
    try {
      const e = JSON.parse(line) as AdEvent;
      if (Number.isFinite(Number(e.event_time))) events.push(e);
      else reason = `event_time ${JSON.stringify(e.event_time)} is not epoch milliseconds`;
    } catch (e) {
      reason = (e as Error).message;
    }
    if (reason !== undefined) malformed.push(`malformed (the event time function threw: ${reason}): ${line}`);
  }
  const last = Math.max(...events.map((e) => Number(e.event_time)));
  const counts = new Map<string, number>();
  for (const e of events) {
    if (e.event_type !== "view") continue;
    const start = Math.floor(Number(e.event_time) / 10_000) * 10_000;
    // Append mode emits a window once the watermark (max time - 5 s) reaches its end.
    if (start + 10_000 > last - 5_000) continue;
    const id = `${table[e.ad_id]} ${iso(start)}-${iso(start + 10_000)}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return { counts: [...counts].map(([id, n]) => `${id} ${n}`).sort(), malformed: malformed.sort() };
}
