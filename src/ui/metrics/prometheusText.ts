import type { SparkUI } from "../SparkUI.js";
import { batchDelays } from "../status/StreamingStatusStore.js";
import { dstreamVersion } from "../version.js";
import type { Histogram } from "./Histogram.js";

type Labels = Record<string, string | number>;

/**
 * Prometheus' text exposition format (0.0.4): one HELP and TYPE line per family, then its
 * samples. Names follow Prometheus' conventions (base units, `_total` counters) rather than
 * Spark's Dropwizard names, so that dashboards need no renaming rules.
 */
class Exposition {
  private readonly lines: string[] = [];

  constructor(private readonly common: Labels) {}

  family(name: string, type: "gauge" | "counter" | "histogram", help: string): this {
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, value: number, labels: Labels = {}): this {
    this.lines.push(`${name}${labelText({ ...this.common, ...labels })} ${numberText(value)}`);
    return this;
  }

  metric(name: string, type: "gauge" | "counter", help: string, value: number, labels: Labels = {}): this {
    return this.family(name, type, help).sample(name, value, labels);
  }

  histogram(name: string, help: string, h: Histogram): this {
    this.family(name, "histogram", help);
    for (const [le, n] of h.cumulative()) this.sample(`${name}_bucket`, n, { le: le === Infinity ? "+Inf" : String(le) });
    this.sample(`${name}_sum`, h.sum);
    return this.sample(`${name}_count`, h.count);
  }

  text(): string {
    return this.lines.join("\n") + "\n";
  }
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${String(v).replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function numberText(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** `/metrics`: the application's jobs and tasks, and, once a stream runs, its batches, delays, records and receivers. */
export function prometheusText(ui: SparkUI): string {
  const sc = ui.sc;
  const out = new Exposition({ app_id: sc.applicationId });
  const c = ui.appStore.counters;
  out
    .metric("dstream_info", "gauge", "Application information; the value is always 1.", 1, { app_name: sc.appName, version: dstreamVersion(), master: sc.master })
    .metric("dstream_start_time_seconds", "gauge", "When the SparkContext started, in seconds since the epoch.", sc.startTime / 1000)
    .family("dstream_jobs_total", "counter", "Spark jobs finished, by outcome.")
    .sample("dstream_jobs_total", c.jobsSucceeded, { status: "succeeded" })
    .sample("dstream_jobs_total", c.jobsFailed, { status: "failed" })
    .metric("dstream_jobs_active", "gauge", "Spark jobs running now.", c.activeJobs)
    .family("dstream_stages_total", "counter", "Stage attempts finished, by outcome.")
    .sample("dstream_stages_total", c.stagesCompleted, { status: "completed" })
    .sample("dstream_stages_total", c.stagesFailed, { status: "failed" })
    .family("dstream_tasks_total", "counter", "Task attempts finished, by outcome.")
    .sample("dstream_tasks_total", c.tasksSucceeded, { status: "succeeded" })
    .sample("dstream_tasks_total", c.tasksFailed, { status: "failed" })
    .metric("dstream_tasks_active", "gauge", "Tasks running now.", c.activeTasks)
    .metric("dstream_ui_live_clients", "gauge", "Web UI pages connected for live updates.", ui.liveClients);

  const tab = ui.streaming;
  if (!tab) return out.text();
  const s = tab.store;
  const last = s.lastCompletedBatch();
  const lastDelays = last ? batchDelays(last) : undefined;
  out
    .metric("dstream_streaming_active", "gauge", "1 while the StreamingContext runs, 0 after it stopped.", tab.stopped ? 0 : 1)
    .metric("dstream_streaming_batch_duration_seconds", "gauge", "The batch interval.", s.batchDurationMs / 1000)
    .metric("dstream_streaming_batches_completed_total", "counter", "Batches completed since the stream started.", s.numTotalCompletedBatches)
    .metric("dstream_streaming_batches_failed_total", "counter", "Completed batches with at least one failed output operation.", s.numTotalFailedBatches)
    .metric("dstream_streaming_batches_waiting", "gauge", "Batches generated and waiting to run.", s.waitingBatches().length)
    .metric("dstream_streaming_batches_running", "gauge", "Batches running now.", s.runningBatches().length)
    .metric("dstream_streaming_records_received_total", "counter", "Records of every batch that started processing.", s.numTotalReceivedRecords)
    .metric("dstream_streaming_records_processed_total", "counter", "Records of every completed batch.", s.numTotalProcessedRecords)
    .histogram("dstream_streaming_scheduling_delay_seconds", "Time from a batch's submission until its first job started.", s.delayHistograms.schedulingDelay)
    .histogram("dstream_streaming_processing_time_seconds", "Time from a batch's first job start until its last job end.", s.delayHistograms.processingTime)
    .histogram("dstream_streaming_total_delay_seconds", "Scheduling delay plus processing time of each batch.", s.delayHistograms.totalDelay);
  if (last && lastDelays) {
    out
      .metric("dstream_streaming_last_completed_batch_time_seconds", "gauge", "Batch time of the last completed batch.", last.batchTime / 1000)
      .metric("dstream_streaming_last_completed_batch_records", "gauge", "Records in the last completed batch.", last.numRecords)
      .metric("dstream_streaming_last_completed_batch_scheduling_delay_seconds", "gauge", "Scheduling delay of the last completed batch.", (lastDelays.schedulingDelay ?? 0) / 1000)
      .metric("dstream_streaming_last_completed_batch_processing_time_seconds", "gauge", "Processing time of the last completed batch.", (lastDelays.processingDelay ?? 0) / 1000)
      .metric("dstream_streaming_last_completed_batch_total_delay_seconds", "gauge", "Total delay of the last completed batch.", (lastDelays.totalDelay ?? 0) / 1000);
  }
  const streams = [...new Set([...s.inputStreams.map((x) => x.id), ...s.receiverInfos().map((r) => r.streamId)])].sort((a, b) => a - b);
  out.family("dstream_streaming_input_records_total", "counter", "Records each input stream contributed to completed batches.");
  for (const id of streams) out.sample("dstream_streaming_input_records_total", s.recordsByStream.get(id) ?? 0, { stream_id: id, stream_name: s.streamName(id) });
  out.family("dstream_streaming_input_rate_records_per_second", "gauge", "Each input stream's average rate over the retained batches.");
  for (const id of streams) {
    const rates = s.recordRates(id);
    const avg = rates.length === 0 ? 0 : rates.reduce((a, [, r]) => a + r, 0) / rates.length;
    out.sample("dstream_streaming_input_rate_records_per_second", avg, { stream_id: id, stream_name: s.streamName(id) });
  }
  // State lives in the executors' block stores; the driver knows each cached block's size.
  const states = tab.stopped ? [] : tab.states();
  const stateBlocks = states.map((st) => ({ stream: st.name, blocks: st.latestRddId === undefined ? [] : sc.describeCachedBlocks(st.latestRddId) }));
  out.family("dstream_streaming_state_bytes", "gauge", "Size of each stateful stream's latest state (its cached blocks, in memory and on disk).");
  for (const { stream, blocks } of stateBlocks) out.sample("dstream_streaming_state_bytes", blocks.reduce((n, b) => n + b.memSize + b.diskSize, 0), { stream });
  out.family("dstream_streaming_state_partitions", "gauge", "Cached partitions of each stateful stream's latest state.");
  for (const { stream, blocks } of stateBlocks) out.sample("dstream_streaming_state_partitions", blocks.length, { stream });
  const eventTime = tab.eventTime();
  const now = Date.now();
  out.family("dstream_streaming_watermark_seconds", "gauge", "Each event-time stream's watermark, in seconds since the epoch (absent before its first event time).");
  for (const e of eventTime.streams) if (e.watermark !== undefined) out.sample("dstream_streaming_watermark_seconds", e.watermark / 1000, { stream: e.name });
  out.family("dstream_streaming_watermark_lag_seconds", "gauge", "How far each event-time stream's watermark is behind the wall clock.");
  for (const e of eventTime.streams) if (e.watermark !== undefined) out.sample("dstream_streaming_watermark_lag_seconds", (now - e.watermark) / 1000, { stream: e.name });
  out.family("dstream_streaming_dead_letter_records_total", "counter", "Records whose event time could not be read, sent to deadLetters().");
  for (const e of eventTime.streams) out.sample("dstream_streaming_dead_letter_records_total", e.deadLetters, { stream: e.name });
  out.family("dstream_streaming_late_records_total", "counter", "Records too late for every event-time window they fall in, sent to lateRecords().");
  for (const w of eventTime.windows) out.sample("dstream_streaming_late_records_total", w.lateRecords, { stream: w.name });
  const receivers = s.receiverInfos();
  out.family("dstream_streaming_receiver_active", "gauge", "1 for each receiver that is running, 0 for one that stopped.");
  for (const r of receivers) out.sample("dstream_streaming_receiver_active", r.active ? 1 : 0, { stream_id: r.streamId, stream_name: r.name });
  out.family("dstream_streaming_receiver_last_error_time_seconds", "gauge", "When each receiver last reported an error (0 if never).");
  for (const r of receivers) out.sample("dstream_streaming_receiver_last_error_time_seconds", r.lastErrorTime >= 0 ? r.lastErrorTime / 1000 : 0, { stream_id: r.streamId, stream_name: r.name });
  if (!tab.stopped) {
    for (const g of tab.sources().flatMap((src) => src.gauges())) {
      out.family(g.name, "gauge", g.help);
      for (const x of g.samples) out.sample(g.name, x.value, x.labels);
    }
  }
  return out.text();
}
