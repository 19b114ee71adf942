/**
 * A rough heap-size estimate for a block of records, by sampling: exact sizes would cost as much
 * as packing the block, and the store only needs to know when to spill.
 */
export function estimateSize(records: readonly unknown[]): number {
  const n = records.length;
  if (n === 0) return 64;
  const samples = Math.min(n, 32);
  let total = 0;
  for (let i = 0; i < samples; i++) total += estimateOne(records[Math.floor((i * n) / samples)], 0);
  return 64 + Math.ceil((total / samples) * n) + n * 8;
}

function estimateOne(v: unknown, depth: number): number {
  if (depth > 4) return 32;
  switch (typeof v) {
    case "string":
      return 16 + v.length * 2;
    case "number":
    case "boolean":
    case "undefined":
      return 8;
    case "bigint":
      return 24;
    case "object": {
      if (v === null) return 8;
      if (Array.isArray(v)) {
        let s = 16 + v.length * 8;
        const k = Math.min(v.length, 8);
        for (let i = 0; i < k; i++) s += (estimateOne(v[i], depth + 1) * v.length) / k;
        return s;
      }
      if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
      if (v instanceof Map || v instanceof Set) return 64 + v.size * 64;
      let s = 32;
      for (const x of Object.values(v)) s += 8 + estimateOne(x, depth + 1);
      return s;
    }
    default:
      return 32;
  }
}
