import type { ExecutorSummary } from "../api/types.js";
import { html, type Html } from "./html.js";
import { badge, section, table } from "./components.js";
import { formatBytes, formatDuration, formatNumber } from "./format.js";

const HEADERS = [
  "Executor ID",
  "Address",
  "Status",
  "RDD Blocks",
  "Storage Memory",
  "Disk Used",
  "Cores",
  "Active Tasks",
  "Failed Tasks",
  "Complete Tasks",
  "Total Tasks",
  "Task Time",
  "Shuffle Read",
  "Shuffle Write",
];

const SUMMARY_HEADERS = ["", ...HEADERS.slice(3)];

/** The numbers both tables show, summed over executors in the summary. */
const COUNTED = [
  "rddBlocks",
  "memoryUsed",
  "maxMemory",
  "diskUsed",
  "totalCores",
  "activeTasks",
  "failedTasks",
  "completedTasks",
  "totalTasks",
  "totalDuration",
  "totalShuffleRead",
  "totalShuffleWrite",
] as const;
type Counts = Pick<ExecutorSummary, (typeof COUNTED)[number]>;

/** The columns both tables share, from "RDD Blocks" on. */
function counts(x: Counts): Html {
  return html`<td class="num">${x.rddBlocks}</td>
<td class="nowrap">${formatBytes(x.memoryUsed)} / ${formatBytes(x.maxMemory)}</td>
<td class="nowrap">${formatBytes(x.diskUsed)}</td>
<td class="num">${x.totalCores}</td>
<td class="num">${x.activeTasks}</td>
<td class="num${x.failedTasks > 0 ? " error-text" : ""}">${x.failedTasks}</td>
<td class="num">${formatNumber(x.completedTasks)}</td>
<td class="num">${formatNumber(x.totalTasks)}</td>
<td class="nowrap">${formatDuration(x.totalDuration)}</td>
<td class="nowrap">${formatBytes(x.totalShuffleRead)}</td>
<td class="nowrap">${formatBytes(x.totalShuffleWrite)}</td>`;
}

function total(rows: ExecutorSummary[]): Counts {
  return Object.fromEntries(COUNTED.map((k) => [k, rows.reduce((n, x) => n + x[k], 0)])) as unknown as Counts;
}

/**
 * Spark's Executors page: a summary of active and dead executors, then one row per executor:
 * the driver's own thread and each worker thread, with their tasks, shuffle totals and cached blocks.
 */
export function executorsPage(all: ExecutorSummary[]): Html {
  const active = all.filter((x) => x.isActive);
  const dead = all.filter((x) => !x.isActive);
  const summary = [
    html`<tr data-summary="active"><td>Active(${active.length})</td>${counts(total(active))}</tr>`,
    html`<tr data-summary="dead"><td>Dead(${dead.length})</td>${counts(total(dead))}</tr>`,
    html`<tr data-summary="total"><td><strong>Total(${all.length})</strong></td>${counts(total(all))}</tr>`,
  ];
  const rows = all.map(
    (x) => html`<tr data-executor-id="${x.id}"${x.isActive ? "" : html` class="dead"`}>
<td>${x.id}</td><td>${x.hostPort}</td>
<td>${x.isActive ? badge("Active", "ok") : html`${badge("Dead", "fail")}${x.removeReason ? html`<div class="muted small">${x.removeReason}</div>` : ""}`}</td>
${counts(x)}
</tr>`,
  );
  return html`<h2>Executors</h2>
${section("Summary", table(SUMMARY_HEADERS, summary, { id: "executors-summary" }))}
${section("Executors", table(HEADERS, rows, { id: "executors", empty: "No executor has registered" }))}
<p class="muted small">Each executor is a thread of this process running one task at a time: <code>driver</code> is the driver's own thread, which runs every task in <code>local[1]</code> and, in <code>local[N]</code>, the stages whose functions cannot travel to a worker. Storage memory is <code>spark.executor.memory</code> × 0.6 × 0.5 per executor.</p>`;
}
