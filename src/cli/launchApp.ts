import { spawn } from "node:child_process";
import { SUBMIT_CONF_ENV } from "../core/submitDefaults.js";
import { PROGRESS_IPC_ENV, type ProgressMessage } from "../ui/progress/ProgressReporter.js";
import type { ProgressView } from "./progress/ProgressView.js";
import { StatusLine } from "./progress/StatusLine.js";
import { LogLines } from "./progress/LogLines.js";
import { VERBOSE_ENV } from "./uncaughtErrors.js";
import { stopWhenStdoutCloses } from "./closedStdout.js";

/** What the application and its executors are preloaded with: tsx, module format, error report. */
const APP_LOADER = new URL("./appLoader.mjs", import.meta.url).href;
export const APP_LOADER_ENV = "DSTREAM_APP_LOADER";

export type ProgressMode = "auto" | "line" | "log" | "none";
export const PROGRESS_MODES: readonly ProgressMode[] = ["auto", "line", "log", "none"];

export interface LaunchOptions {
  /** Absolute path of the application's entry file. */
  app: string;
  args: string[];
  conf: Record<string, string>;
  logLevel: string | undefined;
  progress: ProgressMode;
  /** Uncaught errors with every frame. */
  verbose?: boolean;
}

const CJS_TOP_LEVEL_AWAIT = /Top-level await is currently not supported with the "cjs" output format|ERR_REQUIRE_ASYNC_MODULE/;

function view(mode: ProgressMode): ProgressView | undefined {
  const term = process.stderr;
  const m = mode === "auto" ? (term.isTTY ? "line" : "log") : mode;
  if (m === "line") return new StatusLine(term);
  if (m === "log") return new LogLines(term);
  return undefined;
}

function isProgressMessage(m: unknown): m is ProgressMessage {
  return typeof m === "object" && m !== null && typeof (m as { type?: unknown }).type === "string" && (m as { type: string }).type.startsWith("dstream:");
}

/**
 * Runs the application in its own Node process, as spark-submit runs a driver JVM: through tsx,
 * so TypeScript needs no build, as an ES module unless its package says "type": "commonjs"
 * (appLoader.mjs), with the submitted configuration in DSTREAM_CONF (SparkContext
 * reads it as defaults) and an IPC channel on which the application reports its batches.
 * Resolves with the exit code to use.
 */
export function launchApp(o: LaunchOptions): Promise<number> {
  const progress = view(o.progress);
  const env: NodeJS.ProcessEnv = { ...process.env, [SUBMIT_CONF_ENV]: JSON.stringify(o.conf) };
  // The application is an application, even when a test launched this command.
  delete env.NODE_TEST_CONTEXT;
  if (progress) env[PROGRESS_IPC_ENV] = "1";
  else delete env[PROGRESS_IPC_ENV];
  if (o.logLevel !== undefined) env.DSTREAM_LOG_LEVEL = o.logLevel;
  if (o.verbose) env[VERBOSE_ENV] = "1";
  env[APP_LOADER_ENV] = APP_LOADER;
  const child = spawn(process.execPath, ["--import", APP_LOADER, o.app, ...o.args], {
    stdio: ["inherit", "pipe", "pipe", "ipc"],
    env,
  });
  let stderrTail = "";
  child.stdout!.on("data", (chunk: Buffer) => (progress ? progress.output(chunk, process.stdout) : process.stdout.write(chunk)));
  child.stderr!.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-4096);
    if (progress) progress.output(chunk, process.stderr);
    else process.stderr.write(chunk);
  });
  child.on("message", (m: unknown) => {
    if (progress && isProgressMessage(m)) progress.message(m);
  });
  // Ctrl-C reaches the application too (same process group); wait for it to stop rather than die first.
  const forward = (signal: NodeJS.Signals) => () => {
    if (signal !== "SIGINT") child.kill(signal);
  };
  const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  const closed = new Promise<void>((r) => child.once("close", () => r()));
  // Stopped as by SIGTERM (the shutdown hook), so a killed dstream leaves no application behind.
  const unregister = stopWhenStdoutCloses(() => (child.kill("SIGTERM"), closed));
  return new Promise((resolve) => {
    child.on("error", (e) => {
      progress?.finish();
      process.stderr.write(`dstream: could not start the application: ${e.message}\n`);
      resolve(1);
    });
    child.on("close", (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      unregister();
      progress?.finish();
      if (code !== 0 && CJS_TOP_LEVEL_AWAIT.test(stderrTail)) {
        process.stderr.write(
          `dstream: ${o.app} was loaded as CommonJS, which has no top-level await (its package.json says "type": "commonjs", or it is .cts/.cjs). ` +
            `Rename it to .mts, or set "type": "module" in that package.json.\n`,
        );
      }
      resolve(code ?? 128 + (signal ? signalNumber(signal) : 0));
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 1;
}
