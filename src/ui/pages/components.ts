import { html, type Html, type HtmlValue } from "./html.js";

/** A table with a header row; `empty` shows in place of rows when there are none. */
export function table(headers: readonly HtmlValue[], rows: readonly Html[], opts: { id?: string; empty?: string; cls?: string } = {}): Html {
  const body = rows.length > 0 ? rows : [html`<tr class="empty"><td colspan="${headers.length}">${opts.empty ?? "Nothing yet"}</td></tr>`];
  return html`<table class="${`table ${opts.cls ?? ""}`.trim()}"${opts.id ? html` id="${opts.id}"` : ""}>
<thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${body}</tbody>
</table>`;
}

/** Spark's task progress bar: completed (and failed) out of total, with the running share striped. */
export function progressBar(completed: number, total: number, opts: { failed?: number; active?: number; skipped?: number } = {}): Html {
  const pct = (n: number): string => (total > 0 ? `${Math.min(100, (100 * n) / total).toFixed(1)}%` : "0%");
  const notes: string[] = [];
  if (opts.failed) notes.push(`${opts.failed} failed`);
  if (opts.skipped) notes.push(`${opts.skipped} skipped`);
  return html`<div class="progress" title="${`${completed} of ${total} completed`}">
<span class="progress-done" style="${`width:${pct(completed)}`}"></span><span class="progress-running" style="${`width:${pct(opts.active ?? 0)}`}"></span>
<span class="progress-text">${completed}/${total}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}</span></div>`;
}

/** A failure reason: its first line, with the rest (a stack trace) behind a toggle. */
export function errorCell(reason: string | undefined): Html {
  if (!reason) return html`<span class="muted">-</span>`;
  const [first, ...rest] = reason.split("\n");
  if (rest.length === 0 && first!.length <= 140) return html`<span class="error-text">${first}</span>`;
  return html`<details class="error"><summary>${first!.length > 140 ? `${first!.slice(0, 137)}...` : first}</summary><pre>${reason}</pre></details>`;
}

export function badge(text: string, kind: "ok" | "fail" | "run" | "wait" | "muted"): Html {
  return html`<span class="${`badge badge-${kind}`}">${text}</span>`;
}

/** Label-value pairs above a page's tables. */
export function summaryList(items: ReadonlyArray<[string, HtmlValue]>): Html {
  return html`<dl class="summary">${items.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

export function section(title: HtmlValue, body: Html, id?: string): Html {
  return html`<section class="card"${id ? html` id="${id}"` : ""}><h3>${title}</h3>${body}</section>`;
}
