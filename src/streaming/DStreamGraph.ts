import { requireArg } from "../core/errors.js";
import type { RDD } from "../core/rdd/RDD.js";
import type { Duration } from "./Duration.js";
import type { Time } from "./Time.js";
import type { DStream } from "./dstream/DStream.js";
import type { InputDStream } from "./dstream/InputDStream.js";
import type { Job } from "./scheduler/Job.js";

/** The streams of one StreamingContext: its inputs, its outputs, and what they share (zero time, batch, remember). */
export class DStreamGraph {
  readonly inputStreams: Array<InputDStream<unknown>> = [];
  readonly outputStreams: Array<DStream<unknown>> = [];
  zeroTime: Time | undefined = undefined;
  startTime: Time | undefined = undefined;
  batchDuration: Duration | undefined = undefined;
  rememberDuration: Duration | undefined = undefined;

  setBatchDuration(duration: Duration): void {
    requireArg(this.batchDuration === undefined, `Batch duration already set as ${this.batchDuration}. Cannot set it again.`);
    this.batchDuration = duration;
  }

  remember(duration: Duration): void {
    requireArg(this.rememberDuration === undefined, `Remember duration already set as ${this.rememberDuration}. Cannot set it again.`);
    this.rememberDuration = duration;
  }

  addInputStream(stream: InputDStream<unknown>): void {
    stream.setGraph(this);
    this.inputStreams.push(stream);
  }

  addOutputStream(stream: DStream<unknown>): void {
    stream.setGraph(this);
    this.outputStreams.push(stream);
  }

  validate(): void {
    requireArg(this.batchDuration !== undefined, "Batch duration has not been set");
    requireArg(this.outputStreams.length > 0, "No output operations registered, so nothing to execute");
  }

  /** Initializes every stream from the outputs down, validates them, then starts the inputs. */
  start(time: Time): void {
    requireArg(this.zeroTime === undefined, "DStream graph computation already started");
    this.zeroTime = time;
    this.startTime = time;
    for (const s of this.outputStreams) s.initialize(time);
    for (const s of this.outputStreams) s.remember(this.rememberDuration);
    for (const s of this.outputStreams) s.validateAtStart();
  }

  /** The jobs of one batch, in the order the output operations were registered. */
  generateJobs(time: Time): Job[] {
    const jobs: Job[] = [];
    for (const s of this.outputStreams) {
      const job = s.generateJob(time);
      if (!job) continue;
      job.callSite = s.creationSite;
      jobs.push(job);
    }
    return jobs;
  }

  /** Forgets what no later batch needs; returns the RDDs forgotten. */
  clearMetadata(time: Time): Array<RDD<unknown>> {
    const dropped: Array<RDD<unknown>> = [];
    for (const s of this.outputStreams) s.clearMetadata(time, dropped);
    return dropped;
  }

  /** Every RDD some stream still remembers: later batches, windows and slice may read them. */
  rememberedRDDs(): Array<RDD<unknown>> {
    const out: Array<RDD<unknown>> = [];
    const seen = new Set<DStream<unknown>>();
    const visit = (s: DStream<unknown>): void => {
      if (seen.has(s)) return;
      seen.add(s);
      for (const rdd of s.generatedRDDs.values()) out.push(rdd);
      for (const d of s.dependencies) visit(d);
    };
    this.outputStreams.forEach(visit);
    return out;
  }

  /** The longest any input stream keeps its RDDs: input metadata older than that can go. */
  maxInputStreamRememberDuration(): Duration | undefined {
    let max: Duration | undefined;
    for (const s of this.inputStreams) {
      const d = s.rememberDuration;
      if (d !== undefined && (max === undefined || d.greater(max))) max = d;
    }
    return max;
  }
}
