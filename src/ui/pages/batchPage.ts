import type { AppStatusStore } from "../status/AppStatusStore.js";
import { batchDelays, type StreamingStatusStore } from "../status/StreamingStatusStore.js";
import { NotFound } from "../http/responses.js";
import { html, type Html } from "./html.js";
import { badge, errorCell, progressBar, section, summaryList, table } from "./components.js";
import { formatBatchTime, formatDate, formatDuration, formatDurationVerbose, formatNumber } from "./format.js";

/**
 * Spark's batch page: the batch's timing, its input per stream, and each output operation
 * with the jobs it ran, their stages and tasks, and why anything failed.
 */
export function batchPage(streaming: StreamingStatusStore, app: AppStatusStore, batchTime: number): Html {
  const b = streaming.batch(batchTime);
  if (!b) throw new NotFound(`unknown batch: ${batchTime} (it may be older than spark.streaming.ui.retainedBatches)`);
  const d = batchDelays(b);
  const status = b.status === "COMPLETED" ? badge("completed", "ok") : b.status === "PROCESSING" ? badge("processing", "run") : badge("queued", "wait");
  const inputs = [...b.inputs].sort((x, y) => x[0] - y[0]);

  const rows: Html[] = [];
  for (const op of [...b.outputOps.values()].sort((x, y) => x.id - y.id)) {
    const opDuration = op.startTime !== undefined && op.endTime !== undefined ? op.endTime - op.startTime : undefined;
    const opStatus =
      op.failureReason !== undefined ? badge("failed", "fail") : op.endTime !== undefined ? badge("succeeded", "ok") : op.startTime !== undefined ? badge("running", "run") : badge("queued", "wait");
    const jobs = op.jobIds.map((id) => app.job(id));
    const span = Math.max(1, jobs.length);
    const opCells = html`<td rowspan="${span}">${op.id}</td>
<td rowspan="${span}"><div class="opname">${op.name}</div><div class="muted small callsite">${op.description}</div></td>
<td rowspan="${span}">${formatDuration(opDuration)}</td>
<td rowspan="${span}">${opStatus}${op.failureReason !== undefined ? html`<div>${errorCell(op.failureReason)}</div>` : ""}</td>`;
    if (jobs.length === 0) {
      rows.push(html`<tr class="op-row">${opCells}<td colspan="5" class="muted">${op.startTime === undefined ? "Not started" : "No Spark job"}</td></tr>`);
      continue;
    }
    jobs.forEach((job, i) => {
      const id = op.jobIds[i]!;
      let jobCells: Html;
      if (!job) jobCells = html`<td>${id}</td><td colspan="4" class="muted">No longer retained (spark.ui.retainedJobs)</td>`;
      else {
        const c = app.jobCounts(job);
        jobCells = html`<td><a href="${`/jobs/job/?id=${id}`}">${id}</a></td>
<td>${formatDuration((job.completionTime ?? Date.now()) - job.submissionTime)}</td>
<td class="nowrap">${c.numCompletedStages}/${job.stageIds.length - c.numSkippedStages}${c.numSkippedStages > 0 ? html` <span class="muted">(${c.numSkippedStages} skipped)</span>` : ""}</td>
<td>${progressBar(c.numCompletedTasks, c.numTasks, { failed: c.numFailedTasks, active: c.numActiveTasks })}</td>
<td>${errorCell(job.error)}</td>`;
      }
      rows.push(html`<tr class="${i === 0 ? "op-row" : "job-row"}">${i === 0 ? opCells : ""}${jobCells}</tr>`);
    });
  }

  // A completed batch no longer changes: its page stops following live events.
  return html`${b.status === "COMPLETED" ? html`<span hidden data-live-done></span>` : ""}<h2>Details of batch at <span id="batch-time">${formatBatchTime(b.batchTime, streaming.batchDurationMs)}</span> ${status}</h2>
<p><a href="/streaming/">&larr; Streaming statistics</a></p>
${summaryList([
  ["Batch Duration", formatDurationVerbose(streaming.batchDurationMs)],
  ["Input data size", `${formatNumber(b.numRecords)} records`],
  ["Submitted", formatDate(b.submissionTime)],
  ["Scheduling delay", formatDuration(d.schedulingDelay)],
  ["Processing time", formatDuration(d.processingDelay)],
  ["Total delay", formatDuration(d.totalDelay)],
])}
${section(
  "Input",
  table(
    ["Input Stream", "Records", "Metadata"],
    inputs.map(([id, input]) => {
      const desc = typeof input.metadata.Description === "string" ? input.metadata.Description : Object.keys(input.metadata).length > 0 ? JSON.stringify(input.metadata) : "";
      return html`<tr><td>${streaming.streamName(id)}</td><td>${formatNumber(input.numRecords)}</td><td><pre class="meta">${desc}</pre></td></tr>`;
    }),
    { id: "batch-inputs", empty: "No input stream reported records for this batch" },
  ),
)}
${section(
  html`Output Operations (${b.outputOps.size})`,
  table(
    ["Output Op Id", "Description", "Output Op Duration", "Status", "Job Id", "Job Duration", "Stages: Succeeded/Total", "Tasks (for all stages): Succeeded/Total", "Error"],
    rows,
    { id: "output-ops", empty: "This batch has no output operations" },
  ),
)}`;
}
