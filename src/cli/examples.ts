import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's examples directory, two levels above this module in src/ and in dist/. */
const EXAMPLES_DIR = fileURLToPath(new URL("../../examples/", import.meta.url));

/** Example names as Spark's run-example takes them: CamelCase files (helpers such as run.ts are not examples). */
export function bundledExamples(): string[] {
  if (!existsSync(EXAMPLES_DIR)) return [];
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => /^[A-Z][A-Za-z0-9]*\.ts$/.test(f))
    .map((f) => f.slice(0, -3))
    .sort();
}

export function examplePath(name: string): string | undefined {
  return bundledExamples().includes(name) ? join(EXAMPLES_DIR, `${name}.ts`) : undefined;
}
