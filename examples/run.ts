/** Runs a bundled example by name: npm run example -- <Name> [args]. Lists them without a name. */
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

const dir = fileURLToPath(new URL(".", import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.slice(0, -3))
  .sort();
const name = process.argv[2] ?? "WordCount";
if (!names.includes(name)) {
  console.error(`Unknown example '${name}'. Available examples: ${names.join(", ")}`);
  process.exit(2);
}
// The example reads its own arguments from argv[2..]: drop the example name.
process.argv.splice(2, 1);
process.argv[1] = join(dir, `${name}.ts`);
await import(pathToFileURL(process.argv[1]).href);
