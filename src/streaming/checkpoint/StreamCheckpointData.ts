import { logger } from "../../core/log.js";
import type { RDD } from "../../core/rdd/RDD.js";
import type { SparkContext } from "../../core/SparkContext.js";
import { ReliableCheckpointRDD, checkpointPartFile, CHECKPOINT_PART_KIND } from "../../core/rdd/ReliableCheckpointRDD.js";
import { reliableCheckpointDir } from "../../core/rdd/api/persistence.js";
import { HashPartitioner } from "../../core/partitioner/HashPartitioner.js";
import { readChecksummedFileSync } from "../../core/storage/ChecksummedFile.js";
import { Time } from "../Time.js";
import type { DStream } from "../dstream/DStream.js";
import { InputDStream } from "../dstream/InputDStream.js";
import { BlockRDD } from "../rdd/BlockRDD.js";
import type { DataCheckpointRef, StreamCheckpointRecord } from "./MetadataCheckpoint.js";
import { resolveStoredPath, storedPath } from "./CheckpointFiles.js";
import type { CheckpointJson } from "./CheckpointJson.js";

/**
 * Spark's DStreamCheckpointData for the whole graph: what each stream must record in a
 * metadata checkpoint (its written data checkpoints, and an input stream's positions) and how
 * a restarted graph takes it back.
 */
export function captureStreams(streams: ReadonlyArray<DStream<unknown>>, root: string): StreamCheckpointRecord[] {
  return streams.map((s) => {
    const rdds: DataCheckpointRef[] = [];
    const writing: string[] = [];
    for (const [time, rdd] of sortedRDDs(s)) {
      const done = writtenCheckpoint(rdd);
      if (done !== undefined) {
        const ref: DataCheckpointRef = { time, dir: storedPath(root, done.checkpointPath), partitions: done.getNumPartitions() };
        const p = done.partitioner ?? rdd.partitioner;
        if (p instanceof HashPartitioner && p.numPartitions === done.getNumPartitions()) ref.hashPartitions = p.numPartitions;
        rdds.push(ref);
      } else if (rdd.checkpointData !== undefined) {
        const dir = reliableCheckpointDir(rdd);
        if (dir !== undefined) writing.push(storedPath(root, dir));
      }
    }
    const record: StreamCheckpointRecord = { rdds, writing };
    if (s instanceof InputDStream) record.input = captureInput(s as InputDStream<unknown>);
    const state = s.checkpointState();
    if (state !== undefined) record.state = state;
    return record;
  });
}

function captureInput(s: InputDStream<unknown>): NonNullable<StreamCheckpointRecord["input"]> {
  const batches: Array<[number, CheckpointJson]> = [];
  for (const [time, rdd] of sortedRDDs(s)) {
    const data = s.checkpointBatchData(new Time(time), rdd);
    if (data !== undefined) batches.push([time, data]);
    else if (rdd instanceof BlockRDD) {
      // Recorded so that a restart without the write-ahead log can say which blocks it lost.
      batches.push([time, { receivedBlocks: rdd.blockIds }]);
    }
  }
  const stream = s.checkpointStreamData();
  return stream === undefined ? { batches } : { stream, batches };
}

function sortedRDDs(s: DStream<unknown>): Array<[number, RDD<unknown>]> {
  return [...s.generatedRDDs].sort((a, b) => a[0] - b[0]) as Array<[number, RDD<unknown>]>;
}

/** The files an RDD's checkpoint was written to, once complete; a restored RDD is its own. */
function writtenCheckpoint(rdd: RDD<unknown>): ReliableCheckpointRDD<unknown> | undefined {
  if (rdd instanceof ReliableCheckpointRDD) return rdd;
  const cp = rdd.checkpointData;
  return cp?.state === "done" && cp.checkpointRDD instanceof ReliableCheckpointRDD ? cp.checkpointRDD : undefined;
}

/** Every data checkpoint directory a record names, written or being written. */
export function recordedDataDirs(records: readonly StreamCheckpointRecord[], root: string): string[] {
  const out: string[] = [];
  for (const r of records) {
    for (const ref of r.rdds) out.push(resolveStoredPath(root, ref.dir));
    for (const w of r.writing) out.push(resolveStoredPath(root, w));
  }
  return out;
}

/** The data checkpoint directories the running graph still uses or is writing. */
export function liveDataDirs(streams: ReadonlyArray<DStream<unknown>>): Set<string> {
  const out = new Set<string>();
  for (const s of streams) {
    for (const rdd of s.generatedRDDs.values()) {
      const done = writtenCheckpoint(rdd as RDD<unknown>);
      if (done !== undefined) out.add(done.checkpointPath);
      else if (rdd.checkpointData !== undefined) {
        const dir = reliableCheckpointDir(rdd as RDD<unknown>);
        if (dir !== undefined) out.add(dir);
      }
    }
  }
  return out;
}

/**
 * Checks that every data checkpoint a metadata checkpoint relies on is complete and intact,
 * reading each file once; returns what is wrong, or undefined.
 */
export function verifyDataCheckpoints(records: readonly StreamCheckpointRecord[], root: string): string | undefined {
  for (const r of records) {
    for (const ref of r.rdds) {
      const dir = resolveStoredPath(root, ref.dir);
      for (let p = 0; p < ref.partitions; p++) {
        try {
          readChecksummedFileSync(checkpointPartFile(dir, p), CHECKPOINT_PART_KIND);
        } catch (e) {
          return `the state it resumes from is damaged: ${(e as Error).message}`;
        }
      }
    }
  }
  return undefined;
}

/**
 * Gives a freshly initialized graph back its checkpointed RDDs (read from their files) and its
 * input streams their positions. Streams are matched by position; the caller has checked that
 * the graph is the one the checkpoint was written by.
 */
export function restoreStreams(streams: ReadonlyArray<DStream<unknown>>, records: readonly StreamCheckpointRecord[], sc: SparkContext, root: string): void {
  streams.forEach((s, i) => {
    const r = records[i];
    if (r === undefined) return;
    for (const ref of r.rdds) {
      const partitioner = ref.hashPartitions !== undefined ? new HashPartitioner(ref.hashPartitions) : undefined;
      const rdd = new ReliableCheckpointRDD<unknown>(sc, resolveStoredPath(root, ref.dir), ref.partitions, partitioner);
      rdd.creationSite = `checkpoint of ${s.creationSite}`;
      s.generatedRDDs.set(ref.time, rdd);
      logger().info(`Restored checkpointed RDD of ${s} for time ${ref.time} ms from ${ref.dir}`);
    }
    if (r.state !== undefined) s.restoreState(r.state);
    if (r.input !== undefined && s instanceof InputDStream) {
      const input = s as InputDStream<unknown>;
      if (r.input.stream !== undefined) input.restoreStreamData(r.input.stream);
      for (const [time, data] of r.input.batches) {
        if (s.generatedRDDs.has(time)) continue;
        const rdd = input.restoreBatchData(new Time(time), data);
        if (rdd !== undefined) s.generatedRDDs.set(time, rdd);
      }
    }
  });
}
