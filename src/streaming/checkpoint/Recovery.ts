import { qualify } from "../../core/fs/fsPath.js";
import { isExecutorMode } from "../../core/closure/index.js";
import { IllegalStateException } from "../../core/errors.js";
import { logger, warnOnce } from "../../core/log.js";
import type { StreamingContext } from "../StreamingContext.js";
import { Time } from "../Time.js";
import { QueueInputDStream } from "../dstream/QueueInputDStream.js";
import { ReceiverInputDStream } from "../dstream/ReceiverInputDStream.js";
import { CheckpointGraphMismatchException } from "./CheckpointErrors.js";
import { readCheckpoint, type LoadedCheckpoint } from "./CheckpointReader.js";
import { fingerprintGraph, graphDifferences, graphStreams } from "./GraphFingerprint.js";
import type { MetadataCheckpoint } from "./MetadataCheckpoint.js";
import { restoreStreams } from "./StreamCheckpointData.js";
import { markResumed } from "./ResumedContexts.js";

export interface GetOrCreateOptions {
  /** Start afresh (calling the creating function) when the checkpoint cannot be read, instead of throwing. Default false, as in Spark. */
  createOnError?: boolean;
}

/** Where a recovered context resumes: what `JobGenerator.restart` needs. */
export interface RestartPoint {
  zeroTime: Time;
  lastGeneratedTime: Time | undefined;
  pendingTimes: Time[];
  /** Gives the initialized graph its checkpointed RDDs and input positions. */
  restoreStreams(): void;
}

interface Recovery extends LoadedCheckpoint {
  directory: string;
}

const recoveries = new WeakMap<StreamingContext, Recovery>();

/** The checkpoint a context was recovered from by getOrCreate, if it was. */
export function recoveredCheckpoint(ssc: StreamingContext): MetadataCheckpoint | undefined {
  return recoveries.get(ssc)?.checkpoint;
}

/**
 * StreamingContext.getOrCreate. JavaScript closures cannot be serialized, so instead of
 * deserializing the graph as Spark does, the creating function runs again and rebuilds it, as
 * executors rebuild it when they reload the application module. The rebuilt graph must be the
 * one the checkpoint was written by (same operations in the same order, same durations, same
 * function sources); if it is not, recovery is refused with the differences, since resuming
 * positions and state into another graph would silently compute something else.
 */
export function getOrCreateContext(checkpointPath: string, creatingFunc: () => StreamingContext, options: GetOrCreateOptions = {}): StreamingContext {
  if (typeof checkpointPath !== "string" || checkpointPath.length === 0) {
    throw new TypeError(`getOrCreate: checkpointPath must be a directory path, got ${String(checkpointPath)}`);
  }
  if (typeof creatingFunc !== "function") throw new TypeError(`getOrCreate: creatingFunc must be a function returning a new StreamingContext, got ${String(creatingFunc)}`);
  // An executor reloading the application only rebuilds its functions; the driver reads the checkpoint.
  if (isExecutorMode()) return creatingFunc();
  const directory = qualify(checkpointPath);
  let loaded: LoadedCheckpoint | undefined;
  try {
    loaded = readCheckpoint(directory);
  } catch (e) {
    if (!options.createOnError) throw e;
    logger().warn({ err: (e as Error).message }, `Could not read the checkpoint in ${directory}; starting afresh (createOnError)`);
    loaded = undefined;
  }
  const ssc = creatingFunc();
  if (ssc === null || typeof ssc !== "object" || typeof (ssc as Partial<StreamingContext>).getState !== "function") {
    throw new TypeError(`getOrCreate: creatingFunc must return a StreamingContext, got ${String(ssc)}`);
  }
  if (ssc.getState() !== "INITIALIZED") {
    void ssc.stop().catch(() => undefined);
    throw new IllegalStateException(`getOrCreate: creatingFunc must return a StreamingContext that has not been started (it is ${ssc.getState()})`);
  }
  // Whatever fails from here, the caller never sees this context: stop it and the SparkContext the
  // creating function started, or its threads keep the process alive and no new context can start.
  try {
    if (ssc.checkpointDir !== directory) {
      if (ssc.checkpointDir !== undefined) {
        logger().warn(`getOrCreate: the context's checkpoint directory ${ssc.checkpointDir} is not ${directory}; using ${directory}`);
      }
      ssc.checkpoint(directory);
    }
    if (loaded === undefined) {
      logger().info(`No checkpoint in ${directory}: created a new context`);
      return ssc;
    }
    const cp = loaded.checkpoint;
    const differences = graphDifferences(cp.fingerprint, fingerprintGraph(ssc.graph));
    if (differences.length > 0) {
      throw new CheckpointGraphMismatchException(
        `Cannot recover from checkpoint ${loaded.file} (batch ${new Time(cp.checkpointTime)}): the application's DStream graph is not the one that wrote it.\n` +
          differences.map((d) => `  - ${d}\n`).join("") +
          `dstream rebuilds the graph by calling the creating function again, so a checkpoint can only be resumed by the same ` +
          `operations, in the same order, with the same durations and the same function sources. As in Spark, a changed ` +
          `application cannot use the checkpoint of the old one: delete the checkpoint directory ${directory} (its state is lost) ` +
          `or give the new application a new checkpoint directory.`,
        directory,
        differences,
      );
    }
    reportConfigurationChanges(cp, ssc);
    recoveries.set(ssc, { ...loaded, directory });
    markResumed(ssc);
    logger().info(`Recovering from checkpoint ${loaded.file}: batch ${cp.checkpointTime} ms, ${cp.pendingTimes.length} batch(es) pending`);
    return ssc;
  } catch (e) {
    void ssc.stop().catch(() => undefined);
    throw e;
  }
}

/** The restart point of a recovered context, or undefined for a fresh one; warns about what cannot be recovered. */
export function restartPointOf(ssc: StreamingContext): RestartPoint | undefined {
  const r = recoveries.get(ssc);
  if (r === undefined) return undefined;
  recoveries.delete(ssc);
  const cp = r.checkpoint;
  const streams = graphStreams(ssc.graph);
  warnUnrecoverable(ssc, cp, streams);
  return {
    zeroTime: new Time(cp.zeroTime),
    lastGeneratedTime: cp.lastGeneratedTime === null ? undefined : new Time(cp.lastGeneratedTime),
    pendingTimes: cp.pendingTimes.map((t) => new Time(t)),
    restoreStreams: () => restoreStreams(streams, cp.streams, ssc.sparkContext, r.directory),
  };
}

/** Warns at start, when checkpointing is on, about inputs whose data no checkpoint can bring back. */
export function warnUnrecoverableInputs(ssc: StreamingContext): void {
  const walOn = ssc.conf.getBoolean("spark.streaming.receiver.writeAheadLog.enable", false);
  for (const s of ssc.graph.inputStreams) {
    if (s instanceof QueueInputDStream) {
      warnOnce(
        "checkpoint-queue-stream",
        `${s.name}: the RDDs of a queueStream are not checkpointed; after a restart from the checkpoint, the batches that were pending read the new queue instead (Spark refuses queueStream with checkpointing)`,
      );
    } else if (s instanceof ReceiverInputDStream && !walOn) {
      warnOnce(
        "checkpoint-receiver-no-wal",
        `${s.name}: received data is kept in memory only; a driver failure loses the data of unprocessed batches. Set spark.streaming.receiver.writeAheadLog.enable=true to recover it from a write-ahead log`,
      );
    }
  }
}

function warnUnrecoverable(ssc: StreamingContext, cp: MetadataCheckpoint, streams: ReadonlyArray<unknown>): void {
  if (ssc.conf.getBoolean("spark.streaming.receiver.writeAheadLog.enable", false)) return;
  const pending = new Set(cp.pendingTimes);
  streams.forEach((s, i) => {
    if (!(s instanceof ReceiverInputDStream)) return;
    let lost = 0;
    for (const [t, data] of cp.streams[i]?.input?.batches ?? []) {
      const ids = (data as { receivedBlocks?: unknown[] } | null)?.receivedBlocks;
      if (pending.has(t) && Array.isArray(ids)) lost += ids.length;
    }
    if (lost > 0) {
      logger().warn(
        `${s.name}: the ${lost} received block(s) of the batches pending at the failure were kept in memory only and are lost; those batches run again without them. Enable spark.streaming.receiver.writeAheadLog.enable to keep received data across failures.`,
      );
    }
  });
}

function reportConfigurationChanges(cp: MetadataCheckpoint, ssc: StreamingContext): void {
  const before = new Map(cp.conf);
  const changed: string[] = [];
  for (const [k, v] of ssc.conf.getAll()) {
    if (k === "spark.app.id" || k === "spark.app.startTime" || k.startsWith("spark.driver.")) continue;
    if (before.has(k) && before.get(k) !== v) changed.push(`${k}: ${before.get(k)} -> ${v}`);
  }
  // Spark restores the checkpoint's configuration; here the creating function configures the new run.
  if (changed.length > 0) logger().warn(`The configuration differs from the checkpoint's; the new values apply: ${changed.join(", ")}`);
}
