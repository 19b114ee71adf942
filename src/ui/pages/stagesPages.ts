import type { AppStatusStore, StageRecord, TaskRecord } from "../status/AppStatusStore.js";
import { NotFound } from "../http/responses.js";
import { html, type Html } from "./html.js";
import { badge, errorCell, section, summaryList, table } from "./components.js";
import { formatBytes, formatDate, formatDuration } from "./format.js";
import { paged, stageHeaders, stageRow } from "./jobsPages.js";

export function stagesPage(store: AppStatusStore, all: boolean): Html {
  const stages = store.stageList();
  const active = stages.filter((s) => s.status === "ACTIVE");
  const completed = paged(
    stages.filter((s) => s.status === "COMPLETE"),
    all,
  );
  const failed = paged(
    stages.filter((s) => s.status === "FAILED"),
    all,
  );
  const c = store.counters;
  const headers = stageHeaders(true, false);
  return html`<h2>Stages for All Jobs</h2>
${summaryList([
  ["Active stages", active.length],
  ["Completed stages", c.stagesCompleted],
  ["Failed stages", c.stagesFailed],
  ["Retained", `${stages.length} most recent`],
])}
${section(html`Active Stages (${active.length})`, table(headers, active.map((s) => stageRow(s, { jobs: true, error: false })), { id: "active-stages", empty: "No stage is running" }))}
${failed.shown.length > 0 ? section(html`Failed Stages (${c.stagesFailed})`, html`${table(stageHeaders(true), failed.shown.map((s) => stageRow(s, { jobs: true })), { id: "failed-stages" })}${failed.more}`) : ""}
${section(html`Completed Stages (${c.stagesCompleted})`, html`${table(headers, completed.shown.map((s) => stageRow(s, { jobs: true, error: false })), { id: "completed-stages", empty: "No stage has completed yet" })}${completed.more}`)}`;
}

/** Spark's summary metrics: min, 25th percentile, median, 75th percentile and max. */
function quantiles(values: number[]): number[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  return [0, 0.25, 0.5, 0.75, 1].map((q) => sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))]!);
}

function taskDuration(t: TaskRecord): number | undefined {
  return t.finishTime === undefined ? undefined : t.finishTime - t.launchTime;
}

function taskRow(t: TaskRecord): Html {
  const status = t.status === "SUCCESS" ? badge("success", "ok") : t.status === "FAILED" ? badge("failed", "fail") : badge("running", "run");
  return html`<tr>
<td>${t.index}</td><td>${t.taskId}</td><td>${t.attempt}</td><td>${status}</td>
<td>${t.executorId || "-"}</td><td>localhost</td>
<td>${formatDate(t.launchTime)}</td>
<td>${formatDuration(taskDuration(t))}</td>
<td>${t.shuffleReadRecords > 0 || t.shuffleReadBytes > 0 ? `${formatBytes(t.shuffleReadBytes)} / ${t.shuffleReadRecords}` : ""}</td>
<td>${t.shuffleWriteRecords > 0 || t.shuffleWriteBytes > 0 ? `${formatBytes(t.shuffleWriteBytes)} / ${t.shuffleWriteRecords}` : ""}</td>
<td>${errorCell(t.errorMessage)}</td>
</tr>`;
}

export function stagePage(store: AppStatusStore, stageId: number, attemptId: number | undefined): Html {
  const attempts = store.stageAttempts(stageId);
  const s: StageRecord | undefined = attemptId === undefined ? attempts[0] : store.stage(stageId, attemptId);
  if (!s) throw new NotFound(`unknown stage: ${stageId}${attemptId === undefined ? "" : `, attempt ${attemptId}`} (it may be older than spark.ui.retainedStages)`);
  const tasks = [...s.tasks.values()].sort((a, b) => a.index - b.index || a.attempt - b.attempt);
  const finished = tasks.filter((t) => t.status === "SUCCESS");
  const q = (f: (t: TaskRecord) => number): Html[] => quantiles(finished.map(f)).map((v) => html`<td>${formatDuration(v)}</td>`);
  const qBytes = (f: (t: TaskRecord) => number): Html[] => quantiles(finished.map(f)).map((v) => html`<td>${formatBytes(v)}</td>`);
  const summaryRows = [html`<tr><td>Duration</td>${q((t) => taskDuration(t) ?? 0)}</tr>`, html`<tr><td>Executor run time</td>${q((t) => t.executorRunTime)}</tr>`];
  if (s.shuffleReadRecords > 0) summaryRows.push(html`<tr><td>Shuffle read size</td>${qBytes((t) => t.shuffleReadBytes)}</tr>`);
  if (s.shuffleWriteRecords > 0) summaryRows.push(html`<tr><td>Shuffle write size</td>${qBytes((t) => t.shuffleWriteBytes)}</tr>`);
  return html`${s.status === "ACTIVE" || s.status === "PENDING" ? "" : html`<span hidden data-live-done></span>`}<h2>Details for Stage ${s.stageId} (Attempt ${s.attemptId})</h2>
${summaryList([
  ["Status", s.status.toLowerCase()],
  ["Call site", html`<code>${s.name}</code>`],
  ["Jobs", html`${[...s.jobIds].sort((a, b) => a - b).map((id, i) => html`${i > 0 ? ", " : ""}<a href="${`/jobs/job/?id=${id}`}">${id}</a>`)}`],
  ["Submitted", formatDate(s.submissionTime)],
  ["Total time across all tasks", formatDuration(s.executorRunTime)],
  ["Shuffle read", `${formatBytes(s.shuffleReadBytes)} / ${s.shuffleReadRecords} records`],
  ["Shuffle write", `${formatBytes(s.shuffleWriteBytes)} / ${s.shuffleWriteRecords} records`],
  ["Attempts", html`${attempts.map((a, i) => html`${i > 0 ? ", " : ""}<a href="${`/stages/stage/?id=${a.stageId}&attempt=${a.attemptId}`}">${a.attemptId}</a>`)}`],
])}
${s.failureReason ? section("Failure", errorCell(s.failureReason)) : ""}
${section(
  html`Summary Metrics for ${finished.length} Completed Tasks`,
  finished.length > 0 ? table(["Metric", "Min", "25th percentile", "Median", "75th percentile", "Max"], summaryRows) : html`<p class="muted">No task has completed yet.</p>`,
)}
${section(
  html`Tasks (${s.numCompleteTasks + s.numFailedTasks + s.numActiveTasks})`,
  table(
    ["Index", "Task ID", "Attempt", "Status", "Executor ID", "Host", "Launch Time", "Duration", "Shuffle Read (size / records)", "Shuffle Write (size / records)", "Errors"],
    tasks.map(taskRow),
    { id: "tasks", empty: "No task has started yet" },
  ),
)}`;
}
