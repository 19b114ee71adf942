import type { StreamingContext } from "../StreamingContext.js";
import type { DStream } from "../dstream/DStream.js";
import { TimedDStream } from "./EventTimeDStream.js";
import { EventTimeWindowedDStream } from "./EventTimeWindowedDStream.js";

/** One event-time stream's progress, for the UI and /metrics. */
export interface EventTimeStreamInfo {
  /** Where the stream was defined, e.g. "withEventTime at app.ts:12". */
  name: string;
  /** Epoch ms; undefined before the first event time. */
  watermark: number | undefined;
  /** Records sent to deadLetters() so far. */
  deadLetters: number;
}

/** One event-time window aggregation's count of records too late for every window they fall in. */
export interface EventTimeWindowInfo {
  name: string;
  lateRecords: number;
}

/** The event-time streams and window aggregations of a context's graph. */
export function eventTimeStatus(ssc: StreamingContext): { streams: EventTimeStreamInfo[]; windows: EventTimeWindowInfo[] } {
  const streams: EventTimeStreamInfo[] = [];
  const windows: EventTimeWindowInfo[] = [];
  const seen = new Set<DStream<unknown>>();
  const visit = (s: DStream<unknown>): void => {
    if (seen.has(s)) return;
    seen.add(s);
    for (const d of s.dependencies) visit(d);
    if (s instanceof TimedDStream) streams.push({ name: s.creationSite, watermark: s.tracker.current() ?? undefined, deadLetters: s.tracker.invalidCount() });
    else if (s instanceof EventTimeWindowedDStream) windows.push({ name: s.creationSite, lateRecords: s.lateRecordCount() });
  };
  for (const s of ssc.graph.outputStreams) visit(s);
  return { streams, windows };
}
