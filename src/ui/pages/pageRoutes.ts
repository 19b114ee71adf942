import type { Router, RouteContext } from "../http/Router.js";
import { BadRequest, NotFound, intParam, redirect, sendHtml } from "../http/responses.js";
import type { SparkUI } from "../SparkUI.js";
import { environmentInfo } from "../api/coreJson.js";
import { layout, type Tab } from "./layout.js";
import type { Html } from "./html.js";
import { jobPage, jobsPage } from "./jobsPages.js";
import { stagePage, stagesPage } from "./stagesPages.js";
import { batchPage } from "./batchPage.js";
import { environmentPage } from "./environmentPage.js";
import { executorsPage } from "./executorsPage.js";
import { rddPage, storagePage } from "./storagePages.js";
import { executorList } from "../api/executorsJson.js";
import { rddStorageInfo } from "../api/storageJson.js";
import { streamingHead, streamingPage, streamingScripts } from "./streamingPage.js";

/** The HTML pages, at Spark's paths. */
export function addPageRoutes(router: Router, ui: SparkUI): void {
  const page = (ctx: RouteContext, tab: Tab, title: string, body: Html, scripts?: Html, head?: Html): void => {
    // A live page re-fetches only its <main> to update in place.
    if (ctx.req.headers["x-dstream-fragment"] === "main") {
      sendHtml(ctx.res, body.text);
      return;
    }
    const chrome = { appName: ui.sc.appName, appId: ui.sc.applicationId, streaming: ui.streaming !== undefined, tab, title };
    sendHtml(ctx.res, layout(chrome, body, scripts, head).text);
  };
  const jobsCtx = () => ({ store: ui.appStore, batchDurationMs: ui.streaming?.store.batchDurationMs });

  router
    .get("/", ({ res }) => redirect(res, ui.streaming ? "/streaming/" : "/jobs/"))
    .get("/jobs", (ctx) => page(ctx, "jobs", "Spark Jobs", jobsPage(jobsCtx(), ctx.query.get("all") === "1")))
    .get("/jobs/job", (ctx) => {
      const id = intParam(ctx.query.get("id"), "id");
      page(ctx, "jobs", `Job ${id}`, jobPage(jobsCtx(), id));
    })
    .get("/stages", (ctx) => page(ctx, "stages", "Stages", stagesPage(ui.appStore, ctx.query.get("all") === "1")))
    .get("/stages/stage", (ctx) => {
      const id = intParam(ctx.query.get("id"), "id");
      const attempt = ctx.query.has("attempt") ? intParam(ctx.query.get("attempt"), "attempt") : undefined;
      page(ctx, "stages", `Stage ${id}`, stagePage(ui.appStore, id, attempt));
    })
    .get("/streaming", async (ctx) => {
      await ui.refreshSources();
      page(ctx, "streaming", "Streaming Statistics", streamingPage(ui.snapshot().streaming, Date.now()), streamingScripts, streamingHead);
    })
    .get("/streaming/batch", (ctx) => {
      const tab = ui.streaming;
      if (!tab) throw new NotFound(`no streaming listener attached to ${ui.sc.appName}`);
      const id = ctx.query.get("id");
      if (id === null) throw new BadRequest("Missing id parameter");
      page(ctx, "streaming", "Batch", batchPage(tab.store, ui.appStore, intParam(id, "id")));
    })
    .get("/storage", (ctx) => page(ctx, "storage", "Storage", storagePage(ui.storageStore.cachedRdds().map((r) => rddStorageInfo(r)))))
    .get("/storage/rdd", (ctx) => {
      const id = intParam(ctx.query.get("id"), "id");
      const r = ui.storageStore.rdd(id);
      page(ctx, "storage", `RDD ${id}`, rddPage(r && rddStorageInfo(r, (e) => ui.executorMemory(e)), id));
    })
    .get("/executors", (ctx) => page(ctx, "executors", "Executors", executorsPage(executorList(ui.executorStore, ui.storageStore, false))))
    .get("/environment", (ctx) => page(ctx, "environment", "Environment", environmentPage(environmentInfo(ui.sc, ui.settings.redaction), ui.webUrl ?? "")));
}
