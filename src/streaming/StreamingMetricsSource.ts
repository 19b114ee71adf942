import type { StreamingContext } from "./StreamingContext.js";

/** One sample of a gauge: its labels (besides the application's) and its value. */
export interface GaugeSample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/** A gauge family: a Prometheus name (base units, snake case), its help text, and its current samples. */
export interface StreamingGauge {
  readonly name: string;
  readonly help: string;
  readonly samples: readonly GaugeSample[];
}

/**
 * What a connector or library shows about itself next to the streaming metrics: gauges for
 * `/metrics` and a JSON status for the REST API (`/api/v1/applications/{id}/streaming/sources`).
 * Both are read on every request, so they must be cheap and synchronous: keep the numbers up to
 * date in the background and return the latest.
 */
export interface StreamingMetricsSource {
  /** Unique within the context, e.g. "kafka-scaleout". */
  readonly name: string;
  gauges(): readonly StreamingGauge[];
  status(): Readonly<Record<string, unknown>>;
  /**
   * Awaited before `/metrics`, `streaming/sources` and the Streaming page are rendered, for
   * numbers worth asking for only when someone looks (a broker's end offsets). It is on the
   * request's path: it must settle within a short bound whatever its remote does, cache what it
   * read, and leave the last numbers (saying how old they are) rather than fail the request.
   */
  refresh?(): Promise<void>;
}

const sources = new WeakMap<StreamingContext, StreamingMetricsSource[]>();

/** Registers `source` with the context's UI and metrics; a source of the same name is replaced. */
export function registerMetricsSource(ssc: StreamingContext, source: StreamingMetricsSource): void {
  const list = sources.get(ssc) ?? [];
  sources.set(ssc, [...list.filter((s) => s.name !== source.name), source]);
}

/** The context's registered metrics sources, in registration order. */
export function metricsSources(ssc: StreamingContext): readonly StreamingMetricsSource[] {
  return sources.get(ssc) ?? [];
}
