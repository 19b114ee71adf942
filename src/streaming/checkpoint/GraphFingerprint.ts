import { sourceHash } from "../../core/closure/index.js";
import { Partitioner } from "../../core/partitioner/Partitioner.js";
import { Duration } from "../Duration.js";
import type { DStreamGraph } from "../DStreamGraph.js";
import type { DStream } from "../dstream/DStream.js";

/** One stream of the graph, as far as recovery depends on it. */
export interface StreamFingerprint {
  /** Spark's class name for the operation (MappedDStream, StateDStream, FileInputDStream, ...). */
  kind: string;
  slideMs: number;
  /** Positions of the parents in the graph's stream list. */
  parents: number[];
  /** Source hashes of the user functions the stream was defined with, in order. */
  functions: string[];
  /** Window and slide durations the stream was defined with, by field name. */
  durations: Record<string, number>;
  /** Partition counts of the partitioners it keeps state with, by field name. */
  partitions: Record<string, number>;
  /** Where it was defined; for messages only, never compared (lines move when code is edited). */
  site: string;
}

/**
 * What must not change between the run that wrote a checkpoint and the run that resumes it.
 * JavaScript closures cannot be serialized, so the restarted application builds its graph
 * again; its checkpointed positions and state fit only the same graph: the same operations in
 * the same order, with the same durations and function sources.
 */
export interface GraphFingerprint {
  batchMs: number;
  streams: StreamFingerprint[];
  /** Positions of the output streams, in registration order. */
  outputs: number[];
}

/**
 * Every stream of the graph in a deterministic order: input streams in creation order, then
 * the rest in post-order from each output, in registration order. A graph built by the same
 * code lists the same streams at the same positions, which is how checkpoint data finds its stream.
 */
export function graphStreams(graph: DStreamGraph): Array<DStream<unknown>> {
  const order: Array<DStream<unknown>> = [];
  const seen = new Set<DStream<unknown>>();
  const visit = (s: DStream<unknown>): void => {
    if (seen.has(s)) return;
    seen.add(s);
    for (const d of s.dependencies) visit(d);
    order.push(s);
  };
  for (const s of graph.inputStreams) visit(s);
  for (const s of graph.outputStreams) visit(s);
  return order;
}

// Durations named like these are part of what an operation computes; others (how long a file
// stream remembers files, checkpoint intervals) are settings a restart may change.
const SHAPE_DURATION = /window|slide/i;

export function fingerprintGraph(graph: DStreamGraph): GraphFingerprint {
  const streams = graphStreams(graph);
  const index = new Map(streams.map((s, i) => [s, i]));
  return {
    batchMs: graph.batchDuration!.milliseconds,
    streams: streams.map((s) => {
      const durations: Record<string, number> = {};
      const partitions: Record<string, number> = {};
      for (const [name, value] of Object.entries(s)) {
        if (value instanceof Duration && SHAPE_DURATION.test(name)) durations[name] = value.milliseconds;
        else if (value instanceof Partitioner) partitions[name] = value.numPartitions;
      }
      return {
        kind: s.simpleName,
        slideMs: s.slideDuration.milliseconds,
        parents: s.dependencies.map((d) => index.get(d)!),
        functions: s.definedWith.map((f) => sourceHash(f)),
        durations,
        partitions,
        site: s.creationSite,
      };
    }),
    outputs: graph.outputStreams.map((s) => index.get(s)!),
  };
}

const MAX_REPORTED = 8;

/**
 * The differences between the checkpoint's graph and the application's, in words, most
 * telling first; empty when the application may resume the checkpoint.
 */
export function graphDifferences(saved: GraphFingerprint, current: GraphFingerprint, theirs = "the checkpoint"): string[] {
  const out: string[] = [];
  if (saved.batchMs !== current.batchMs) {
    out.push(`the batch duration was ${saved.batchMs} ms and is now ${current.batchMs} ms (the batch grid cannot change)`);
  }
  const n = Math.min(saved.streams.length, current.streams.length);
  for (let i = 0; i < n && out.length < MAX_REPORTED; i++) {
    const a = saved.streams[i]!;
    const b = current.streams[i]!;
    const where = `stream ${i + 1} (${b.kind}, ${b.site || "defined at an unknown site"})`;
    if (a.kind !== b.kind || !sameList(a.parents, b.parents)) {
      out.push(
        `${where}: ${theirs} has a ${a.kind} here${a.site ? ` (${a.site})` : ""}${sameList(a.parents, b.parents) ? "" : ` reading ${describeParents(a.parents)} instead of ${describeParents(b.parents)}`}; operations were added, removed or reordered`,
      );
      // Every later position is shifted; more differences would only repeat this one.
      return out;
    }
    if (a.slideMs !== b.slideMs) out.push(`${where}: its slide was ${a.slideMs} ms and is now ${b.slideMs} ms`);
    if (a.functions.length !== b.functions.length) {
      out.push(`${where}: it was defined with ${a.functions.length} function(s) and now with ${b.functions.length}`);
    } else {
      a.functions.forEach((h, k) => {
        if (h !== b.functions[k]) out.push(`${where}: the source of its ${a.functions.length > 1 ? `function ${k + 1}` : "function"} changed`);
      });
    }
    for (const key of new Set([...Object.keys(a.durations), ...Object.keys(b.durations)])) {
      if (a.durations[key] !== b.durations[key]) out.push(`${where}: ${key} was ${show(a.durations[key], " ms")} and is now ${show(b.durations[key], " ms")}`);
    }
    for (const key of new Set([...Object.keys(a.partitions), ...Object.keys(b.partitions)])) {
      if (a.partitions[key] !== b.partitions[key]) {
        out.push(`${where}: its ${key} had ${show(a.partitions[key], " partitions")} and now has ${show(b.partitions[key], " partitions")}`);
      }
    }
  }
  if (saved.streams.length !== current.streams.length && out.length < MAX_REPORTED) {
    const extra = current.streams.length > saved.streams.length ? current.streams.slice(n) : saved.streams.slice(n);
    const list = extra.map((s) => `${s.kind}${s.site ? ` (${s.site})` : ""}`).join(", ");
    out.push(
      current.streams.length > saved.streams.length
        ? `the application has ${current.streams.length - n} stream(s) ${theirs} does not: ${list}`
        : `${theirs} has ${saved.streams.length - n} stream(s) the application no longer defines: ${list}`,
    );
  }
  if (!sameList(saved.outputs, current.outputs) && out.length < MAX_REPORTED) {
    out.push(`the output operations were ${describeParents(saved.outputs)} and are now ${describeParents(current.outputs)}`);
  }
  return out.slice(0, MAX_REPORTED);
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function describeParents(ps: readonly number[]): string {
  return ps.length === 0 ? "nothing" : ps.map((p) => `stream ${p + 1}`).join(", ");
}

function show(v: number | undefined, unit: string): string {
  return v === undefined ? "not set" : `${v}${unit}`;
}
