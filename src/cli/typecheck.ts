import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { UsageError } from "./submitConf.js";

/** The strict settings used when the application has no tsconfig.json of its own. */
const DEFAULT_OPTIONS = [
  "--strict",
  "--target",
  "ES2022",
  "--module",
  "NodeNext",
  "--moduleResolution",
  "NodeNext",
  "--skipLibCheck",
  "--allowImportingTsExtensions",
];

/** The project's TypeScript compiler, else the one next to dstream (a checkout has it). */
function findTsc(app: string): string {
  for (const from of [app, import.meta.url]) {
    try {
      return createRequire(from).resolve("typescript/bin/tsc");
    } catch {
      // Next place.
    }
  }
  throw new UsageError(`--typecheck needs TypeScript in the application's project: npm install --save-dev typescript@5.9.3 @types/node@20`);
}

/** The nearest tsconfig.json at or above the application's folder. */
export function findTsconfig(app: string): string | undefined {
  for (let dir = dirname(app); ; dir = dirname(dir)) {
    const candidate = join(dir, "tsconfig.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * `--typecheck`: `tsc --noEmit` on the application's project (its tsconfig.json), or on the
 * application file alone with strict defaults. tsc's report goes to stderr; false when it
 * found errors, in which case the application is not started.
 */
export async function typecheck(app: string): Promise<boolean> {
  const tsc = findTsc(app);
  const tsconfig = findTsconfig(app);
  const args = tsconfig ? ["--noEmit", "-p", tsconfig] : ["--noEmit", ...DEFAULT_OPTIONS, app];
  if (process.stderr.isTTY) args.push("--pretty");
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, ...args], { stdio: ["ignore", 2, 2] });
    child.on("error", reject);
    child.on("close", (c) => resolve(c ?? 1));
  });
  if (code === 0) return true;
  const what = tsconfig ? `-p ${relative(process.cwd(), tsconfig) || "tsconfig.json"}` : relative(process.cwd(), app);
  process.stderr.write(`dstream: --typecheck: tsc --noEmit ${what} found type errors; the application was not started.\n`);
  return false;
}
