import type { RecordsBatch } from "@platformatic/kafka";
import type { KafkaHeader } from "../ConsumerRecord.js";
import type { RawRecord } from "./RawRecord.js";

const LOG_APPEND_TIME = 1 << 3;
const IS_TRANSACTIONAL = 1 << 4;
const IS_CONTROL = 1 << 5;
const ABORT_MARKER = 0;

export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

export interface DecodedFetch {
  /** The offset to fetch next: one past the last batch seen, control batches included. */
  readonly nextPosition: number;
}

/**
 * Appends the records of `batches` with offsets in [position, until) to `out`, leaving out
 * control records and, under read_committed, the records of aborted transactions. The broker
 * returns aborted data together with the list of aborted transactions and leaves filtering to
 * the client, as Kafka's own consumer does (Fetcher's CompletedFetch).
 */
export function decodeBatches(
  batches: readonly RecordsBatch[],
  position: number,
  until: number,
  aborted: readonly AbortedTransaction[] | undefined,
  out: RawRecord[],
): DecodedFetch {
  const pending = aborted ? [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0)) : [];
  const abortedProducers = new Set<bigint>();
  let next = position;
  for (const batch of batches) {
    const first = Number(batch.firstOffset);
    const last = first + batch.lastOffsetDelta;
    if (last < position) continue;
    next = Math.max(next, last + 1);
    if (aborted) {
      while (pending.length > 0 && Number(pending[0]!.firstOffset) <= last) abortedProducers.add(pending.shift()!.producerId);
    }
    if (batch.attributes & IS_CONTROL) {
      // A control batch holds one marker; an abort marker ends its producer's aborted transaction.
      const marker = batch.records[0]?.key;
      if (aborted && marker && marker.length >= 4 && marker.readInt16BE(2) === ABORT_MARKER) abortedProducers.delete(batch.producerId);
      continue;
    }
    if (aborted && batch.attributes & IS_TRANSACTIONAL && abortedProducers.has(batch.producerId)) continue;
    const logAppend = (batch.attributes & LOG_APPEND_TIME) !== 0;
    const base = Number(batch.firstTimestamp);
    for (const r of batch.records) {
      const offset = first + r.offsetDelta;
      if (offset < position) continue;
      if (offset >= until) break;
      out.push({
        offset,
        timestamp: logAppend ? Number(batch.maxTimestamp) : base + Number(r.timestampDelta),
        timestampType: logAppend ? "LogAppendTime" : "CreateTime",
        key: r.key,
        value: r.value,
        headers: r.headers.length === 0 ? NO_HEADERS : r.headers.map(decodeHeader),
      });
    }
  }
  return { nextPosition: next };
}

const NO_HEADERS: readonly KafkaHeader[] = Object.freeze([]);

function decodeHeader([k, v]: [Buffer | null, Buffer | null]): KafkaHeader {
  // A copy: a kept header must not pin the whole fetch response in memory.
  return { key: k === null ? "" : k.toString("utf8"), value: v === null ? null : new Uint8Array(v) };
}
