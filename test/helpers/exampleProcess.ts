/** Runs a bundled example as a user would (`npm run example -- <Name> ...`): a child process, outside the test runner. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface Running {
  stdout(): string;
  /** Sends the process a signal (SIGTERM stops a started StreamingContext, as Spark's shutdown hook). */
  kill(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function startExample(args: string[], extraEnv: Record<string, string> = {}): Running {
  const env = { ...process.env, ...extraEnv };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ["--import", "tsx", "examples/run.ts", ...args], { cwd: root, env });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const killer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("close", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout: out, stderr: err });
    }),
  );
  return { stdout: () => out, kill: (signal) => child.kill(signal), exited };
}
