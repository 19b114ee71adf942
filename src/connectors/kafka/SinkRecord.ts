import type { HeaderInput, ProducerRecord } from "./client/KafkaProducerClient.js";

/** What a sink's serializer returns for one element: a record without its topic, or just a value. */
export type SinkRecord =
  | string
  | Uint8Array
  | {
      readonly key?: string | Uint8Array | null;
      readonly value: string | Uint8Array | null;
      readonly headers?: HeaderInput;
      readonly partition?: number;
      readonly timestamp?: number;
      /** Overrides the sink's topic for this record. */
      readonly topic?: string;
    };

/** An element with no serializer: strings and bytes are the value, a [key, value] pair is both, anything else is JSON. */
export function defaultSinkRecord(x: unknown): SinkRecord {
  if (typeof x === "string" || x instanceof Uint8Array) return x;
  if (Array.isArray(x) && x.length === 2) return { key: part(x[0]), value: part(x[1]) };
  return JSON.stringify(x);
}

function part(v: unknown): string | Uint8Array | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || v instanceof Uint8Array) return v;
  return typeof v === "number" || typeof v === "boolean" || typeof v === "bigint" ? String(v) : JSON.stringify(v);
}

export function toProducerRecord(topic: string, r: SinkRecord): ProducerRecord {
  if (typeof r === "string" || r instanceof Uint8Array) return { topic, value: r };
  return {
    topic: r.topic ?? topic,
    value: r.value,
    ...(r.key !== undefined ? { key: r.key } : {}),
    ...(r.headers !== undefined ? { headers: r.headers } : {}),
    ...(r.partition !== undefined ? { partition: r.partition } : {}),
    ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}),
  };
}
