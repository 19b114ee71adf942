import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "./submitConf.js";

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  packages?: Record<string, { resolved?: string }>;
}

function readJson(path: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
  } catch {
    return undefined;
  }
}

/** A `file:` spec written relative to `base`, pointing where it pointed from `from`. */
function rebase(spec: string, from: string, base: string): string {
  if (!spec.startsWith("file:")) return spec;
  const path = spec.slice("file:".length);
  const abs = isAbsolute(path) ? path : resolve(from, path);
  const rel = relative(base, abs);
  return `file:${rel.startsWith(".") ? rel : `./${rel}`}`;
}

/**
 * Where the new project gets dstream until it is published: this checkout's folder, or, for a
 * copy installed in some project, the spec that project installed it with (its package.json,
 * else its package-lock.json: a tarball, a folder or a git URL).
 */
export function dependencySpec(packageRoot: string, target: string): string {
  const parts = packageRoot.split(sep);
  const nm = parts.lastIndexOf("node_modules");
  if (nm < 0) return rebase(`file:${packageRoot}`, packageRoot, target);
  const project = parts.slice(0, nm).join(sep) || sep;
  const pkg = readJson(join(project, "package.json"));
  const declared = pkg?.dependencies?.dstream ?? pkg?.devDependencies?.dstream;
  if (declared !== undefined) return rebase(declared, project, target);
  const resolved = readJson(join(project, "package-lock.json"))?.packages?.["node_modules/dstream"]?.resolved;
  if (resolved !== undefined) return rebase(resolved, project, target);
  throw new UsageError(
    `cannot tell where this copy of dstream (${packageRoot}) was installed from: pass --dependency, e.g. --dependency file:../dstream-0.1.0.tgz`,
  );
}

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

function ownVersions(): Record<string, string> {
  const own = readJson(join(PACKAGE_ROOT, "package.json")) ?? {};
  const all = { ...own.dependencies, ...own.devDependencies };
  return { "@types/node": all["@types/node"] ?? "^20.19.0", tsx: all.tsx ?? "^4.23.0", typescript: all.typescript ?? "5.9.3" };
}

const APP_TS = `/**
 * Counts the words of the lines a TCP server sends, every second: Spark's NetworkWordCount.
 * Start a server first (\`nc -lk 9999\`), then \`npm start\`, and type lines into nc.
 *
 * Usage: dstream submit [--master local[2]] app.ts [<hostname> <port>]
 */
import { SparkConf, StreamingContext, Seconds } from "dstream";
import { wordCounts } from "./wordCounts.js";

const [hostname = "localhost", port = "9999"] = process.argv.slice(2);

// No setMaster: \`dstream submit --master ...\` decides (local[*] by default).
const ssc = new StreamingContext(new SparkConf().setAppName("__NAME__"), Seconds(1));
wordCounts(ssc.socketTextStream(hostname, Number(port))).print();
ssc.start();
await ssc.awaitTermination();
`;

const WORD_COUNTS_TS = `import type { DStream } from "dstream";

/** Each batch's words and how often each occurs. */
export function wordCounts(lines: DStream<string>): DStream<[string, number]> {
  return lines
    .flatMap((line) => line.split(" "))
    .filter((word) => word.length > 0)
    .map((word) => [word, 1] as [string, number])
    .reduceByKey((a, b) => a + b);
}
`;

const APP_TEST_TS = `/**
 * The word count on a ManualClock: a queueStream hands it one batch of lines per second of the
 * clock, and each advance() returns once that batch's output has been collected. No sleeps.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock, Seconds, StreamingContext } from "dstream";
import { wordCounts } from "./wordCounts.js";

test("counts the words of each batch", async () => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ master: "local[2]", appName: "wordCounts-test", batchDuration: Seconds(1), clock });
  const batches: Array<Array<[string, number]>> = [];
  const input = ssc.queueStream([["to be or not to be"], ["that is the question", "to be"]]);
  wordCounts(input).foreachRDD(async (rdd) => {
    batches.push((await rdd.collect()).sort(([a], [b]) => (a < b ? -1 : 1)));
  });
  ssc.start();
  try {
    await clock.advance(1000);
    await clock.advance(1000);
  } finally {
    await ssc.stop();
  }
  assert.deepEqual(batches, [
    [["be", 2], ["not", 1], ["or", 1], ["to", 2]],
    [["be", 1], ["is", 1], ["question", 1], ["that", 1], ["the", 1], ["to", 1]],
  ]);
});
`;

/** A new project's compiler options; the docs' code blocks are checked with the same. */
export const PROJECT_COMPILER_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2023"],
  types: ["node"],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
};

const TSCONFIG = { compilerOptions: PROJECT_COMPILER_OPTIONS, include: ["*.ts"] };

function packageName(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._~-]+/g, "-").replace(/^[._-]+/, "");
  return name || "dstream-app";
}

/** `dstream init <dir>`: writes a ready project and returns what to do next. */
export function initProject(dir: string, dependency?: string): string {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} exists and is not empty; init writes a new project into an empty or new folder`);
  const spec = dependency ?? dependencySpec(realpathSync(PACKAGE_ROOT), dir);
  const name = packageName(dir);
  const pkg = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      start: "dstream submit --typecheck --master local[2] app.ts",
      test: "tsc --noEmit && node --import tsx --test app.test.ts",
    },
    dependencies: { dstream: spec },
    devDependencies: ownVersions(),
  };
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    "tsconfig.json": `${JSON.stringify(TSCONFIG, null, 2)}\n`,
    "app.ts": APP_TS.replace("__NAME__", name),
    "wordCounts.ts": WORD_COUNTS_TS,
    "app.test.ts": APP_TEST_TS,
    ".gitignore": "node_modules/\n",
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const shown = relative(process.cwd(), dir) || ".";
  return [
    `Wrote ${shown}/: ${Object.keys(files).join(", ")}`,
    `dstream comes from ${spec} (dstream is not on the npm registry yet)`,
    "",
    "Next:",
    `  cd ${shown}`,
    "  npm install",
    "  npm test          # type-checks, then runs the word count's test on a ManualClock",
    "  nc -lk 9999       # in another terminal: a server to type lines into",
    "  npm start         # dstream submit --typecheck --master local[2] app.ts",
    "",
  ].join("\n");
}
