import type { AppStatusStore, StageRecord, TaskRecord } from "../status/AppStatusStore.js";
import { NotFound } from "../http/responses.js";
import { html, type Html } from "./html.js";
import { badge, errorCell, section, summaryList, table } from "./components.js";
import { formatBytes, formatDate, formatTaskTime } from "./format.js";
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

/**
 * Spark's scheduler delay: the part of a task's time (launch to finish, on the driver) that the
 * executor did not spend deserializing, running or serializing it: queueing and thread hops.
 */
function schedulerDelay(t: TaskRecord): number {
  if (t.finishTime === undefined) return 0;
  return Math.max(0, t.finishTime - t.launchTime - t.executorDeserializeTime - t.executorRunTime - t.resultSerializationTime);
}

function sizeRecords(bytes: number, records: number): string {
  return records > 0 || bytes > 0 ? `${formatBytes(bytes)} / ${records}` : "";
}

function taskRow(t: TaskRecord, shuffleRead: boolean, shuffleWrite: boolean): Html {
  const status = t.status === "SUCCESS" ? badge("success", "ok") : t.status === "FAILED" ? badge("failed", "fail") : badge("running", "run");
  const done = t.status !== "RUNNING";
  return html`<tr data-task-id="${t.taskId}">
<td>${t.index}</td><td>${t.taskId}</td><td>${t.attempt}</td><td>${status}</td>
<td>${t.executorId || "-"}</td><td>localhost</td>
<td class="nowrap">${formatDate(t.launchTime)}</td>
<td class="nowrap" data-metric="duration">${done ? formatTaskTime(t.executorRunTime) : ""}</td>
<td class="nowrap">${done ? formatTaskTime(schedulerDelay(t)) : ""}</td>
<td class="nowrap">${done ? formatTaskTime(t.executorDeserializeTime) : ""}</td>
<td class="nowrap">${done ? formatTaskTime(t.resultSerializationTime) : ""}</td>
${shuffleRead ? html`<td class="nowrap" data-metric="shuffle-read">${sizeRecords(t.shuffleReadBytes, t.shuffleReadRecords)}</td>` : ""}
${shuffleWrite ? html`<td class="nowrap" data-metric="shuffle-write">${sizeRecords(t.shuffleWriteBytes, t.shuffleWriteRecords)}</td>` : ""}
<td>${errorCell(t.errorMessage)}</td>
</tr>`;
}

export function stagePage(store: AppStatusStore, stageId: number, attemptId: number | undefined): Html {
  const attempts = store.stageAttempts(stageId);
  const s: StageRecord | undefined = attemptId === undefined ? attempts[0] : store.stage(stageId, attemptId);
  if (!s) throw new NotFound(`unknown stage: ${stageId}${attemptId === undefined ? "" : `, attempt ${attemptId}`} (it may be older than spark.ui.retainedStages)`);
  const tasks = [...s.tasks.values()].sort((a, b) => a.index - b.index || a.attempt - b.attempt);
  const finished = tasks.filter((t) => t.status === "SUCCESS");
  const shuffleRead = s.shuffleReadRecords > 0 || s.shuffleReadBytes > 0;
  const shuffleWrite = s.shuffleWriteRecords > 0 || s.shuffleWriteBytes > 0;
  const times = (label: string, f: (t: TaskRecord) => number): Html =>
    html`<tr><td>${label}</td>${quantiles(finished.map(f)).map((v) => html`<td>${formatTaskTime(v)}</td>`)}</tr>`;
  // Spark sorts the records column along with the sizes: the quantiles of each are taken apart.
  const sizes = (label: string, bytes: (t: TaskRecord) => number, records: (t: TaskRecord) => number): Html => {
    const r = quantiles(finished.map(records));
    return html`<tr><td>${label}</td>${quantiles(finished.map(bytes)).map((v, i) => html`<td>${formatBytes(v)} / ${r[i]}</td>`)}</tr>`;
  };
  const summaryRows = [
    times("Duration", (t) => t.executorRunTime),
    times("Scheduler Delay", schedulerDelay),
    times("Task Deserialization Time", (t) => t.executorDeserializeTime),
    times("Result Serialization Time", (t) => t.resultSerializationTime),
  ];
  if (shuffleRead) summaryRows.push(sizes("Shuffle Read Size / Records", (t) => t.shuffleReadBytes, (t) => t.shuffleReadRecords));
  if (shuffleWrite) summaryRows.push(sizes("Shuffle Write Size / Records", (t) => t.shuffleWriteBytes, (t) => t.shuffleWriteRecords));
  const headers = [
    "Index",
    "Task ID",
    "Attempt",
    "Status",
    "Executor ID",
    "Host",
    "Launch Time",
    "Duration",
    "Scheduler Delay",
    "Task Deserialization Time",
    "Result Serialization Time",
    ...(shuffleRead ? ["Shuffle Read Size / Records"] : []),
    ...(shuffleWrite ? ["Shuffle Write Size / Records"] : []),
    "Errors",
  ];
  return html`${s.status === "ACTIVE" || s.status === "PENDING" ? "" : html`<span hidden data-live-done></span>`}<h2>Details for Stage ${s.stageId} (Attempt ${s.attemptId})</h2>
${summaryList([
  ["Status", s.status.toLowerCase()],
  ["Call site", html`<code>${s.name}</code>`],
  ["Jobs", html`${[...s.jobIds].sort((a, b) => a - b).map((id, i) => html`${i > 0 ? ", " : ""}<a href="${`/jobs/job/?id=${id}`}">${id}</a>`)}`],
  ["Submitted", formatDate(s.submissionTime)],
  ["Total time across all tasks", formatTaskTime(s.executorRunTime)],
  ["Shuffle read", `${formatBytes(s.shuffleReadBytes)} / ${s.shuffleReadRecords} records`],
  ["Shuffle write", `${formatBytes(s.shuffleWriteBytes)} / ${s.shuffleWriteRecords} records`],
  ["Attempts", html`${attempts.map((a, i) => html`${i > 0 ? ", " : ""}<a href="${`/stages/stage/?id=${a.stageId}&attempt=${a.attemptId}`}">${a.attemptId}</a>`)}`],
])}
${s.failureReason ? section("Failure", errorCell(s.failureReason)) : ""}
${section(
  html`Summary Metrics for ${finished.length} Completed Tasks`,
  finished.length > 0 ? table(["Metric", "Min", "25th percentile", "Median", "75th percentile", "Max"], summaryRows, { id: "task-summary" }) : html`<p class="muted">No task has completed yet.</p>`,
)}
${section(
  html`Tasks (${s.numCompleteTasks + s.numFailedTasks + s.numActiveTasks})`,
  table(headers, tasks.map((t) => taskRow(t, shuffleRead, shuffleWrite)), { id: "tasks", empty: "No task has started yet" }),
)}`;
}
