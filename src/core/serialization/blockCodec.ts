import { Packr } from "msgpackr";
import { packLossless } from "./losslessForm.js";

/**
 * Records cross threads as packed blocks, never one message per record (DESIGN §3).
 * msgpackr records keep repeated object shapes compact; a fresh Packr per block embeds
 * its structures, so any thread can unpack any block without shared state. Values msgpack would
 * alter (lone surrogates, -0) travel in a lossless form (losslessForm.ts).
 */
const options = { useRecords: true, moreTypes: true, mapsAsObjects: false, structuredClone: false } as const;

const pack = (v: unknown): Buffer => new Packr(options).pack(v);

export function packRecords(records: readonly unknown[]): Uint8Array {
  return packLossless(records, pack);
}

export function unpackRecords<T>(bytes: Uint8Array): T[] {
  return new Packr(options).unpack(bytes) as T[];
}

export function packValue(value: unknown): Uint8Array {
  return packLossless([value], pack);
}

export function unpackValue<T>(bytes: Uint8Array): T {
  return (new Packr(options).unpack(bytes) as T[])[0]!;
}

/** Copies packed bytes into shared memory so the driver and every executor can read them without another copy. */
export function toShared(bytes: Uint8Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(sab).set(bytes);
  return sab;
}
