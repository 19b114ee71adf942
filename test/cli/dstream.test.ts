import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const CLI = fileURLToPath(new URL("../../src/cli/dstream.mjs", import.meta.url));
const CONF_APP = "test/cli/fixtures/confApp.ts";
const STREAMING_APP = "test/cli/fixtures/streamingApp.ts";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the dstream command as a user would, from the repository root; never rejects. */
function dstream(args: string[], env: Record<string, string> = {}, command: string[] = [process.execPath, CLI]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, [...command.slice(1), ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function lastJson(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split("\n").at(-1)!;
  return JSON.parse(line) as Record<string, unknown>;
}

test("submit hands --master, --name and --conf to the app's SparkConf, and passes the app its arguments", async () => {
  const r = await dstream([
    "submit",
    "--master",
    "local[2]",
    "--conf",
    "spark.test.value=a=b",
    "--conf",
    "spark.test.fromCode=cli",
    "--name",
    "MyApp",
    "--progress",
    "none",
    CONF_APP,
    "first",
    "second",
    "--app-flag",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lastJson(r.stdout), {
    master: "local[2]",
    appName: "MyApp",
    value: "a=b",
    // What the application sets in code wins over --conf, as with spark-submit.
    fromCode: "code",
    uiPort: null,
    workers: 2,
    args: ["first", "second", "--app-flag"],
  });
});

test("without --master and --name, the app runs on local[*] under its file's name", async () => {
  const r = await dstream(["submit", "--progress", "none", "--conf", "spark.ui.port=0", "--conf", "spark.master=local[1]", CONF_APP]);
  assert.equal(r.code, 0, r.stderr);
  const out = lastJson(r.stdout);
  // --conf spark.master is honoured when --master is absent; --master would override it.
  assert.equal(out.master, "local[1]");
  assert.equal(out.appName, "confApp");
  assert.equal(out.uiPort, "0");
  const dflt = await dstream(["submit", "--progress", "none", CONF_APP]);
  assert.equal(dflt.code, 0, dflt.stderr);
  assert.equal(lastJson(dflt.stdout).master, "local[*]");
});

test("the application's exit code is the command's", async () => {
  const r = await dstream(["submit", "--master", "local", "--progress", "none", CONF_APP], { FIXTURE_EXIT_CODE: "3" });
  assert.equal(r.code, 3, r.stderr);
});

test("progress as log lines when output is not a terminal: the UI address, then each batch", async () => {
  const r = await dstream(["submit", "--master", "local[1]", "--conf", "spark.ui.port=0", STREAMING_APP]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /stopped after \d+ batches/);
  assert.match(r.stderr, /^\d\d:\d\d:\d\d INFO  dstream: Web UI at http:\/\/127\.0\.0\.1:\d+$/m);
  assert.match(r.stderr, /dstream: Streaming started: batches every 0\.2 s/);
  const batches = r.stderr.match(/INFO  dstream: Batch \d\d:\d\d:\d\d\.\d{3} completed: 4 records, processing time [^,]+, scheduling delay [^,]+, total delay \S+/g) ?? [];
  assert.ok(batches.length >= 3, `three batch lines in:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\r/);
});

test("--progress line keeps one status line, redrawn in place, with records, delays and the UI address", async () => {
  const r = await dstream(["submit", "--master", "local[1]", "--conf", "spark.ui.port=0", "--progress", "line", STREAMING_APP]);
  assert.equal(r.code, 0, r.stderr);
  const redraws = r.stderr.split("\r\x1b[2K").filter((s) => s.length > 0);
  assert.ok(
    redraws.some((s) => /^batch \d\d:\d\d:\d\d\.\d{3} \| 4 records \| processing \S+ \S+ \| scheduling \S+ \S+ \| total delay \S+ \S+ \| \d+ batch(es)? \| UI http:\/\/127\.0\.0\.1:\d+$/.test(s)),
    `a full status line in:\n${JSON.stringify(r.stderr)}`,
  );
  assert.match(r.stderr, /\r\x1b\[2Kdstream: stopped after \d\d:\d\d:\d\d\.\d{3} \| 4 records .*\n$/);
  // The application's own output is not mixed into the status line.
  assert.match(r.stdout, /^stopped after \d+ batches\n$/);
});

test("run-example lists the bundled examples, runs one by name, and suggests a near name", async () => {
  const list = await dstream(["run-example"]);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^ {2}WordCount$/m);
  assert.match(list.stdout, /^ {2}NetworkWordCount$/m);
  assert.doesNotMatch(list.stdout, /^ {2}run$/m);

  const run = await dstream(["run-example", "--progress", "none", "WordCount"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Top words in .*sample\.txt \(\d+ distinct\):$/m);

  const typo = await dstream(["run-example", "WordCont"]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /error: unknown example 'WordCont'\. Did you mean WordCount\? Available examples: .*NetworkWordCount/);
});

test("a wrong flag, master or --conf gets a clear message with the valid forms", async () => {
  const before = await dstream(["submit", "--mastr", "local[2]", CONF_APP]);
  assert.equal(before.code, 2);
  assert.match(before.stderr, /error: unknown option '--mastr' \(Did you mean --master\?\)\n\(run 'dstream submit --help' for usage\)/);

  const master = await dstream(["submit", "--master", "yarn", CONF_APP]);
  assert.equal(master.code, 2);
  assert.match(master.stderr, /error: --master: Could not parse Master URL: 'yarn'\./);
  assert.match(master.stderr, /'local' \(1 thread\), 'local\[N\]' \(N threads\), 'local\[\*\]' \(one per core\) and 'local\[N,F\]'/);

  // Refused before the application starts: local[100000] would start 100000 executor threads.
  for (const [m, f] of [["local[100000]", "dstream\\.local\\.maxThreads"], ["local[2,0]", "spark\\.task\\.maxFailures"]] as const) {
    const r = await dstream(["submit", "--master", m, CONF_APP]);
    assert.equal(r.code, 2, m);
    assert.match(r.stderr, new RegExp(`error: --master: Asked to run locally with .*${f}`), m);
  }
  const limited = await dstream(["submit", "--master", "local[3]", "--conf", "dstream.local.maxThreads=2", CONF_APP]);
  assert.match(limited.stderr, /more than dstream\.local\.maxThreads \(2,/);

  const conf = await dstream(["submit", "--conf", "spark.ui.port", CONF_APP]);
  assert.equal(conf.code, 2);
  assert.match(conf.stderr, /--conf expects key=value, got 'spark\.ui\.port'/);

  const progress = await dstream(["submit", "--progress", "fancy", CONF_APP]);
  assert.notEqual(progress.code, 0);
  assert.match(progress.stderr, /Allowed choices are auto, line, log, none/);

  const missing = await dstream(["submit", "no/such/app.ts"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /error: application file not found: no\/such\/app\.ts/);

  const command = await dstream(["sumbit", CONF_APP]);
  assert.notEqual(command.code, 0);
  assert.match(command.stderr, /unknown command 'sumbit'\n\(Did you mean submit\?\)/);
});

test("--help shows usage with examples, and npx dstream runs the package's command", async () => {
  const help = await dstream(["submit", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: dstream submit \[options\] <app> \[args\.\.\.\]/);
  assert.match(help.stdout, /--master <url>/);
  assert.match(help.stdout, /Examples:\n {2}\$ dstream submit app\.ts/);
  const top = await dstream(["--help"]);
  assert.match(top.stdout, /run-example \[options\] \[name\] \[args\.\.\.\]/);

  const npx = await dstream(["--version"], {}, ["npx", "--no-install", "dstream"]);
  assert.equal(npx.code, 0, npx.stderr);
  assert.equal(npx.stdout.trim(), JSON.parse((await import("node:fs")).readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version);
});

/** Runs dstream with its stdout closed by the reader: at once, or after the first output matching `after`. */
function dstreamIntoClosedPipe(args: string[], after?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: root, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    // Closing the read end makes dstream's next write to stdout fail with EPIPE, as `| head -1` does.
    if (after === undefined) child.stdout.destroy();
    else
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        if (after.test(stdout)) child.stdout.destroy();
      });
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("`dstream --help | head -1`: a reader that closes stdout ends dstream quietly, with 0", async () => {
  const r = await dstreamIntoClosedPipe(["--help"]);
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
});

test("`dstream submit app | head`: a reader that closes stdout stops the application, and dstream exits 0 quietly", async () => {
  const r = await dstreamIntoClosedPipe(["submit", "--master", "local[1]", "--progress", "none", "test/cli/fixtures/untilInterrupted.ts"], /batch of 4/);
  assert.doesNotMatch(r.stderr, /EPIPE|Exception/);
  assert.match(r.stderr, /SIGTERM received: Invoking stop\(stopGracefully=false\) from shutdown hook/, "the application was stopped as by SIGTERM");
  assert.equal(r.code, 0);
});
