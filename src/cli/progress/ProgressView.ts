import type { ProgressMessage } from "../../ui/progress/ProgressReporter.js";

export type BatchMessage = Extract<ProgressMessage, { type: "dstream:batch" }>;

/** Where `dstream submit` shows the application's progress, and through which its output passes. */
export interface ProgressView {
  message(m: ProgressMessage): void;
  /** The application's own stdout or stderr. */
  output(chunk: Buffer, to: NodeJS.WriteStream): void;
  /** The application exited: leave the terminal clean. */
  finish(): void;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

export function clockTime(ms: number, withMillis: boolean): string {
  const d = new Date(ms);
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMillis ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** Spark's short durations: "42 ms", "0.3 s", "12 s", "1.5 min". */
export function shortDuration(ms: number | null): string {
  if (ms === null) return "-";
  if (ms < 100) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 1) return `${s.toFixed(1)} s`;
  if (s < 60) return `${s.toFixed(0)} s`;
  return `${(s / 60).toFixed(1)} min`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}
