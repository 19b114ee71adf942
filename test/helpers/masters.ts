/**
 * Runs a suite body once per master. Every conformance behaviour must hold, with the same
 * results, in `local[1]` (the driver's in-thread executor) and `local[2]` (worker threads).
 */
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { SparkContext, type SparkListener, type TaskInfo } from "../../src/index.js";

export const MASTERS = ["local[1]", "local[2]"] as const;

export interface MasterEnv {
  /** The context of the running suite; created before its first test, stopped after its last. */
  readonly sc: SparkContext;
  readonly master: string;
  /** True when tasks can run on worker threads (local[N], N > 1). */
  readonly parallel: boolean;
  /**
   * Asserts `value` equals what the same `label` produced under the previous master, so a
   * behaviour whose exact output is not pinned by Spark still cannot differ between masters.
   */
  agree(label: string, value: unknown): void;
}

export interface SuiteOptions {
  conf?: Record<string, string>;
  masters?: readonly string[];
}

const agreed = new Map<string, unknown>();

/** Whether a master has worker threads: local[N] or local[N,F] with N > 1, or local[*] on a multi-core machine. */
export function isParallel(master: string): boolean {
  const m = /^local\[(\d+|\*)/.exec(master);
  if (!m) return false;
  return m[1] === "*" ? availableParallelism() > 1 : Number(m[1]) > 1;
}

/** `describe(title [master])` for each master, with a SparkContext shared by the suite's tests. */
export function forEachMaster(title: string, body: (env: MasterEnv) => void, options: SuiteOptions = {}): void {
  for (const master of options.masters ?? MASTERS) {
    describe(`${title} [${master}]`, () => {
      let sc: SparkContext | undefined;
      before(() => {
        sc = new SparkContext({ master, appName: title, conf: { ...options.conf } });
      });
      after(async () => {
        await sc?.stop();
      });
      body({
        get sc() {
          if (!sc) throw new Error("the suite's SparkContext is not running");
          return sc;
        },
        master,
        parallel: isParallel(master),
        agree(label, value) {
          const key = `${title}::${label}`;
          if (agreed.has(key)) assert.deepEqual(value, agreed.get(key), `${label}: ${master} differs from the previous master`);
          else agreed.set(key, value);
        },
      });
    });
  }
}

/** Runs `fn` with a fresh context and always stops it, for tests that need their own configuration. */
export async function withContext<R>(
  master: string,
  conf: Record<string, string>,
  fn: (sc: SparkContext) => Promise<R>,
): Promise<R> {
  const sc = new SparkContext({ master, appName: "test", conf });
  try {
    return await fn(sc);
  } finally {
    await sc.stop();
  }
}

/** Records every task end (and job start) while `fn` runs. */
export async function recordTasks<R>(sc: SparkContext, fn: () => Promise<R>): Promise<{ result: R; tasks: TaskInfo[]; jobs: number }> {
  const tasks: TaskInfo[] = [];
  let jobs = 0;
  const listener: SparkListener = {
    onTaskEnd: (e) => tasks.push({ ...e.taskInfo }),
    onJobStart: () => jobs++,
  };
  sc.addSparkListener(listener);
  try {
    const result = await fn();
    return { result, tasks, jobs };
  } finally {
    sc.removeSparkListener(listener);
  }
}

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix = "dstream-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file below `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Sorts a copy with a total order over JSON text, for comparing multisets of results. */
export function sorted<T>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
