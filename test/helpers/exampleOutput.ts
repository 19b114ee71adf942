import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The lines of every part file an example wrote under `out`, per batch: the directories `<prefix>-<time ms>[.suffix]`, keyed by time. */
export function writtenBatches(out: string, prefix: string): Map<number, string[]> {
  const batches = new Map<number, string[]>();
  for (const d of readdirSync(out)) {
    const m = new RegExp(`^${prefix}-(\\d+)(\\..*)?$`).exec(d);
    if (m === null) continue;
    const lines = readdirSync(join(out, d))
      .filter((f) => f.startsWith("part-"))
      .flatMap((f) => readFileSync(join(out, d, f), "utf8").split("\n"))
      .filter((l) => l.length > 0);
    batches.set(Number(m[1]), lines.sort());
  }
  return batches;
}

/** The sorted lines of every part file in the directories `<prefix>-<time>.<suffix>` an example wrote under `out`. */
export function written(out: string, prefix: string): string[] {
  return [...writtenBatches(out, prefix).values()].flat().sort();
}

/** The lines `pprint` printed under each batch's `Time: <ms> ms` header, per batch time in order (outputs of the same batch merged). */
export function printedBatches(stdout: string): Array<{ time: number; lines: string[] }> {
  const batches = new Map<number, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split("\n")) {
    const header = /^Time: (\d+) ms$/.exec(line);
    if (header !== null) {
      const time = Number(header[1]);
      current = batches.get(time) ?? [];
      batches.set(time, current);
    } else if (current !== undefined && line.length > 0 && !/^-+$/.test(line)) current.push(line);
  }
  return [...batches].sort(([a], [b]) => a - b).map(([time, lines]) => ({ time, lines }));
}
