/**
 * dstream as a user gets it: `npm pack`, installed from the tarball into a project of its own
 * (offline, from the npm cache `npm ci` filled), its command run with `npx --no-install`, and
 * `dstream init` writing a project whose own `npm test` and `npm start` work.
 */
import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type Socket } from "node:net";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
let work: string;
let tarball: string;
let project: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command (its own process group, so a signal reaches all of it); never rejects. */
function run(cmd: string, args: string[], cwd: string, onStdout?: (all: string, pid: number) => void): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
  delete env.NODE_TEST_CONTEXT;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
      onStdout?.(stdout, child.pid!);
    });
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function ok(r: Run, what: string): Run {
  assert.equal(r.code, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), "dstream-install-"));
  // `prepare` builds dist/ before packing, as for a git-URL install.
  ok(await run("npm", ["pack", "--pack-destination", work], root), "npm pack");
  tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
  project = join(work, "user-project");
  ok(await run("mkdir", ["-p", project], work), "mkdir");
  // No "type": "module": top-level await and executors' module reload must work regardless.
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", version: "1.0.0", private: true }, null, 2));
  ok(await run("npm", ["install", "--prefer-offline", tarball], project), "npm install <tarball>");
});

after(() => rmSync(work, { recursive: true, force: true }));

test("the tarball ships compiled code, the UI's static files and the loaders", () => {
  const pkg = join(project, "node_modules", "dstream");
  for (const f of ["dist/index.js", "dist/index.d.ts", "dist/connectors/kafka/index.js", "dist/cli/main.js", "dist/cli/appLoader.mjs", "dist/cli/moduleFormat.mjs", "dist/ui/static/vendor/uPlot.iife.min.js", "examples/NetworkWordCount.ts"]) {
    assert.ok(existsSync(join(pkg, f)), `${f} is in the installed package`);
  }
});

test("npx --no-install dstream submit runs an app in the user's project from compiled code, local[2] with module reload", { timeout: 300_000 }, async () => {
  writeFileSync(
    join(project, "words.ts"),
    `import { threadId } from "node:worker_threads";\nexport function tagged(w: string): [string, number] {\n  return [w, threadId];\n}\n`,
  );
  writeFileSync(
    join(project, "app.ts"),
    `import { SparkContext } from "dstream";
import { tagged } from "./words.js";
const sc = new SparkContext({ appName: "installed", conf: { "dstream.executor.reloadTimeout": "120s" } });
// tagged reads an import: it reaches the executors only by reloading this module there.
const pairs = await sc.parallelize(["a b", "b c", "c d", "d a"], 4).flatMap((l) => l.split(" ")).map((w) => tagged(w)).collect();
console.log(JSON.stringify({ master: sc.master, words: pairs.map((p) => p[0]).sort(), onExecutors: pairs.every((p) => p[1] !== 0), args: process.argv.slice(2) }));
await sc.stop();
`,
  );
  // Without the sources' CLI, only dist/ can run the command.
  rmSync(join(project, "node_modules", "dstream", "src", "cli", "main.ts"));
  const r = ok(await run("npx", ["--no-install", "dstream", "submit", "--master", "local[2]", "--progress", "none", "app.ts", "--flag"], project), "dstream submit");
  assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").at(-1)!), {
    master: "local[2]",
    words: ["a", "a", "b", "b", "c", "c", "d", "d"],
    onExecutors: true,
    args: ["--flag"],
  });
  assert.doesNotMatch(r.stderr, /on the driver thread, not in parallel|reloading .* failed/);
});

test("dstream init writes a project whose own npm test passes and whose npm start counts words", { timeout: 300_000 }, async () => {
  const init = ok(await run("npx", ["--no-install", "dstream", "init", "my-app"], project), "dstream init");
  assert.match(init.stdout, /dstream comes from file:\.\.\/\S+\.tgz/);
  const app = join(project, "my-app");
  const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as { type: string; dependencies: Record<string, string>; scripts: Record<string, string> };
  assert.equal(pkg.type, "module");
  assert.equal(pkg.dependencies.dstream, `file:../../${tarball.split("/").at(-1)}`);
  assert.match(pkg.scripts.start!, /^dstream submit --typecheck /);
  for (const f of ["tsconfig.json", "app.ts", "wordCounts.ts", "app.test.ts"]) assert.ok(existsSync(join(app, f)), f);

  ok(await run("npm", ["install", "--prefer-offline"], app), "npm install in the new project");
  const t = ok(await run("npm", ["test"], app), "the new project's npm test");
  assert.match(t.stdout, /^# pass 1$/m);
  assert.match(t.stdout, /^# fail 0$/m);

  // npm start against a text server of our own: arguments after app.ts are the app's.
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.write("to be or not to be\n");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  let sent = false;
  try {
    const start = await run("npm", ["start", "--", "127.0.0.1", String(port)], app, (all, pid) => {
      if (!sent && /^\(be,2\)$/m.test(all)) {
        sent = true;
        process.kill(-pid, "SIGINT");
      }
    });
    assert.ok(sent, `a batch with (be,2) in:\n${start.stdout}\n${start.stderr}`);
    assert.match(start.stdout, /^\(to,2\)$/m);
    assert.match(start.stderr, /StreamingContext stopped successfully/);
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
});
