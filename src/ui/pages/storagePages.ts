import type { RDDStorageInfo } from "../api/types.js";
import { NotFound } from "../http/responses.js";
import { html, type Html } from "./html.js";
import { section, summaryList, table } from "./components.js";
import { formatBytes } from "./format.js";

function fraction(r: RDDStorageInfo): string {
  return r.numPartitions > 0 ? `${Math.round((100 * r.numCachedPartitions) / r.numPartitions)}%` : "0%";
}

/** Spark's Storage page: every RDD with cached partitions. */
export function storagePage(rdds: RDDStorageInfo[]): Html {
  const rows = rdds.map(
    (r) => html`<tr data-rdd-id="${r.id}">
<td>${r.id}</td><td><a href="${`/storage/rdd/?id=${r.id}`}">${r.name}</a></td><td>${r.storageLevel}</td>
<td class="num">${r.numCachedPartitions}</td><td class="num">${fraction(r)}</td>
<td class="nowrap">${formatBytes(r.memoryUsed)}</td><td class="nowrap">${formatBytes(r.diskUsed)}</td>
</tr>`,
  );
  return html`<h2>Storage</h2>
${section(
  html`RDDs (${rdds.length})`,
  table(["ID", "RDD Name", "Storage Level", "Cached Partitions", "Fraction Cached", "Size in Memory", "Size on Disk"], rows, {
    id: "storage-rdds",
    empty: "No RDD is cached. persist() or cache() an RDD (or a DStream) and run an action on it.",
  }),
)}`;
}

/** Spark's RDD page: the RDD's totals, how it spreads over the executors, and each cached partition. */
export function rddPage(r: RDDStorageInfo | undefined, rddId: number): Html {
  if (!r) throw new NotFound(`unknown rdd: ${rddId} (it is not cached, or was unpersisted)`);
  const dist = (r.dataDistribution ?? []).map(
    (d) => html`<tr><td>${d.address}</td><td class="nowrap">${formatBytes(d.memoryUsed)} (${formatBytes(d.memoryRemaining)} Remaining)</td><td class="nowrap">${formatBytes(d.diskUsed)}</td></tr>`,
  );
  const parts = (r.partitions ?? []).map(
    (p) => html`<tr><td><code>${p.blockName}</code></td><td>${p.storageLevel}</td><td class="nowrap">${formatBytes(p.memoryUsed)}</td><td class="nowrap">${formatBytes(p.diskUsed)}</td><td>${p.executors.join(", ")}</td></tr>`,
  );
  return html`<h2>RDD Storage Info for ${r.name}</h2>
<p><a href="/storage/">&larr; Storage</a></p>
${summaryList([
  ["Storage Level", r.storageLevel],
  ["Cached Partitions", r.numCachedPartitions],
  ["Total Partitions", r.numPartitions],
  ["Memory Size", formatBytes(r.memoryUsed)],
  ["Disk Size", formatBytes(r.diskUsed)],
])}
${section(html`Data Distribution on ${dist.length} Executor${dist.length === 1 ? "" : "s"}`, table(["Host", "On Heap Memory Usage", "Disk Usage"], dist, { id: "rdd-distribution" }))}
${section(html`${parts.length} Partitions`, table(["Block Name", "Storage Level", "Size in Memory", "Size on Disk", "Executors"], parts, { id: "rdd-partitions" }))}`;
}
