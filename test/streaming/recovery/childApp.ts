/**
 * Runs a fixture application as a child process, the way a crash harness needs it: read its
 * stdout line by line, wait for a line (bounded), kill it for real, and learn how it ended.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ChildApp {
  readonly lines: string[] = [];
  stderr = "";
  readonly exited: Promise<Exit>;
  private readonly proc: ChildProcess;
  private watchers: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  private exit: Exit | undefined;

  constructor(script: string, args: string[], env: Record<string, string> = {}) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    // The child is an application, not a test file: it must not report to this test runner.
    delete childEnv.NODE_TEST_CONTEXT;
    this.proc = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let partial = "";
    this.proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      partial += chunk;
      const parts = partial.split("\n");
      partial = parts.pop()!;
      for (const line of parts) this.onLine(line);
    });
    // For diagnosing a crash harness: every life's whole stdout and stderr, kept past the 20 kB tail below.
    const logDir = process.env.DSTREAM_TEST_CHILD_LOGS;
    const started = Date.now();
    this.proc.stdout!.on("data", (chunk: Buffer) => logDir && appendFileSync(`${logDir}/${started}-${this.proc.pid}.out`, chunk));
    this.proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      if (logDir) appendFileSync(`${logDir}/${started}-${this.proc.pid}.err`, chunk);
      this.stderr = (this.stderr + chunk).slice(-20_000);
    });
    this.exited = new Promise((resolve) => {
      this.proc.on("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  private onLine(line: string): void {
    this.lines.push(line);
    for (const w of [...this.watchers]) {
      if (w.test(line)) {
        this.watchers = this.watchers.filter((x) => x !== w);
        w.resolve(line);
      }
    }
  }

  /** The first stdout line (already printed or to come) that `test` accepts; rejects if the app exits or `timeoutMs` passes first. */
  waitForLine(test: (line: string) => boolean, timeoutMs: number, what = "the expected output"): Promise<string> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms waiting for ${what}`), timeoutMs);
      const fail = (why: string): void => {
        clearTimeout(timer);
        this.watchers = this.watchers.filter((x) => x.resolve !== done);
        reject(new Error(`${why}\n--- stdout (last lines) ---\n${this.lines.slice(-10).join("\n")}\n--- stderr ---\n${this.stderr.slice(-4000)}`));
      };
      const done = (line: string): void => {
        clearTimeout(timer);
        resolve(line);
      };
      this.watchers.push({ test, resolve: done });
      void this.exited.then((e) => fail(`the application exited (code ${e.code}, signal ${e.signal}) before ${what}`));
    });
  }

  /** Sends `signal` and waits for the process to end. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<Exit> {
    if (!this.hasExited) this.proc.kill(signal);
    return this.exited;
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.hasExited) this.proc.kill(signal);
  }
}

/** Polls `check` until it returns a value (not undefined), at most `timeoutMs`; the wait is by condition, never by a fixed sleep. */
export async function waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: string, pollMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export { prng } from "../../../examples/support/prng.js";
