/** Spark's UIUtils formats, so that numbers read the same as in Spark's UI. */

/** "42 ms", "0.3 s", "12 s", "1.5 min", "2.0 h". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "-";
  if (ms < 100) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 1) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${seconds.toFixed(0)} s`;
  const minutes = seconds / 60;
  if (minutes < 10) return `${minutes.toFixed(1)} min`;
  if (minutes < 60) return `${minutes.toFixed(0)} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}

/**
 * A time an executor measured with its high-resolution clock: fractions of a millisecond are
 * kept below 10 ms ("0.25 ms", "3.2 ms"), where Spark's whole milliseconds would read "0 ms".
 */
export function formatTaskTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "-";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  return formatDuration(ms);
}

function unit(n: number, name: string): string {
  return `${n} ${name}${n === 1 ? "" : "s"}`;
}

/** "500 ms", "1 second", "3 minutes 21 seconds", "1 hour 0 minutes 5 seconds". */
export function formatDurationVerbose(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.floor(ms / 1000);
  const sec = unit(s % 60, "second");
  if (s < 60) return sec;
  const min = unit(Math.floor(s / 60) % 60, "minute");
  if (s < 3600) return `${min} ${sec}`;
  const hour = unit(Math.floor(s / 3600) % 24, "hour");
  if (s < 86400) return `${hour} ${min} ${sec}`;
  return `${unit(Math.floor(s / 86400), "day")} ${hour} ${min} ${sec}`;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** "2024/01/31 12:00:05" in local time. */
export function formatDate(ms: number | undefined): string {
  if (ms === undefined) return "-";
  const d = new Date(ms);
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A batch time, with milliseconds when batches are shorter than a second; without the date when `showYYYYMMSS` is false (Spark's UIUtils.formatBatchTime). */
export function formatBatchTime(ms: number, batchDurationMs: number, showYYYYMMSS = true): string {
  const base = formatDate(ms);
  const full = batchDurationMs < 1000 ? `${base}.${pad(new Date(ms).getMilliseconds(), 3)}` : base;
  return showYYYYMMSS ? full : full.slice(full.indexOf(" ") + 1);
}

/** The description Spark's JobScheduler gives the jobs of a streaming output operation (HTML, as Spark stores it). */
export function streamingJobDescription(batchTime: number, outputOpId: number, batchDurationMs: number): string {
  return `Streaming job from <a href="/streaming/batch/?id=${batchTime}">[output operation ${outputOpId}, batch time ${formatBatchTime(batchTime, batchDurationMs, false)}]</a>`;
}

/** "0.0 B", "1.5 KiB", "2.0 MiB". */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export function formatNumber(n: number): string {
  return n.toLocaleString("en-US");
}
