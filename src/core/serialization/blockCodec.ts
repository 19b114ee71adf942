import { Packr } from "msgpackr";

/**
 * Records cross threads as packed blocks, never one message per record (DESIGN §3).
 * msgpackr records keep repeated object shapes compact; a fresh Packr per block embeds
 * its structures, so any thread can unpack any block without shared state.
 */
const options = { useRecords: true, moreTypes: true, mapsAsObjects: false, structuredClone: false } as const;

export function packRecords(records: readonly unknown[]): Uint8Array {
  return new Packr(options).pack(records);
}

export function unpackRecords<T>(bytes: Uint8Array): T[] {
  return new Packr(options).unpack(bytes) as T[];
}

export function packValue(value: unknown): Uint8Array {
  return new Packr(options).pack([value]);
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
