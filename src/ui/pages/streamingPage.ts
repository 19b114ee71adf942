import { html, type Html } from "./html.js";

function statRow(metric: string, label: Html, avgId: string, avgSuffix: string, extra: Html = html``): Html {
  return html`<tr class="stat-row" data-metric="${metric}">
<td class="stat-label">${label}${extra}<div class="avg">Avg: <span id="${avgId}">-</span>${avgSuffix}</div></td>
<td class="timeline"><div class="chart" id="${`${metric}-timeline`}" data-points="0"></div></td>
<td class="histogram"><div class="chart" id="${`${metric}-histogram`}" data-points="0"></div></td>
</tr>`;
}

/**
 * The Streaming tab's frame. `streaming.js` fills it from the `/events` snapshot and keeps it
 * current from later events, so the numbers, charts and tables change without a reload.
 */
export function streamingPage(): Html {
  return html`<h2>Streaming Statistics</h2>
<div id="no-stream" class="card notice" hidden>No StreamingContext has started in this application yet.</div>
<div id="stream-stopped" class="card notice warn" hidden>The StreamingContext has stopped; these are its last batches.</div>
<p id="basic-info" class="basic-info">Running batches of <strong id="bi-batch">-</strong> for <strong id="bi-for">-</strong> since <strong id="bi-since">-</strong> (<strong id="bi-completed">0</strong> completed batches, <strong id="bi-records">0</strong> records)</p>
<section class="card">
<table id="stat-table" class="stat-table">
<thead><tr><th class="stat-label-col"></th><th>Timelines (<span id="timeline-summary">no batches yet</span>)</th><th>Histograms</th></tr></thead>
<tbody>
${statRow(
  "input-rate",
  html`<button type="button" id="expand-input-rate" class="expand" aria-expanded="false" title="Show or hide each input stream"><span class="arrow"></span><strong>Input Rate</strong></button>`,
  "avg-input-rate",
  " records/sec",
  html`<div id="receivers-summary" class="muted"></div>`,
)}
<tr id="inputs-row" hidden><td colspan="3"><div id="inputs"></div></td></tr>
${statRow("scheduling-delay", html`<strong title="Time taken by the streaming scheduler to submit the jobs of a batch">Scheduling Delay</strong>`, "avg-scheduling-delay", "")}
${statRow("processing-time", html`<strong title="Time taken to process all jobs of a batch">Processing Time</strong><div class="legend"><span class="legend-line"></span> batch interval</div>`, "avg-processing-time", "")}
${statRow("total-delay", html`<strong title="Total time taken to handle a batch">Total Delay</strong>`, "avg-total-delay", "")}
</tbody>
</table>
</section>
<section class="card"><h3>Active Batches (<span id="active-count">0</span>)</h3>
<table class="table batches" id="active-batches"><thead><tr><th>Batch Time</th><th>Records</th><th>Scheduling Delay</th><th>Processing Time</th><th>Output Ops: Succeeded/Total</th><th>Status</th></tr></thead><tbody></tbody></table>
</section>
<section class="card"><h3>Completed Batches (<span id="completed-title">last 0 out of 0</span>)</h3>
<table class="table batches" id="completed-batches"><thead><tr><th>Batch Time</th><th>Records</th><th>Scheduling Delay</th><th>Processing Time</th><th>Total Delay</th><th>Output Ops: Succeeded/Total</th><th>Error</th></tr></thead><tbody></tbody></table>
<div class="table-footer"><button type="button" id="show-all-batches" class="link-button" hidden>Show all</button></div>
</section>`;
}

export const streamingHead = html`<link rel="stylesheet" href="/static/vendor/uPlot.min.css">`;
export const streamingScripts = html`<script src="/static/vendor/uPlot.iife.min.js"></script>
<script src="/static/streaming.js"></script>`;
