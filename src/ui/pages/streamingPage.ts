import type { StreamingBatchInfo, StreamingReceiverInfo } from "../api/types.js";
import type { StreamingSnapshot } from "../sse/snapshot.js";
import { html, raw, type Html } from "./html.js";
import { badge, errorCell } from "./components.js";
import { staticHistogram, staticTimeline } from "./staticCharts.js";
import { formatBatchTime, formatDate, formatDuration, formatDurationVerbose, formatNumber } from "./format.js";

/** How many completed batches the table shows before "Show all", as streaming.js does. */
const PAGE_ROWS = 100;

/** streaming.js's colours, so the server's charts look like the ones that replace them. */
const COLORS: Record<string, string> = {
  "input-rate": "#2563eb",
  "scheduling-delay": "#d97706",
  "processing-time": "#059669",
  "total-delay": "#7c3aed",
};

interface Series {
  values: Array<number | undefined>;
  max: number;
  format: (v: number) => string;
}

function statRow(metric: string, label: Html, avgId: string, avg: string, avgSuffix: string, series: Series | undefined, extra: Html = html``): Html {
  const color = COLORS[metric]!;
  const defined = series?.values.filter((v): v is number => v !== undefined) ?? [];
  const caption = series && defined.length > 0 ? `${defined.length} batches, max ${series.format(Math.max(...defined))}` : "";
  return html`<tr class="stat-row" data-metric="${metric}">
<td class="stat-label">${label}${extra}<div class="avg">Avg: <span id="${avgId}">${avg}</span>${avgSuffix}</div></td>
<td class="timeline"><div class="chart" id="${`${metric}-timeline`}" data-points="0">${series && defined.length > 0 ? staticTimeline(series.values, series.max, color, caption) : ""}</div></td>
<td class="histogram"><div class="chart" id="${`${metric}-histogram`}" data-points="0">${series && defined.length > 0 ? staticHistogram(defined, series.max, color, "#batches per bin") : ""}</div></td>
</tr>`;
}

function opsCell(b: StreamingBatchInfo): Html {
  const ok = b.numCompletedOutputOps;
  const total = b.numTotalOutputOps;
  const failed = b.numFailedOutputOps;
  const pct = (n: number): string => `${total > 0 ? (100 * n) / total : 0}%`;
  return html`<div class="progress"><span class="progress-done" style="${`width:${pct(ok)}`}"></span><span class="progress-failed" style="${`width:${pct(failed)}`}"></span><span class="progress-text">${ok}/${total}${failed ? ` (${failed} failed)` : ""}</span></div>`;
}

function batchLink(b: StreamingBatchInfo, batchDuration: number): Html {
  return html`<a href="${`/streaming/batch/?id=${b.batchId}`}">${formatBatchTime(b.batchId, batchDuration)}</a>`;
}

function activeRows(batches: StreamingBatchInfo[], batchDuration: number): Html {
  if (batches.length === 0) return html`<tr class="empty"><td colspan="6">No active batches</td></tr>`;
  return html`${batches.map(
    (b) => html`<tr data-batch-id="${b.batchId}"><td>${batchLink(b, batchDuration)}</td><td>${formatNumber(b.inputSize)} records</td><td>${formatDuration(b.schedulingDelay)}</td><td>${formatDuration(b.processingTime)}</td><td>${opsCell(b)}</td><td>${b.status === "PROCESSING" ? badge("processing", "run") : badge("queued", "wait")}</td></tr>`,
  )}`;
}

function completedRows(batches: StreamingBatchInfo[], batchDuration: number): Html {
  if (batches.length === 0) return html`<tr class="empty"><td colspan="7">No completed batches yet</td></tr>`;
  return html`${batches.map(
    (b) => html`<tr data-batch-id="${b.batchId}"${b.numFailedOutputOps > 0 ? html` class="failed"` : ""}><td>${batchLink(b, batchDuration)}</td><td>${formatNumber(b.inputSize)} records</td><td>${formatDuration(b.schedulingDelay)}</td><td>${formatDuration(b.processingTime)}</td><td>${formatDuration(b.totalDelay)}</td><td>${opsCell(b)}</td><td>${errorCell(b.firstFailureReason)}</td></tr>`,
  )}`;
}

/**
 * One row per receiver: its status, where it runs, its average rate over the retained batches,
 * and its last error, as Spark's per-receiver rows under Input Rate show them. streaming.js
 * keeps the same cells current.
 */
function receiverRows(receivers: readonly StreamingReceiverInfo[]): Html {
  if (receivers.length === 0) return html`<tr class="empty"><td colspan="6">No receivers</td></tr>`;
  return html`${[...receivers].sort((a, b) => a.streamId - b.streamId).map(
    (r) => html`<tr data-stream-id="${r.streamId}"${r.lastErrorMessage ? html` class="failed"` : ""}><td class="receiver-name">${r.streamName}</td><td class="receiver-status">${r.isActive ? badge("ACTIVE", "ok") : badge("INACTIVE", "fail")}</td><td class="receiver-location">${r.executorId ?? "-"} / ${r.executorHost ?? "-"}</td><td class="receiver-rate">${(r.avgEventRate ?? 0).toFixed(2)} records/sec</td><td class="receiver-error-time">${r.lastErrorTime ? formatDate(Date.parse(r.lastErrorTime.replace("GMT", "Z"))) : "-"}</td><td class="receiver-error">${r.lastErrorMessage ? errorCell(r.lastErrorMessage) : html`<span class="muted">-</span>`}</td></tr>`,
  )}`;
}

/** The snapshot as a JSON script element: `<` is escaped so no value can end the element. */
function embedded(s: StreamingSnapshot | null): Html {
  return raw(`<script type="application/json" id="initial-snapshot">${JSON.stringify({ streaming: s }).replace(/</g, "\\u003c")}</script>`);
}

/**
 * The Streaming tab, rendered with the current numbers and tables, so that a page without
 * JavaScript (a text browser, a screenshot, a proxy that buffers the event stream) shows them.
 * `streaming.js` then draws the charts from the embedded snapshot and keeps everything current
 * from `/events`.
 */
export function streamingPage(s: StreamingSnapshot | null, now: number): Html {
  const stats = s?.statistics;
  const start = s ? (s.startTime ?? Date.parse(stats!.startTime.replace("GMT", "Z"))) : undefined;
  const batches = s ? [...s.batches].sort((a, b) => a.batchId - b.batchId) : [];
  const active = batches.filter((b) => b.status !== "COMPLETED").reverse();
  const completed = batches.filter((b) => b.status === "COMPLETED").reverse();
  const receivers = s?.receivers ?? [];
  const activeReceivers = receivers.filter((r) => r.isActive).length;
  const duration = s?.batchDuration ?? 1000;
  // As streaming.js scales them: the three delays share one axis, so they compare at a glance.
  const rates = batches.map((b) => (b.inputSize * 1000) / duration);
  const delay = (f: (b: StreamingBatchInfo) => number | undefined): Array<number | undefined> => batches.map(f);
  const sched = delay((b) => b.schedulingDelay);
  const proc = delay((b) => b.processingTime);
  const totalDelay = delay((b) => b.totalDelay);
  const maxDelay = Math.max(1, ...[...sched, ...proc, ...totalDelay].filter((v): v is number => v !== undefined));
  const rateSeries: Series = { values: rates, max: Math.max(1, ...rates), format: (v) => `${v.toFixed(2)} records/sec` };
  const delaySeries = (values: Array<number | undefined>): Series => ({ values, max: maxDelay, format: formatDuration });
  return html`<h2>Streaming Statistics</h2>
<div id="no-stream" class="card notice"${s ? raw(" hidden") : ""}>No StreamingContext has started in this application yet.</div>
<div id="stream-stopped" class="card notice warn"${s?.stopped ? "" : raw(" hidden")}>The StreamingContext has stopped; these are its last batches.</div>
<p id="basic-info" class="basic-info"${s ? "" : raw(" hidden")}>${s?.stopped ? "Ran batches of " : "Running batches of "}<strong id="bi-batch">${s ? formatDurationVerbose(s.batchDuration) : "-"}</strong> for <strong id="bi-for">${start !== undefined ? formatDurationVerbose(now - start) : "-"}</strong> since <strong id="bi-since">${start !== undefined ? formatDate(start) : "-"}</strong> (<strong id="bi-completed">${formatNumber(stats?.numTotalCompletedBatches ?? 0)}</strong> completed batches, <strong id="bi-records">${formatNumber(stats?.numReceivedRecords ?? 0)}</strong> records)</p>
<section class="card"${s ? "" : raw(" hidden")}>
<table id="stat-table" class="stat-table">
<thead><tr><th class="stat-label-col"></th><th>Timelines (<span id="timeline-summary">${stats ? `last ${batches.length} batches, ${stats.numActiveBatches} active, ${stats.numRetainedCompletedBatches} completed` : "no batches yet"}</span>)</th><th>Histograms</th></tr></thead>
<tbody>
${statRow(
  "input-rate",
  html`<button type="button" id="expand-input-rate" class="expand" aria-expanded="false" title="Show or hide each input stream"><span class="arrow"></span><strong>Input Rate</strong></button>`,
  "avg-input-rate",
  stats?.avgInputRate === undefined ? "-" : stats.avgInputRate.toFixed(2),
  " records/sec",
  s ? rateSeries : undefined,
  html`<div id="receivers-summary" class="muted">${receivers.length > 0 ? `Receivers: ${activeReceivers} / ${receivers.length} active` : ""}</div>`,
)}
<tr id="inputs-row" hidden><td colspan="3"><div id="inputs"></div></td></tr>
${statRow("scheduling-delay", html`<strong title="Time taken by the streaming scheduler to submit the jobs of a batch">Scheduling Delay</strong>`, "avg-scheduling-delay", formatDuration(stats?.avgSchedulingDelay), "", s ? delaySeries(sched) : undefined)}
${statRow("processing-time", html`<strong title="Time taken to process all jobs of a batch">Processing Time</strong><div class="legend"><span class="legend-line"></span> batch interval ${formatDuration(duration)}</div>`, "avg-processing-time", formatDuration(stats?.avgProcessingTime), "", s ? delaySeries(proc) : undefined)}
${statRow("total-delay", html`<strong title="Total time taken to handle a batch">Total Delay</strong>`, "avg-total-delay", formatDuration(stats?.avgTotalDelay), "", s ? delaySeries(totalDelay) : undefined)}
</tbody>
</table>
</section>
<section class="card"${receivers.length > 0 ? "" : raw(" hidden")} id="receivers-card"><h3>Receivers (<span id="receivers-count">${receivers.length}</span>)</h3>
<table class="table" id="receivers-table"><thead><tr><th>Receiver</th><th>Status</th><th>Executor / Host</th><th>Avg Rate</th><th>Last Error Time</th><th>Last Error</th></tr></thead><tbody>${receiverRows(receivers)}</tbody></table>
</section>
${eventTimeCard(s, now)}
${sourceCards(s)}
<section class="card"><h3>Active Batches (<span id="active-count">${active.length}</span>)</h3>
<table class="table batches" id="active-batches"><thead><tr><th>Batch Time</th><th>Records</th><th>Scheduling Delay</th><th>Processing Time</th><th>Output Ops: Succeeded/Total</th><th>Status</th></tr></thead><tbody>${activeRows(active, duration)}</tbody></table>
</section>
<section class="card"><h3>Completed Batches (<span id="completed-title">last ${completed.length} out of ${formatNumber(stats?.numTotalCompletedBatches ?? 0)}</span>)</h3>
<table class="table batches" id="completed-batches"><thead><tr><th>Batch Time</th><th>Records</th><th>Scheduling Delay</th><th>Processing Time</th><th>Total Delay</th><th>Output Ops: Succeeded/Total</th><th>Error</th></tr></thead><tbody>${completedRows(completed.slice(0, PAGE_ROWS), duration)}</tbody></table>
<div class="table-footer"><button type="button" id="show-all-batches" class="link-button"${completed.length > PAGE_ROWS ? "" : raw(" hidden")}>Show all ${completed.length}</button></div>
</section>
${embedded(s)}`;
}

/** Each event-time stream's watermark and how far it is behind now, and each window aggregation's late records (rendered with the page, not live). */
function eventTimeCard(s: StreamingSnapshot | null, now: number): Html {
  const e = s?.eventTime;
  if (!e) return html``;
  const streamRows = e.streams.map(
    (x) => html`<tr><td>${x.name}</td><td class="watermark">${x.watermark === null ? "-" : formatDate(x.watermark)}</td><td class="watermark-lag">${x.watermark === null ? "-" : formatDuration(now - x.watermark)}</td><td>${formatNumber(x.deadLetters)}</td></tr>`,
  );
  const windowRows = e.windows.map((w) => html`<tr><td>${w.name}</td><td class="late-records">${formatNumber(w.lateRecords)}</td></tr>`);
  return html`<section class="card" id="event-time-card"><h3>Event Time</h3>
<table class="table" id="watermarks-table"><thead><tr><th>Stream</th><th>Watermark</th><th>Behind Now</th><th>Dead Letters</th></tr></thead><tbody>${streamRows}</tbody></table>
<table class="table" id="late-records-table"><thead><tr><th>Windows</th><th>Late Records</th></tr></thead><tbody>${windowRows}</tbody></table>
</section>`;
}

/** One card per registered metrics source: each gauge sample with its labels (rendered with the page, not live). */
function sourceCards(s: StreamingSnapshot | null): Html {
  const cards = (s?.sources ?? []).map((src) => {
    const rows = src.gauges.flatMap((g) =>
      g.samples.map((x) => {
        const labels = Object.entries(x.labels).map(([k, v]) => `${k}=${String(v)}`).join(", ");
        return html`<tr><td title="${g.help}">${g.name}</td><td>${labels}</td><td class="value">${formatNumber(x.value)}</td></tr>`;
      }),
    );
    return html`<section class="card source-card" data-source="${src.name}"><h3>${src.name}</h3>
<table class="table"><thead><tr><th>Metric</th><th>Labels</th><th>Value</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
  });
  return html`${cards}`;
}

export const streamingHead = html`<link rel="stylesheet" href="/static/vendor/uPlot.min.css">`;
export const streamingScripts = html`<script src="/static/vendor/uPlot.iife.min.js"></script>
<script src="/static/streaming.js"></script>`;
