/**
 * npm run bench:serialization — what finding lone surrogates and -0 costs on the packing path.
 * For record shapes that cross threads, it times (in CPU milliseconds, median of 30) msgpackr's own
 * pack, `packRecords` (which also looks for values msgpack would alter) and unpacking. For
 * ordinary data the looking is the whole difference: nothing is copied unless such a value is there.
 */
import { Packr } from "msgpackr";
import { packRecords, unpackRecords } from "../src/core/serialization/blockCodec.js";

const options = { useRecords: true, moreTypes: true, mapsAsObjects: false, structuredClone: false } as const;
const shapes: Record<string, unknown[]> = {
  "word pairs": Array.from({ length: 200_000 }, (_, i) => ["word" + (i % 5000), i]),
  "objects": Array.from({ length: 100_000 }, (_, i) => ({ user: "u" + (i % 100), n: i * 1.5, tags: ["a", "b"], ok: true })),
  "numbers": Array.from({ length: 500_000 }, (_, i) => i * 0.5),
  "text lines": Array.from({ length: 50_000 }, (_, i) => `the quick brown fox jumps over the lazy dog, line ${i} of the corpus`),
  "non-Latin pairs": Array.from({ length: 100_000 }, (_, i) => ["wörd€" + (i % 5000), "日本語のテキスト" + i]),
};

function cpuMs(f: () => unknown, runs = 30): number {
  for (let i = 0; i < 5; i++) f();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    f();
    const d = process.cpuUsage(before);
    samples.push((d.user + d.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[runs >> 1]!;
}

for (const [name, records] of Object.entries(shapes)) {
  const pack = cpuMs(() => new Packr(options).pack(records));
  const packed = packRecords(records);
  const unpack = cpuMs(() => unpackRecords(packed));
  const lossless = cpuMs(() => packRecords(records));
  const extra = lossless - pack;
  console.log(
    `${name.padEnd(16)} ${String(records.length).padStart(7)} records: msgpackr pack ${pack.toFixed(2)} ms, packRecords ${lossless.toFixed(2)} ms ` +
      `(+${((100 * extra) / pack).toFixed(0)}% of pack, +${((100 * extra) / (pack + unpack)).toFixed(0)}% of pack + unpack ${(pack + unpack).toFixed(2)} ms)`,
  );
}
