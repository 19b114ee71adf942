import type { AppStatusStore, JobRecord, StageRecord } from "../status/AppStatusStore.js";
import { NotFound } from "../http/responses.js";
import { html, type Html } from "./html.js";
import { badge, errorCell, progressBar, section, summaryList, table } from "./components.js";
import { formatBatchTime, formatBytes, formatDate, formatDuration } from "./format.js";

export interface JobsPageContext {
  store: AppStatusStore;
  /** The stream's batch interval, to print batch times; undefined without a stream. */
  batchDurationMs: number | undefined;
}

function duration(start: number | undefined, end: number | undefined): number | undefined {
  if (start === undefined) return undefined;
  return (end ?? Date.now()) - start;
}

/** A job's call site, and for a streaming job the batch and output operation it ran for, linked. */
function jobDescription(ctx: JobsPageContext, job: JobRecord): Html {
  const name = html`<a href="${`/jobs/job/?id=${job.jobId}`}" class="callsite">${job.name}</a>`;
  if (job.batchTime === undefined) return name;
  const t = formatBatchTime(job.batchTime, ctx.batchDurationMs ?? 1000, false);
  return html`${name}<div class="muted small">Streaming job from <a href="${`/streaming/batch/?id=${job.batchTime}`}">[output operation ${job.outputOpId ?? 0}, batch time ${t}]</a></div>`;
}

function jobStatus(job: JobRecord): Html {
  return job.status === "RUNNING" ? badge("running", "run") : job.status === "SUCCEEDED" ? badge("succeeded", "ok") : badge("failed", "fail");
}

/** Spark counts skipped stages apart: "1/1 (1 skipped)". */
function stagesCell(ctx: JobsPageContext, job: JobRecord): Html {
  const c = ctx.store.jobCounts(job);
  const total = job.stageIds.length - c.numSkippedStages;
  return html`${c.numCompletedStages}/${total}${c.numSkippedStages > 0 ? html` <span class="muted">(${c.numSkippedStages} skipped)</span>` : ""}${c.numFailedStages > 0 ? html` <span class="error-text">(${c.numFailedStages} failed)</span>` : ""}`;
}

export function jobRow(ctx: JobsPageContext, job: JobRecord, withError: boolean): Html {
  const c = ctx.store.jobCounts(job);
  return html`<tr data-job-id="${job.jobId}">
<td><a href="${`/jobs/job/?id=${job.jobId}`}">${job.jobId}</a></td>
<td>${jobDescription(ctx, job)}</td>
<td class="nowrap">${formatDate(job.submissionTime)}</td>
<td class="nowrap">${formatDuration(duration(job.submissionTime, job.completionTime))}</td>
<td>${jobStatus(job)}</td>
<td class="nowrap">${stagesCell(ctx, job)}</td>
<td>${progressBar(c.numCompletedTasks, c.numTasks, { failed: c.numFailedTasks, active: c.numActiveTasks })}</td>
${withError ? html`<td>${errorCell(job.error)}</td>` : ""}
</tr>`;
}

const JOB_HEADERS = ["Job Id", "Description", "Submitted", "Duration", "Status", "Stages: Succeeded/Total", "Tasks (for all stages): Succeeded/Total"];

/** The newest rows of a long table, with a link to the rest. */
export function paged<T>(items: readonly T[], all: boolean, limit = 100): { shown: readonly T[]; more: Html } {
  if (all || items.length <= limit) return { shown: items, more: html`` };
  return { shown: items.slice(0, limit), more: html`<div class="table-footer muted">Showing the ${limit} most recent of ${items.length}. <a href="?all=1">Show all</a></div>` };
}

export function jobsPage(ctx: JobsPageContext, all: boolean): Html {
  const jobs = ctx.store.jobList();
  const active = jobs.filter((j) => j.status === "RUNNING");
  const completed = paged(
    jobs.filter((j) => j.status === "SUCCEEDED"),
    all,
  );
  const failed = paged(
    jobs.filter((j) => j.status === "FAILED"),
    all,
  );
  const c = ctx.store.counters;
  return html`<h2>Spark Jobs</h2>
${summaryList([
  ["Active jobs", active.length],
  ["Completed jobs", c.jobsSucceeded],
  ["Failed jobs", c.jobsFailed],
  ["Retained", `${jobs.length} most recent`],
])}
${section(html`Active Jobs (${active.length})`, table(JOB_HEADERS, active.map((j) => jobRow(ctx, j, false)), { id: "active-jobs", empty: "No job is running" }))}
${failed.shown.length > 0 ? section(html`Failed Jobs (${c.jobsFailed})`, html`${table([...JOB_HEADERS, "Failure Reason"], failed.shown.map((j) => jobRow(ctx, j, true)), { id: "failed-jobs" })}${failed.more}`) : ""}
${section(html`Completed Jobs (${c.jobsSucceeded})`, html`${table(JOB_HEADERS, completed.shown.map((j) => jobRow(ctx, j, false)), { id: "completed-jobs", empty: "No job has completed yet" })}${completed.more}`)}`;
}

export function stageRow(s: StageRecord, opts: { jobs?: boolean; error?: boolean } = {}): Html {
  const href = `/stages/stage/?id=${s.stageId}&attempt=${s.attemptId}`;
  const status =
    s.status === "ACTIVE" ? badge("active", "run") : s.status === "COMPLETE" ? badge("complete", "ok") : s.status === "FAILED" ? badge("failed", "fail") : badge(s.status.toLowerCase(), "muted");
  return html`<tr data-stage-id="${s.stageId}">
<td><a href="${href}">${s.stageId}</a>${s.attemptId > 0 ? html` <span class="muted">(retry ${s.attemptId})</span>` : ""}</td>
<td><a href="${href}" class="callsite">${s.name}</a></td>
${opts.jobs ? html`<td>${[...s.jobIds].sort((a, b) => a - b).map((id, i) => html`${i > 0 ? ", " : ""}<a href="${`/jobs/job/?id=${id}`}">${id}</a>`)}</td>` : ""}
<td class="nowrap">${formatDate(s.submissionTime)}</td>
<td class="nowrap">${formatDuration(duration(s.submissionTime, s.completionTime))}</td>
<td>${status}</td>
<td>${progressBar(s.numCompleteTasks, s.numTasks, { failed: s.numFailedTasks, active: s.numActiveTasks })}</td>
<td>${s.shuffleReadRecords > 0 || s.shuffleReadBytes > 0 ? `${formatBytes(s.shuffleReadBytes)} / ${s.shuffleReadRecords}` : ""}</td>
<td>${s.shuffleWriteRecords > 0 || s.shuffleWriteBytes > 0 ? `${formatBytes(s.shuffleWriteBytes)} / ${s.shuffleWriteRecords}` : ""}</td>
${opts.error === false ? "" : html`<td>${errorCell(s.failureReason)}</td>`}
</tr>`;
}

export function stageHeaders(jobs: boolean, error = true): string[] {
  return [
    "Stage Id",
    "Description",
    ...(jobs ? ["Jobs"] : []),
    "Submitted",
    "Duration",
    "Status",
    "Tasks: Succeeded/Total",
    "Shuffle Read (size / records)",
    "Shuffle Write (size / records)",
    ...(error ? ["Failure Reason"] : []),
  ];
}

export function jobPage(ctx: JobsPageContext, jobId: number): Html {
  const job = ctx.store.job(jobId);
  if (!job) throw new NotFound(`unknown job: ${jobId} (it may be older than spark.ui.retainedJobs)`);
  const { ran, notRun } = ctx.store.jobStages(job);
  const c = ctx.store.jobCounts(job);
  const items: Array<[string, Html | string | number]> = [
    ["Status", jobStatus(job)],
    ["Submitted", formatDate(job.submissionTime)],
    ["Duration", formatDuration(duration(job.submissionTime, job.completionTime))],
    ["Call site", html`<code>${job.name}</code>`],
    ["Tasks", progressBar(c.numCompletedTasks, c.numTasks, { failed: c.numFailedTasks, active: c.numActiveTasks })],
  ];
  if (job.batchTime !== undefined) {
    items.push(["Streaming batch", html`<a href="${`/streaming/batch/?id=${job.batchTime}`}">${formatBatchTime(job.batchTime, ctx.batchDurationMs ?? 1000)}</a>, output operation ${job.outputOpId ?? 0}`]);
  }
  return html`${job.status === "RUNNING" ? "" : html`<span hidden data-live-done></span>`}<h2>Details for Job ${job.jobId}</h2>
${summaryList(items)}
${job.error ? section("Failure", errorCell(job.error)) : ""}
${section(html`Stages (${ran.length})`, table(stageHeaders(false), ran.map((s) => stageRow(s)), { id: "job-stages", empty: "No stage has been submitted yet" }))}
${
  notRun.length === 0
    ? ""
    : job.status === "RUNNING"
      ? section(html`Pending Stages (${notRun.length})`, html`<p class="muted">Stages ${notRun.join(", ")} have not been submitted yet.</p>`)
      : section(html`Skipped Stages (${notRun.length})`, html`<p class="muted">Stages ${notRun.join(", ")} did not run: their shuffle output from an earlier job was reused.</p>`)
}`;
}
