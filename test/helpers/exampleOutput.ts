import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The sorted lines of every part file in the directories `<prefix>-<time>.<suffix>` an example wrote under `out`. */
export function written(out: string, prefix: string): string[] {
  return readdirSync(out)
    .filter((d) => d.startsWith(`${prefix}-`))
    .flatMap((d) => readdirSync(join(out, d)).filter((f) => f.startsWith("part-")).flatMap((f) => readFileSync(join(out, d, f), "utf8").split("\n")))
    .filter((l) => l.length > 0)
    .sort();
}
