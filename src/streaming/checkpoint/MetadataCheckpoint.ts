import { z } from "zod";
import { ChecksummedFileError } from "../../core/storage/ChecksummedFile.js";
import type { CheckpointJson } from "./CheckpointJson.js";
import type { GraphFingerprint } from "./GraphFingerprint.js";

/** The kind tag and format version of metadata checkpoint files (see ChecksummedFile). */
export const METADATA_KIND = "META";
export const METADATA_VERSION = 1;

/** A data checkpoint recovery can start a stream from: the RDD of batch `time`, written to `dir`. */
export interface DataCheckpointRef {
  time: number;
  /** Relative to the checkpoint directory when inside it, so the directory can be moved. */
  dir: string;
  partitions: number;
  /** Hash partitioners only: the restored state then needs no shuffle to meet new values. */
  hashPartitions?: number;
}

/** What recovery needs of one stream of the graph (Spark's DStreamCheckpointData). */
export interface StreamCheckpointRecord {
  rdds: DataCheckpointRef[];
  /** Data checkpoints being written when this was taken: garbage if a crash cut them short. */
  writing: string[];
  /** Input streams: their own checkpoint data, for the stream and per remembered batch. */
  input?: { stream?: CheckpointJson; batches: Array<[number, CheckpointJson]> };
  /** A stream's driver-side state (an event-time watermark). */
  state?: CheckpointJson;
}

/** One metadata checkpoint: everything but the data needed to resume the application. */
export interface MetadataCheckpoint {
  /** Increases with every file written to the directory, across restarts. */
  sequence: number;
  /** The batch whose generation or completion this checkpoint follows. */
  checkpointTime: number;
  writtenAt: number;
  appName: string;
  master: string;
  conf: Array<[string, string]>;
  batchMs: number;
  zeroTime: number;
  /** The latest batch generated; batches after it were never generated and are generated on restart. */
  lastGeneratedTime: number | null;
  /** Batches generated but not completed: run again, first, on restart. */
  pendingTimes: number[];
  fingerprint: GraphFingerprint;
  /** By position in `graphStreams` order. */
  streams: StreamCheckpointRecord[];
}

const fingerprintSchema = z.object({
  batchMs: z.number(),
  streams: z.array(
    z.object({
      kind: z.string(),
      slideMs: z.number(),
      parents: z.array(z.number()),
      functions: z.array(z.string()),
      durations: z.record(z.string(), z.number()),
      partitions: z.record(z.string(), z.number()),
      site: z.string(),
    }),
  ),
  outputs: z.array(z.number()),
});

const schema = z.object({
  sequence: z.number().int().nonnegative(),
  checkpointTime: z.number(),
  writtenAt: z.number(),
  appName: z.string(),
  master: z.string(),
  conf: z.array(z.tuple([z.string(), z.string()])),
  batchMs: z.number().positive(),
  zeroTime: z.number(),
  lastGeneratedTime: z.number().nullable(),
  pendingTimes: z.array(z.number()),
  fingerprint: fingerprintSchema,
  streams: z.array(
    z.object({
      rdds: z.array(z.object({ time: z.number(), dir: z.string(), partitions: z.number().int().nonnegative(), hashPartitions: z.number().int().positive().optional() })),
      writing: z.array(z.string()),
      input: z.object({ stream: z.json().optional(), batches: z.array(z.tuple([z.number(), z.json()])) }).optional(),
      state: z.json().optional(),
    }),
  ),
});

export function encodeMetadata(cp: MetadataCheckpoint): Uint8Array {
  return Buffer.from(JSON.stringify(cp), "utf8");
}

/** Parses a verified payload; a payload of the right checksum but the wrong shape is reported as corrupt. */
export function decodeMetadata(path: string, payload: Uint8Array): MetadataCheckpoint {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8"));
  } catch (e) {
    throw new ChecksummedFileError(path, "corrupt", `its contents are not JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ChecksummedFileError(path, "corrupt", `its contents are not a metadata checkpoint (${issue ? `${issue.path.join(".") || "top level"}: ${issue.message}` : "invalid"})`);
  }
  return parsed.data as MetadataCheckpoint;
}
