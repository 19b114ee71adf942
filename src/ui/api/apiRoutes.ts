import type { Router, RouteContext } from "../http/Router.js";
import { BadRequest, NotFound, intParam, sendJson } from "../http/responses.js";
import type { SparkUI } from "../SparkUI.js";
import type { StreamingStatusStore, BatchStatus } from "../status/StreamingStatusStore.js";
import type { JobStatus, StageStatus } from "../status/AppStatusStore.js";
import { dstreamVersion } from "../version.js";
import { applicationInfo, environmentInfo, jobData, stageData, taskData } from "./coreJson.js";
import { executorList } from "./executorsJson.js";
import { rddStorageInfo } from "./storageJson.js";
import { batchJson, batchList, outputOperations, receiverJson, receiverList, streamingStatistics } from "./streamingJson.js";

const APP = "/api/v1/applications/{appId}";

/** Spark's REST API (`/api/v1`), with its paths, query parameters and 404 messages. */
export function addApiRoutes(router: Router, ui: SparkUI): void {
  const app = (ctx: RouteContext): void => {
    const id = ctx.params.appId!;
    if (id !== ui.sc.applicationId) throw new NotFound(`unknown app: ${id}`);
  };
  const streaming = (ctx: RouteContext): StreamingStatusStore => {
    app(ctx);
    const tab = ui.streaming;
    if (!tab) throw new NotFound(`no streaming listener attached to ${ui.sc.appName}`);
    return tab.store;
  };
  const batch = (ctx: RouteContext) => {
    const store = streaming(ctx);
    const id = intParam(ctx.params.batchId, "batchId");
    const b = store.batch(id);
    if (!b) throw new NotFound(`unknown batch: ${id}`);
    return { store, b };
  };

  router
    .get("/api/v1/version", ({ res }) => sendJson(res, { spark: dstreamVersion() }))
    .get("/api/v1/applications", ({ res }) => sendJson(res, [applicationInfo(ui.sc, Date.now())]))
    .get(APP, (ctx) => {
      app(ctx);
      sendJson(ctx.res, applicationInfo(ui.sc, Date.now()));
    })
    .get(`${APP}/jobs`, (ctx) => {
      app(ctx);
      const wanted = statusFilter<JobStatus | "UNKNOWN">(ctx.query, ["RUNNING", "SUCCEEDED", "FAILED", "UNKNOWN"]);
      const jobs = ui.appStore.jobList().filter((j) => wanted.length === 0 || wanted.includes(j.status));
      sendJson(ctx.res, jobs.map((j) => jobData(ui.appStore, j, ui.streaming?.store.batchDurationMs)));
    })
    .get(`${APP}/jobs/{jobId}`, (ctx) => {
      app(ctx);
      const id = intParam(ctx.params.jobId, "jobId");
      const job = ui.appStore.job(id);
      if (!job) throw new NotFound(`unknown job: ${id}`);
      sendJson(ctx.res, jobData(ui.appStore, job, ui.streaming?.store.batchDurationMs));
    })
    .get(`${APP}/stages`, (ctx) => {
      app(ctx);
      const wanted = statusFilter<StageStatus>(ctx.query, ["ACTIVE", "COMPLETE", "PENDING", "FAILED", "SKIPPED"]);
      const details = ctx.query.get("details") === "true";
      const stages = ui.appStore.stageList().filter((s) => wanted.length === 0 || wanted.includes(s.status));
      sendJson(ctx.res, stages.map((s) => stageData(s, details)));
    })
    .get(`${APP}/stages/{stageId}`, (ctx) => {
      app(ctx);
      const id = intParam(ctx.params.stageId, "stageId");
      const attempts = ui.appStore.stageAttempts(id);
      if (attempts.length === 0) throw new NotFound(`unknown stage: ${id}`);
      sendJson(ctx.res, attempts.map((s) => stageData(s, ctx.query.get("details") !== "false")));
    })
    .get(`${APP}/stages/{stageId}/{attemptId}`, (ctx) => {
      app(ctx);
      sendJson(ctx.res, stageData(stageAttempt(ui, ctx), ctx.query.get("details") !== "false"));
    })
    .get(`${APP}/stages/{stageId}/{attemptId}/taskList`, (ctx) => {
      app(ctx);
      const s = stageAttempt(ui, ctx);
      const offset = ctx.query.has("offset") ? intParam(ctx.query.get("offset"), "offset") : 0;
      const length = ctx.query.has("length") ? intParam(ctx.query.get("length"), "length") : 20;
      const tasks = [...s.tasks.values()].sort((a, b) => a.taskId - b.taskId).slice(offset, offset + length);
      sendJson(ctx.res, tasks.map(taskData));
    })
    .get(`${APP}/executors`, (ctx) => {
      app(ctx);
      sendJson(ctx.res, executorList(ui.executorStore, ui.storageStore, true));
    })
    .get(`${APP}/allexecutors`, (ctx) => {
      app(ctx);
      sendJson(ctx.res, executorList(ui.executorStore, ui.storageStore, false));
    })
    .get(`${APP}/storage/rdd`, (ctx) => {
      app(ctx);
      sendJson(ctx.res, ui.storageStore.cachedRdds().map((r) => rddStorageInfo(r)));
    })
    .get(`${APP}/storage/rdd/{rddId}`, (ctx) => {
      app(ctx);
      const id = intParam(ctx.params.rddId, "rddId");
      const r = ui.storageStore.rdd(id);
      if (!r) throw new NotFound(`unknown rdd: ${id}`);
      sendJson(ctx.res, rddStorageInfo(r, (e) => ui.executorMemory(e)));
    })
    .get(`${APP}/environment`, (ctx) => {
      app(ctx);
      sendJson(ctx.res, environmentInfo(ui.sc, ui.settings.redaction));
    })
    .get(`${APP}/streaming/statistics`, (ctx) => sendJson(ctx.res, streamingStatistics(streaming(ctx))))
    .get(`${APP}/streaming/sources`, async (ctx) => {
      streaming(ctx);
      await ui.refreshSources();
      const tab = ui.streaming!;
      sendJson(ctx.res, tab.stopped ? [] : tab.sources().map((src) => ({ name: src.name, ...src.status() })));
    })
    .get(`${APP}/streaming/receivers`, (ctx) => sendJson(ctx.res, receiverList(streaming(ctx))))
    .get(`${APP}/streaming/receivers/{streamId}`, (ctx) => {
      const store = streaming(ctx);
      const id = intParam(ctx.params.streamId, "streamId");
      const found = receiverList(store).some((r) => r.streamId === id);
      if (!found) throw new NotFound(`unknown receiver: ${id}`);
      sendJson(ctx.res, receiverJson(store, id));
    })
    .get(`${APP}/streaming/batches`, (ctx) => {
      const store = streaming(ctx);
      sendJson(ctx.res, batchList(store, statusFilter<BatchStatus>(ctx.query, ["COMPLETED", "QUEUED", "PROCESSING"])));
    })
    .get(`${APP}/streaming/batches/{batchId}`, (ctx) => {
      const { store, b } = batch(ctx);
      sendJson(ctx.res, batchJson(store, b, true));
    })
    .get(`${APP}/streaming/batches/{batchId}/operations`, (ctx) => sendJson(ctx.res, outputOperations(batch(ctx).b)))
    .get(`${APP}/streaming/batches/{batchId}/operations/{outputOpId}`, (ctx) => {
      const { b } = batch(ctx);
      const id = intParam(ctx.params.outputOpId, "outputOpId");
      const op = outputOperations(b).find((o) => o.outputOpId === id);
      if (!op) throw new NotFound(`unknown output operation: ${id}`);
      sendJson(ctx.res, op);
    });
}

function stageAttempt(ui: SparkUI, ctx: RouteContext) {
  const id = intParam(ctx.params.stageId, "stageId");
  const attempt = intParam(ctx.params.attemptId, "attemptId");
  const s = ui.appStore.stage(id, attempt);
  if (s) return s;
  const attempts = ui.appStore.stageAttempts(id);
  if (attempts.length === 0) throw new NotFound(`unknown stage: ${id}`);
  throw new NotFound(`unknown attempt for stage ${id}.  Found attempts: [${attempts.map((a) => a.attemptId).join(", ")}]`);
}

/** Spark's repeatable `?status=` parameter, case-insensitive; an unknown value is a 400 listing the valid ones. */
function statusFilter<S extends string>(query: URLSearchParams, valid: readonly S[]): S[] {
  return query.getAll("status").map((v) => {
    const s = v.toUpperCase() as S;
    if (!valid.includes(s)) throw new BadRequest(`unknown status: ${v}. Use one of ${valid.map((x) => x.toLowerCase()).join(", ")}`);
    return s;
  });
}
