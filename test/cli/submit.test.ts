/**
 * `dstream submit` as spark-submit: application arguments, --properties-file, --verbose,
 * --typecheck; apps in folders without "type": "module"; uncaught errors printed short; Ctrl-C.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseProperties } from "../../src/cli/propertiesFile.js";
import { formatUncaughtError, isUserFrame } from "../../src/cli/uncaughtErrors.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(root, "src/cli/dstream.mjs");
const INDEX = join(root, "src/index.ts");
const CONF_APP = "test/cli/fixtures/confApp.ts";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete e.NODE_TEST_CONTEXT;
  return e;
}

/** Runs the dstream command; `onStdout` may act on the running process (a signal). Never rejects. */
function dstream(args: string[], opts: { cwd?: string; env?: Record<string, string>; onStdout?: (all: string, pid: number) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a signal reaches the command and the application, as Ctrl-C does.
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? root, env: childEnv(opts.env ?? {}), stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
      opts.onStdout?.(stdout, child.pid!);
    });
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "dstream-submit-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("everything after the application file is the application's, dstream's own option names included", async () => {
  const r = await dstream(["submit", "--master", "local[1]", "--progress", "none", CONF_APP, "a", "--master", "local[4]", "--conf", "spark.x=1", "--", "-v"]);
  assert.equal(r.code, 0, r.stderr);
  const out = lastJson(r.stdout);
  assert.equal(out.master, "local[1]");
  assert.deepEqual(out.args, ["a", "--master", "local[4]", "--conf", "spark.x=1", "--", "-v"]);
});

test("the properties file is read as Java properties, as spark-defaults.conf is", () => {
  const text = [
    "# a comment",
    "! another",
    "spark.master        local[2]",
    "spark.app.name=Name With Spaces  ",
    "spark.a.b : c",
    "  spark.long   one \\",
    "     two",
    "spark.escaped\\ key  tab\\there\\u0021",
    "",
  ].join("\n");
  assert.deepEqual(parseProperties(text), [
    ["spark.master", "local[2]"],
    ["spark.app.name", "Name With Spaces"],
    ["spark.a.b", "c"],
    ["spark.long", "one two"],
    ["spark.escaped key", "tab\there!"],
  ]);
});

test("--properties-file gives defaults below --conf and --master; non-Spark keys are dropped with Spark's warning", async (t) => {
  const dir = tempDir(t);
  const file = join(dir, "spark-defaults.conf");
  writeFileSync(file, "# defaults\nspark.master local[2]\nspark.test.value   from-file\nspark.test.fromCode file\nspark.app.name FileName\nnot.spark 1\n");
  const r = await dstream(["submit", "--properties-file", file, "--conf", "spark.test.value=from-conf", "--progress", "none", CONF_APP]);
  assert.equal(r.code, 0, r.stderr);
  const out = lastJson(r.stdout);
  assert.equal(out.master, "local[2]");
  assert.equal(out.appName, "FileName");
  assert.equal(out.value, "from-conf");
  // What the application sets in code still wins.
  assert.equal(out.fromCode, "code");
  assert.match(r.stderr, /dstream: warning: Ignoring non-Spark config property: not\.spark/);

  const over = await dstream(["submit", "--properties-file", file, "--master", "local[1]", "--name", "Flag", "--progress", "none", CONF_APP]);
  assert.equal(lastJson(over.stdout).master, "local[1]");
  assert.equal(lastJson(over.stdout).appName, "Flag");

  const missing = await dstream(["submit", "--properties-file", join(dir, "nope.conf"), CONF_APP]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /error: --properties-file: Properties file .*nope\.conf does not exist/);
});

test("--verbose prints spark-submit's parsed arguments and properties, with secrets redacted", async (t) => {
  const dir = tempDir(t);
  const file = join(dir, "app.conf");
  writeFileSync(file, "spark.master local[1]\nspark.my.password hunter2\n");
  const r = await dstream(["submit", "--verbose", "--properties-file", file, "--conf", "spark.ui.port=0", "--progress", "none", CONF_APP, "x", "y"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^Using properties file: ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`, "m"));
  assert.match(r.stderr, /^Adding default property: spark\.master=local\[1\]$/m);
  assert.match(r.stderr, /^Adding default property: spark\.my\.password=\*{9}\(redacted\)$/m);
  assert.match(r.stderr, /^Parsed arguments:\n {2}master {18}local\[1\]\n {2}propertiesFile {10}\S+app\.conf\n {2}primaryResource {9}file:\/\/\S+confApp\.ts\n {2}name {20}confApp\n {2}childArgs {15}\[x y\]$/m);
  assert.match(r.stderr, /^Spark properties used, including those specified through\n --conf and those from the properties file \S+app\.conf:\n {2}\(spark\.master,local\[1\]\)\n {2}\(spark\.my\.password,\*{9}\(redacted\)\)\n {2}\(spark\.ui\.port,0\)\n$/m);
  assert.match(r.stderr, /^Arguments:\nx\ny\nSpark config:\n\(spark\.app\.name,confApp\)\n\(spark\.master,local\[1\]\)\n/m);
  assert.doesNotMatch(r.stderr, /hunter2/);
});

test("a .ts, .mts or .js app with top-level await runs in a folder without \"type\": \"module\", with module reload in local[2]", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "no-type", version: "1.0.0" }));
  // `tagged` is imported and reads an import itself: it reaches the executors only by reloading the app there.
  writeFileSync(join(dir, "words.ts"), `import { threadId } from "node:worker_threads";\nexport function tagged(w: string): [string, number] {\n  return [w, threadId];\n}\n`);
  const body = (ext: string) => `import { SparkContext } from ${JSON.stringify(INDEX)};
import { tagged } from "./words.js";
const sc = new SparkContext({ master: "local[2]", appName: "t${ext}", conf: { "dstream.executor.reloadTimeout": "120s" } });
const pairs = await sc.parallelize(["a b", "b c", "c d", "d a"], 4).flatMap((l) => l.split(" ")).map((w) => tagged(w)).collect();
console.log(JSON.stringify({ words: pairs.map((p) => p[0]).sort(), onExecutors: pairs.every((p) => p[1] !== 0) }));
await sc.stop();
`;
  for (const ext of [".ts", ".mts", ".js"]) writeFileSync(join(dir, `app${ext}`), body(ext));
  for (const app of ["app.ts", "app.mts", "app.js"]) {
    const r = await dstream(["submit", "--progress", "none", app], { cwd: dir });
    assert.equal(r.code, 0, `${app}: ${r.stderr}`);
    assert.deepEqual(lastJson(r.stdout), { words: ["a", "a", "b", "b", "c", "c", "d", "d"], onExecutors: true }, `${app}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /reloading .* failed|on the driver thread, not in parallel/, app);
  }
});

test("--typecheck runs tsc --noEmit first: a type error stops the app before it starts", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "tc", version: "1.0.0", type: "module" }));
  writeFileSync(join(dir, "bad.ts"), `const n: number = "not a number";\nconsole.log("ran", n);\n`);
  writeFileSync(join(dir, "good.ts"), `const n: number = 1;\nconsole.log("ran", n);\n`);
  const bad = await dstream(["submit", "--typecheck", "--progress", "none", "bad.ts"], { cwd: dir });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad\.ts\(1,7\): error TS2322: Type 'string' is not assignable to type 'number'\./);
  assert.match(bad.stderr, /dstream: --typecheck: tsc --noEmit bad\.ts found type errors; the application was not started\./);
  assert.doesNotMatch(bad.stdout, /ran/);
  const good = await dstream(["submit", "--typecheck", "--progress", "none", "good.ts"], { cwd: dir });
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /^ran 1$/m);

  // With a tsconfig.json, that project is checked.
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: "NodeNext", target: "ES2022", skipLibCheck: true, types: [] }, include: ["src/*.ts"] }));
  writeFileSync(join(dir, "src", "app.ts"), `export const x: string = 1;\n`);
  const project = await dstream(["submit", "--typecheck", "--progress", "none", "src/app.ts"], { cwd: dir });
  assert.equal(project.code, 1);
  assert.match(project.stderr, /src\/app\.ts\(1,14\): error TS2322/);
  assert.match(project.stderr, /tsc --noEmit -p tsconfig\.json found type errors/);
});

test("an uncaught error prints Spark's one-line summary, then the user's frame, internals collapsed unless --verbose", async () => {
  const r = await dstream(["submit", "--master", "local[1]", "--progress", "none", "test/cli/fixtures/failingApp.ts"]);
  assert.equal(r.code, 1);
  const report = r.stderr.slice(r.stderr.indexOf('Exception in thread "main"'));
  assert.match(
    report,
    /^Exception in thread "main" RangeError: expected no more than 2 records, got 3\n {4}at ForEachDStream\.foreachFunc \(test\/cli\/fixtures\/failingApp\.ts:7:9\)\n {4}\.\.\. \d+ frames? in dstream, Node\.js or dependencies\n\(run with --verbose or --log-level debug to see every frame\)\n$/,
  );
  const verbose = await dstream(["submit", "--verbose", "--master", "local[1]", "--progress", "none", "test/cli/fixtures/failingApp.ts"]);
  assert.equal(verbose.code, 1);
  assert.match(verbose.stderr, /Exception in thread "main" RangeError: expected no more than 2 records, got 3\n {4}at ForEachDStream\.foreachFunc \(\S+failingApp\.ts:7:9\)\n {4}at async Job\.run \(\S+src\/streaming\/scheduler\/Job\.ts:\d+:\d+\)/);
});

test("frames in dstream, Node.js and dependencies are internals; the cause chain is followed", () => {
  const engine = "/pkg/dist/";
  assert.equal(isUserFrame("    at f (/home/u/app/app.ts:8:20)", engine), true);
  assert.equal(isUserFrame("    at file:///home/u/app/app.ts:3:1", engine), true);
  assert.equal(isUserFrame("    at async Job.run (/pkg/dist/streaming/scheduler/Job.js:21:7)", engine), false);
  assert.equal(isUserFrame("    at x (/home/u/app/node_modules/pino/lib.js:1:1)", engine), false);
  assert.equal(isUserFrame("    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)", engine), false);
  assert.equal(isUserFrame("    at eval (eval at compile (file:///pkg/dist/core/closure/reviveFunction.js:7:37), <anonymous>:4:28)", engine), false);
  assert.equal(isUserFrame("    at eval (eval at compile (file:///pkg/dist/core/closure/reviveFunction.js:7:37), /home/u/app/app.ts:8:20)", engine), true);

  const cause = new TypeError("Cannot read properties of undefined (reading '1')");
  cause.stack = `${cause.name}: ${cause.message}\n    at eval (/home/u/app/app.ts:8:20)\n    at compute (/pkg/dist/core/rdd/RDD.js:1:1)`;
  const top = new Error("Job aborted due to stage failure: TypeError", { cause });
  top.name = "SparkException";
  top.stack = `SparkException: ${top.message}\n    at runTask (/pkg/dist/core/scheduler/DAGScheduler.js:1:1)\n    at async runJob (/pkg/dist/core/scheduler/DAGScheduler.js:2:2)`;
  assert.equal(
    formatUncaughtError(top, { verbose: false, cwd: "/home/u/app", engineDir: engine }),
    [
      'Exception in thread "main" SparkException: Job aborted due to stage failure: TypeError',
      "    ... 2 frames in dstream, Node.js or dependencies",
      "Caused by: TypeError: Cannot read properties of undefined (reading '1')",
      "    at eval (app.ts:8:20)",
      "    ... 1 frame in dstream, Node.js or dependencies",
      "(run with --verbose or --log-level debug to see every frame)",
      "",
    ].join("\n"),
  );
});

test("Ctrl-C stops the streaming context as Spark's shutdown hook does, and says so", async () => {
  let sent = false;
  const r = await dstream(["submit", "--master", "local[1]", "--progress", "none", "test/cli/fixtures/untilInterrupted.ts"], {
    onStdout: (all, pid) => {
      if (!sent && all.includes("batch of 4")) {
        sent = true;
        process.kill(-pid, "SIGINT");
      }
    },
  });
  assert.ok(sent, r.stderr);
  assert.ok(r.code === 0 || r.code === 130, `exit code ${r.code}: ${r.stderr}`);
  assert.match(r.stderr, /WARN {2}dstream: SIGINT received: Invoking stop\(stopGracefully=false\) from shutdown hook; batches not yet started are dropped/);
  assert.match(r.stderr, /WARN {2}dstream: StreamingContext stopped successfully\n/);
});
