import { html, type Html } from "./html.js";

export type Tab = "jobs" | "stages" | "storage" | "environment" | "executors" | "streaming";

export interface PageChrome {
  appName: string;
  appId: string;
  /** Whether a StreamingContext has attached: the Streaming tab is shown only then, as in Spark. */
  streaming: boolean;
  tab: Tab;
  title: string;
}

const TABS: Array<[Tab, string, string]> = [
  ["jobs", "Jobs", "/jobs/"],
  ["stages", "Stages", "/stages/"],
  ["storage", "Storage", "/storage/"],
  ["environment", "Environment", "/environment/"],
  ["executors", "Executors", "/executors/"],
  ["streaming", "Streaming", "/streaming/"],
];

/**
 * The page around a tab's content. `<main>` is also what a live page re-fetches on its own
 * (with the X-Dstream-Fragment header), so that content updates without a reload.
 */
export function layout(c: PageChrome, body: Html, scripts: Html = html`<script src="/static/live.js"></script>`, head: Html = html``): Html {
  const tabs = TABS.filter(([t]) => t !== "streaming" || c.streaming).map(
    ([t, label, href]) => html`<a href="${href}" class="${t === c.tab ? "tab active" : "tab"}">${label}</a>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${c.appName} - ${c.title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/ui.css">
${head}
</head>
<body data-tab="${c.tab}">
<header class="topbar">
  <a class="brand" href="/"><span class="logo">d</span>stream</a>
  <nav class="tabs">${tabs}</nav>
  <div class="appinfo">
    <span class="appname" title="${c.appId}">${c.appName}</span>
    <span id="live" class="live" data-state="connecting" title="Live updates">connecting</span>
    <noscript><style>#live { display: none; }</style></noscript>
  </div>
</header>
<main id="main">
${body}
</main>
${scripts}
</body>
</html>
`;
}
