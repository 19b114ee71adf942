import type { ApplicationEnvironmentInfo } from "../api/types.js";
import { html, type Html } from "./html.js";
import { section, table } from "./components.js";

function pairs(rows: Array<[string, string]>, id: string): Html {
  return table(["Name", "Value"], rows.map(([k, v]) => html`<tr><td class="key">${k}</td><td class="value">${v}</td></tr>`), { id, empty: "None", cls: "kv" });
}

export function environmentPage(env: ApplicationEnvironmentInfo, uiAddress: string): Html {
  return html`<h2>Environment</h2>
${section(
  "Runtime Information",
  pairs(
    [
      ["Node.js version", env.runtime.nodeVersion],
      ["V8 version", env.runtime.v8Version],
      ["Platform", env.runtime.platform],
      ["dstream version", env.runtime.dstreamVersion],
      ["Web UI", uiAddress],
    ],
    "runtime",
  ),
)}
${section(html`Spark Properties (${env.sparkProperties.length})`, pairs(env.sparkProperties, "spark-properties"))}
${section(html`System Properties (${env.systemProperties.length})`, pairs(env.systemProperties, "system-properties"))}`;
}
