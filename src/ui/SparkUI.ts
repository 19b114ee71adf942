import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { SparkContext } from "../core/SparkContext.js";
import { logger } from "../core/log.js";
import type { StreamingContext } from "../streaming/StreamingContext.js";
import { runningJob } from "../streaming/scheduler/JobScheduler.js";
import { stateStreams, type StateStreamInfo } from "../streaming/stateStreams.js";
import { eventTimeStatus } from "../streaming/eventtime/eventTimeStatus.js";
import { metricsSources, type StreamingMetricsSource } from "../streaming/StreamingMetricsSource.js";
import { AppStatusStore, type AppChange } from "./status/AppStatusStore.js";
import { StreamingStatusStore, type StreamingChange } from "./status/StreamingStatusStore.js";
import { ExecutorStatusStore } from "./status/ExecutorStatusStore.js";
import { StorageStatusStore } from "./status/StorageStatusStore.js";
import type { UiSettings } from "./UiSettings.js";
import { bindServer } from "./http/bindServer.js";
import { Router } from "./http/Router.js";
import { BadRequest, NotFound, sendText } from "./http/responses.js";
import { StaticAssets } from "./http/staticAssets.js";
import { EventHub } from "./sse/EventHub.js";
import { addApiRoutes } from "./api/apiRoutes.js";
import { addPageRoutes } from "./pages/pageRoutes.js";
import { batchJson, receiverJson, streamingStatistics } from "./api/streamingJson.js";
import { prometheusText } from "./metrics/prometheusText.js";
import type { UiSnapshot, StreamingSnapshot, UiBatchRow } from "./sse/snapshot.js";

const uis = new WeakMap<SparkContext, SparkUI>();

function eventTimeSnapshot(tab: StreamingTab): StreamingSnapshot["eventTime"] {
  if (tab.stopped) return undefined;
  const { streams, windows } = tab.eventTime();
  if (streams.length === 0 && windows.length === 0) return undefined;
  return { streams: streams.map((e) => ({ name: e.name, watermark: e.watermark ?? null, deadLetters: e.deadLetters })), windows };
}

function sourcesSnapshot(tab: StreamingTab): StreamingSnapshot["sources"] {
  const sources = tab.stopped ? [] : tab.sources();
  if (sources.length === 0) return undefined;
  return sources.map((src) => ({ name: src.name, gauges: src.gauges().map((g) => ({ name: g.name, help: g.help, samples: g.samples.map((x) => ({ labels: { ...x.labels }, value: x.value })) })) }));
}

/** The streaming part of the UI: the store of one StreamingContext, kept after it stops for inspection. */
export interface StreamingTab {
  store: StreamingStatusStore;
  stopped: boolean;
  /** The stateful streams and their latest state RDDs, for the state-size metrics. */
  states(): StateStreamInfo[];
  /** The event-time streams' watermarks and the windows' late-record counts. */
  eventTime(): ReturnType<typeof eventTimeStatus>;
  /** What connectors registered with registerMetricsSource. */
  sources(): readonly StreamingMetricsSource[];
}

/**
 * The web UI and REST API of one SparkContext: an HTTP server on `spark.ui.host`:`spark.ui.port`
 * (127.0.0.1:4040 by default, the next free port when taken) that lives as long as the context.
 * A StreamingContext adds its Streaming tab when it starts. Pages update live over Server-Sent
 * Events from `/events`.
 */
export class SparkUI {
  readonly appStore: AppStatusStore;
  readonly executorStore: ExecutorStatusStore;
  readonly storageStore: StorageStatusStore;
  private streamingTab: StreamingTab | undefined;
  private readonly server: Server;
  private readonly hub: EventHub;
  private readonly router = new Router();
  private readonly assets: StaticAssets;
  private readonly bound: Promise<string>;
  private url: string | undefined;
  private stopped = false;
  private pendingAppChange: NodeJS.Timeout | undefined;
  private readonly appChanges = { jobIds: new Set<number>(), stageIds: new Set<number>() };

  /** The UI of a SparkContext, if it has one (`spark.ui.enabled`). */
  static get(sc: SparkContext): SparkUI | undefined {
    return uis.get(sc);
  }

  /** @internal Started by the SparkContext plugin in `install.ts`. */
  constructor(
    readonly sc: SparkContext,
    readonly settings: UiSettings,
  ) {
    this.appStore = new AppStatusStore(settings, (c) => this.appChanged(c));
    sc.addSparkListener(this.appStore.listener);
    this.executorStore = new ExecutorStatusStore(settings.retainedDeadExecutors);
    this.storageStore = new StorageStatusStore();
    sc.addSparkListener(this.executorStore.listener);
    sc.addSparkListener(this.storageStore.listener);
    this.assets = new StaticAssets();
    this.hub = new EventHub(() => this.snapshot(), settings.liveUpdateMaxConnections);
    addApiRoutes(this.router, this);
    addPageRoutes(this.router, this);
    this.router.get("/events", ({ req, res }) => this.hub.connect(req, res));
    this.router.get("/metrics", async ({ res }) => {
      await this.refreshSources();
      sendText(res, 200, prometheusText(this), "text/plain; version=0.0.4; charset=utf-8");
    });
    this.router.get("/static/{name}", ({ req, res, params }) => {
      if (!this.assets.serve(params.name!, req, res)) sendText(res, 404, "Not found\n");
    });
    this.router.get("/static/vendor/{name}", ({ req, res, params }) => {
      if (!this.assets.serve(`vendor/${params.name!}`, req, res)) sendText(res, 404, "Not found\n");
    });
    this.server = createServer((req, res) => void this.handle(req, res));
    // The UI serves the application; it must never be what keeps the process running, not even
    // through a browser's open connection.
    this.server.unref();
    this.server.on("connection", (socket) => socket.unref());
    uis.set(sc, this);
    this.bound = bindServer(this.server, settings.host, settings.port, settings.maxRetries, (taken) =>
      logger().warn(`Service 'SparkUI' could not bind on port ${taken}. Attempting port ${taken + 1}.`),
    ).then(
      (port) => {
        const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
        this.url = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
        logger().info(`Bound SparkUI to ${settings.host}, and started at ${this.url}`);
        return this.url;
      },
      (e: unknown) => {
        logger().warn(e instanceof Error ? e.message : String(e));
        throw e;
      },
    );
    // Nobody may await a failed bind; the warning above is the report.
    this.bound.catch(() => undefined);
  }

  /** The UI's address once the server listens ("http://127.0.0.1:4040"), else undefined. */
  get webUrl(): string | undefined {
    return this.url;
  }

  /** Resolves with the address once the server listens; rejects if no port could be bound. */
  whenBound(): Promise<string> {
    return this.bound;
  }

  /** Lets the connectors' metrics sources read fresh numbers before a request that shows them. */
  async refreshSources(): Promise<void> {
    const tab = this.streamingTab;
    if (!tab || tab.stopped) return;
    await Promise.all(
      tab.sources().map((src) =>
        src.refresh?.().catch((e: unknown) => logger().warn(`Metrics source '${src.name}': refresh failed, showing its last numbers: ${e instanceof Error ? e.message : String(e)}`)),
      ),
    );
  }

  /** An executor's storage budget and what its cached blocks use, for the Storage page and API. */
  executorMemory(executorId: string): { maxMemory: number; memoryUsed: number } {
    const x = this.executorStore.list(false).find((e) => e.executorId === executorId);
    return { maxMemory: x?.maxMemory ?? 0, memoryUsed: this.storageStore.executorBlocks(executorId).memoryUsed };
  }

  get streaming(): StreamingTab | undefined {
    return this.streamingTab;
  }

  /** Number of connected live pages, for tests and /metrics. */
  get liveClients(): number {
    return this.hub.size;
  }

  /** @internal Adds the Streaming tab for a starting StreamingContext; returns its detach. */
  attachStreaming(ssc: StreamingContext): () => void {
    const store = new StreamingStatusStore(
      {
        batchDurationMs: ssc.batchDuration.milliseconds,
        inputStreams: ssc.graph.inputStreams.map((s) => ({ id: s.id, name: s.name })),
      },
      this.settings.retainedBatches,
      (c) => this.streamingChanged(store, c),
    );
    const tab: StreamingTab = { store, stopped: false, states: () => stateStreams(ssc), eventTime: () => eventTimeStatus(ssc), sources: () => metricsSources(ssc) };
    this.streamingTab = tab;
    ssc.addStreamingListener(store.listener);
    // A job started inside a streaming output operation belongs to that batch (Spark passes this
    // in job properties; here the running streaming job is in async context).
    const untag = this.appStore.addJobTagger((jobId) => {
      const job = runningJob.getStore();
      if (!job || tab.stopped) return undefined;
      store.jobStarted(job.time.milliseconds, job.outputOpId, jobId);
      return { batchTime: job.time.milliseconds, outputOpId: job.outputOpId };
    });
    this.hub.publish({ event: "streaming", data: { state: "attached" } });
    return () => {
      untag();
      ssc.removeStreamingListener(store.listener);
      tab.stopped = true;
      this.hub.publish({ event: "streaming", data: { state: "stopped" } });
    };
  }

  private streamingChanged(store: StreamingStatusStore, c: StreamingChange): void {
    if (this.streamingTab?.store !== store) return;
    switch (c.kind) {
      case "started":
        this.hub.publish({ event: "snapshot", data: this.snapshot() });
        return;
      case "batch": {
        const b = store.batch(c.batchTime);
        if (b) this.hub.publish({ event: "batch", data: { batch: batchRow(store, b.batchTime), statistics: streamingStatistics(store) } });
        return;
      }
      case "receiver":
        this.hub.publish({ event: "receiver", data: { receiver: receiverJson(store, c.streamId), statistics: streamingStatistics(store) } });
        return;
    }
  }

  /** Job and stage changes come in bursts of tasks; live pages get one event per burst. */
  private appChanged(c: AppChange): void {
    // Nobody to tell: a page that connects later starts from its own fetch.
    if (this.hub.size === 0) return;
    if (c.kind === "job") this.appChanges.jobIds.add(c.jobId);
    else this.appChanges.stageIds.add(c.stageId);
    if (this.pendingAppChange) return;
    this.pendingAppChange = setTimeout(() => {
      this.pendingAppChange = undefined;
      const data = { jobIds: [...this.appChanges.jobIds], stageIds: [...this.appChanges.stageIds] };
      this.appChanges.jobIds.clear();
      this.appChanges.stageIds.clear();
      this.hub.publish({ event: "jobs", data });
    }, 200);
    this.pendingAppChange.unref();
  }

  /** Everything a live page starts from; changes then arrive as events. */
  snapshot(): UiSnapshot {
    return {
      app: { id: this.sc.applicationId, name: this.sc.appName, startTime: this.sc.startTime },
      streaming: this.streamingSnapshot(),
    };
  }

  private streamingSnapshot(): StreamingSnapshot | null {
    const tab = this.streamingTab;
    if (!tab) return null;
    const s = tab.store;
    return {
      batchDuration: s.batchDurationMs,
      startTime: s.startTime ?? null,
      stopped: tab.stopped,
      retainedBatches: this.settings.retainedBatches,
      statistics: streamingStatistics(s),
      streams: s.inputStreams.map((x) => ({ id: x.id, name: s.streamName(x.id) })),
      receivers: s.receiverInfos().map((r) => receiverJson(s, r.streamId)),
      batches: s.retainedBatches().map((b) => batchRow(s, b.batchTime)),
      eventTime: eventTimeSnapshot(tab),
      sources: sourcesSnapshot(tab),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.setHeader("Allow", "GET, HEAD");
        sendText(res, 405, "Only GET is supported\n");
        return;
      }
      const url = new URL(req.url ?? "/", "http://localhost");
      const m = this.router.match(url.pathname);
      if (!m) {
        sendText(res, 404, `Not found: ${url.pathname}\n`);
        return;
      }
      await m.handler({ req, res, params: m.params, query: url.searchParams });
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof NotFound) sendText(res, 404, `${e.message}\n`);
      else if (e instanceof BadRequest) sendText(res, 400, `${e.message}\n`);
      else {
        logger().warn({ err: e instanceof Error ? (e.stack ?? e.message) : String(e) }, `Web UI request ${req.url ?? ""} failed`);
        sendText(res, 500, "Internal error; see the application's log\n");
      }
    }
  }

  /** Stops the server and ends live connections; called when the SparkContext stops. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.sc.removeSparkListener(this.appStore.listener);
    this.sc.removeSparkListener(this.executorStore.listener);
    this.sc.removeSparkListener(this.storageStore.listener);
    clearTimeout(this.pendingAppChange);
    this.hub.close();
    await this.bound.catch(() => undefined);
    await new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    if (uis.get(this.sc) === this) uis.delete(this.sc);
  }
}

function batchRow(store: StreamingStatusStore, batchTime: number): UiBatchRow {
  const b = store.batch(batchTime)!;
  const inputs: Record<string, number> = {};
  for (const [id, input] of b.inputs) inputs[String(id)] = input.numRecords;
  return { ...batchJson(store, b), inputs };
}
