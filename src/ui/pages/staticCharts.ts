import { html, type Html } from "./html.js";

const W = 600;
const H = 150;

/**
 * A chart drawn on the server as SVG, for pages read without JavaScript; streaming.js replaces
 * it with an interactive uPlot chart. Values are plotted from 0 to `max`; undefined values
 * (a batch still queued) leave a gap.
 */
export function staticTimeline(values: ReadonlyArray<number | undefined>, max: number, color: string, caption: string): Html {
  const top = max > 0 ? max : 1;
  const n = values.length;
  const x = (i: number): number => (n <= 1 ? W / 2 : (i * W) / (n - 1));
  const y = (v: number): number => H - 4 - (Math.min(v, top) / top) * (H - 8);
  const points = values.flatMap((v, i) => (v === undefined ? [] : [`${x(i).toFixed(1)},${y(v).toFixed(1)}`]));
  return html`<svg class="static-chart" viewBox="${`0 0 ${W} ${H}`}" preserveAspectRatio="none" role="img" aria-label="${caption}">
<line x1="0" y1="${H - 4}" x2="${W}" y2="${H - 4}" stroke="#e5e7eb" vector-effect="non-scaling-stroke"/>
${points.length > 0 ? html`<polyline fill="none" stroke="${color}" stroke-width="2" vector-effect="non-scaling-stroke" points="${points.join(" ")}"/>` : ""}
</svg><div class="static-caption muted small">${caption}</div>`;
}

/** Equal-width bins from 0 to `max`, as streaming.js bins them (Sturges' rule for how many). */
export function staticHistogram(values: readonly number[], max: number, color: string, caption: string): Html {
  const bins = Math.min(20, Math.max(5, Math.ceil(Math.log2(Math.max(1, values.length)) + 1)));
  const top = max > 0 ? max : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(v / (top / bins)))]!++;
  const most = Math.max(1, ...counts);
  const bw = W / bins;
  return html`<svg class="static-chart" viewBox="${`0 0 ${W} ${H}`}" preserveAspectRatio="none" role="img" aria-label="${caption}">
${counts.map((c, i) => (c === 0 ? "" : html`<rect x="${(i * bw + 1).toFixed(1)}" y="${(H - (c / most) * (H - 8)).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${((c / most) * (H - 8)).toFixed(1)}" fill="${color}" fill-opacity="0.55"/>`))}
</svg><div class="static-caption muted small">${caption}</div>`;
}
