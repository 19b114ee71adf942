/**
 * npm run bench:recovery — what fault tolerance costs as the state grows. For a stateful
 * application (updateStateByKey over N keys, its state checkpointed every batch), measures:
 * - the checkpoint write per batch: the state's data checkpoint (every partition packed,
 *   checksummed, fsynced and renamed into place) and the metadata checkpoint;
 * - recovery: from a SIGKILL of the driver to the first batch completed by the restarted one
 *   (process start, reading and verifying the checkpoint, reading the state back, one batch);
 * - the state's memory: the block managers' size of the cached state RDD, and the process's
 *   resident memory growth;
 * for N = 100k, 300k and 1M keys (BENCH_KEYS to change), and prints how each grows with N.
 * The target: none grows faster than the state itself.
 *
 * The script runs the application itself as a child process (`--app`), so it can kill it.
 * BENCH_PROFILE=<dir> writes CPU profiles (`--cpu-prof`, every thread) of the restarted one there.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputDStream, Milliseconds, StreamingContext, type RDD, type Time } from "../src/index.js";

const SELF = fileURLToPath(import.meta.url);
const UPDATES_PER_BATCH = 1000;

// ---------------------------------------------------------------------------------------------
// The application: batch 1 loads N keys, later batches update a thousand of them.
// ---------------------------------------------------------------------------------------------

class KeyLoad extends InputDStream<[string, number]> {
  constructor(
    ssc: StreamingContext,
    private readonly keys: number,
  ) {
    super(ssc);
  }
  start(): void {}
  stop(): void {}
  compute(t: Time): RDD<[string, number]> {
    const sc = this.context.sparkContext;
    const batch = (t.milliseconds - this.zeroTime!.milliseconds) / this.slideDuration.milliseconds;
    if (batch === 1) return sc.range(0, this.keys, 1, 4).map((k) => [`k${k}`, 1] as [string, number]);
    const n = this.keys;
    const offset = (batch * 104729) % n;
    return sc.range(0, UPDATES_PER_BATCH, 1, 2).map((k) => [`k${(k * 7919 + offset) % n}`, 1] as [string, number]);
  }
}

async function app(keys: number, checkpointDir: string, batchMs: number): Promise<void> {
  const create = (): StreamingContext => {
    const ssc = new StreamingContext({
      master: "local[2]",
      appName: "bench-recovery",
      batchDuration: Milliseconds(batchMs),
      conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false", "spark.executor.memory": "4g" },
    });
    ssc.checkpoint(checkpointDir);
    const state = new KeyLoad(ssc, keys)
      .updateStateByKey((values: number[], s: number | undefined) => (s ?? 0) + values.length, 4)
      .checkpoint(Milliseconds(batchMs));
    state.foreachRDD(async (rdd, time) => {
      const jobs: Array<{ id: number; start: number; end?: number }> = [];
      const listener = {
        onJobStart: (e: { jobId: number; time: number }) => void jobs.push({ id: e.jobId, start: performance.now() }),
        onJobEnd: (e: { jobId: number }) => {
          const j = jobs.find((x) => x.id === e.jobId);
          if (j) j.end = performance.now();
        },
      };
      rdd.sparkContext().addSparkListener(listener);
      // The count computes the state; the job after it, inside the same action, writes its checkpoint.
      const count = await rdd.count();
      rdd.sparkContext().removeSparkListener(listener);
      const write = jobs[1];
      const blocks = rdd.sparkContext().describeCachedBlocks(rdd.id);
      const writer = (ssc as unknown as { checkpointWriter?: { averageWriteMs: number } }).checkpointWriter;
      console.log(
        `STAT ${JSON.stringify({
          time: time.milliseconds,
          count,
          dataCheckpointMs: write?.end !== undefined ? write.end - write.start : null,
          metadataWriteMs: writer?.averageWriteMs ?? null,
          stateBytes: blocks.reduce((a, b) => a + b.memSize, 0),
          rss: process.memoryUsage().rss,
        })}`,
      );
    });
    return ssc;
  };
  const ssc = StreamingContext.getOrCreate(checkpointDir, create);
  ssc.addStreamingListener({
    onStreamingStarted: () => console.log(`STARTED ${performance.now().toFixed(0)}`),
    onBatchCompleted: ({ batchInfo }) => console.log(`BATCH ${batchInfo.batchTime.milliseconds} ${batchInfo.processingDelay ?? 0}`),
  });
  console.log(`RSS0 ${process.memoryUsage().rss}`);
  process.on("SIGUSR2", () => process.exit(0));
  ssc.start();
  await ssc.awaitTermination();
}

// ---------------------------------------------------------------------------------------------
// The driver of the benchmark.
// ---------------------------------------------------------------------------------------------

interface Stat {
  time: number;
  count: number;
  dataCheckpointMs: number | null;
  metadataWriteMs: number | null;
  stateBytes: number;
  rss: number;
}

class Child {
  readonly lines: string[] = [];
  private readonly proc: ChildProcess;
  private waiters: Array<() => void> = [];
  readonly exited: Promise<void>;

  constructor(keys: number, dir: string, batchMs: number, profileDir?: string) {
    const profile = profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
    this.proc = spawn(process.execPath, [...profile, "--import", "tsx", SELF, "--app", String(keys), dir, String(batchMs)], { stdio: ["ignore", "pipe", "inherit"] });
    let partial = "";
    this.proc.stdout!.setEncoding("utf8").on("data", (c: string) => {
      const parts = (partial + c).split("\n");
      partial = parts.pop()!;
      for (const p of parts) {
        this.lines.push(p);
        for (const w of this.waiters.splice(0)) w();
      }
    });
    this.exited = new Promise((r) => this.proc.on("exit", () => r()));
  }

  async waitFor<T>(pick: (lines: string[]) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pick(this.lines);
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  stats(): Stat[] {
    return this.lines.filter((l) => l.startsWith("STAT ")).map((l) => JSON.parse(l.slice(5)) as Stat);
  }

  /** SIGKILL, or with `graceful` SIGUSR2, on which the application exits normally (so that its CPU profiles are written). */
  async kill(graceful = false): Promise<void> {
    this.proc.kill(graceful ? "SIGUSR2" : "SIGKILL");
    await this.exited;
  }
}

/** The size of one data checkpoint of the state (the largest: one being written may be partial). */
function stateCheckpointBytes(dir: string): number {
  let largest = NaN;
  for (const app of readdirSync(dir).filter((n) => n.startsWith("local-"))) {
    for (const rdd of readdirSync(join(dir, app))) {
      const path = join(dir, app, rdd);
      const bytes = readdirSync(path).reduce((n, f) => n + statSync(join(path, f)).size, 0);
      if (!(bytes <= largest)) largest = bytes;
    }
  }
  return largest;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
}

interface Result {
  keys: number;
  stateMB: number;
  rssGrowthMB: number;
  dataCheckpointMs: number;
  metadataWriteMs: number;
  checkpointMB: number;
  recoveryMs: number;
  recoveryToStartedMs: number;
  batchMs: number;
}

async function measure(keys: number, batchMs: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), "dstream-bench-recovery-"));
  try {
    const first = new Child(keys, dir, batchMs);
    // Batch 1 loads the keys; measure over the following batches, which each write the whole state.
    const stats = await first.waitFor((ls) => {
      const s = ls.filter((l) => l.startsWith("STAT ")).map((l) => JSON.parse(l.slice(5)) as Stat);
      return s.length >= 5 ? s : undefined;
    }, 600_000, `five batches of ${keys} keys`);
    const rss0 = Number(first.lines.find((l) => l.startsWith("RSS0 "))!.slice(5));
    const processing = first.lines.filter((l) => l.startsWith("BATCH ")).slice(1).map((l) => Number(l.split(" ")[2]));
    const steady = stats.slice(1);
    const checkpointMB = stateCheckpointBytes(dir) / 2 ** 20;
    // Killed just after the next batch is generated: recovery runs it at once, so the time
    // measured is recovery's, not a wait for the next batch on the grid.
    const nextBatch = stats.at(-1)!.time + batchMs;
    await new Promise((r) => setTimeout(r, Math.max(0, nextBatch + 100 - Date.now())));
    await first.kill();
    const killedAt = performance.now();
    const second = new Child(keys, dir, batchMs, process.env.BENCH_PROFILE);
    await second.waitFor((ls) => (ls.some((l) => l.startsWith("STARTED")) ? true : undefined), 600_000, "the restarted application");
    const startedAt = performance.now();
    await second.waitFor((ls) => (ls.some((l) => l.startsWith("BATCH ")) ? true : undefined), 600_000, "the first batch after recovery");
    const recoveredAt = performance.now();
    const after = second.stats();
    await second.kill(process.env.BENCH_PROFILE !== undefined);
    if (after[0] !== undefined && after[0].count !== keys) throw new Error(`bench: recovered state has ${after[0].count} keys, expected ${keys}`);
    return {
      keys,
      stateMB: median(steady.map((s) => s.stateBytes)) / 2 ** 20,
      rssGrowthMB: (Math.max(...steady.map((s) => s.rss)) - rss0) / 2 ** 20,
      dataCheckpointMs: median(steady.map((s) => s.dataCheckpointMs ?? NaN)),
      metadataWriteMs: steady.at(-1)!.metadataWriteMs ?? NaN,
      checkpointMB,
      recoveryMs: recoveredAt - killedAt,
      recoveryToStartedMs: startedAt - killedAt,
      batchMs: median(processing),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_KEYS ?? "100000,300000,1000000").split(",").map(Number);
  const batchMs = Number(process.env.BENCH_BATCH_MS ?? 4000);
  console.log(`Recovery benchmark: updateStateByKey over N keys, state checkpointed every batch (${batchMs} ms), local[2], ${UPDATES_PER_BATCH} updates per batch\n`);
  const results: Result[] = [];
  for (const keys of sizes) {
    const r = await measure(keys, batchMs);
    results.push(r);
    console.log(
      `${String(keys).padStart(9)} keys: state ${r.stateMB.toFixed(1)} MB in memory (RSS +${r.rssGrowthMB.toFixed(0)} MB), ` +
        `data checkpoint ${r.dataCheckpointMs.toFixed(0)} ms/batch (${r.checkpointMB.toFixed(1)} MB of files), metadata ${r.metadataWriteMs.toFixed(1)} ms, ` +
        `recovery ${r.recoveryMs.toFixed(0)} ms from kill to first batch (${r.recoveryToStartedMs.toFixed(0)} ms to restarted; a batch takes ${r.batchMs.toFixed(0)} ms)`,
    );
  }
  const base = results[0]!;
  console.log("\nGrowth relative to the smallest state (the state itself grows by the first column):");
  console.log("   keys ×   state mem ×   checkpoint write ×   recovery ×   recovery beyond startup ×");
  for (const r of results) {
    const k = r.keys / base.keys;
    const beyond = (x: Result): number => x.recoveryMs - x.recoveryToStartedMs;
    console.log(
      `${k.toFixed(1).padStart(8)}   ${(r.stateMB / base.stateMB).toFixed(2).padStart(11)}   ${(r.dataCheckpointMs / base.dataCheckpointMs).toFixed(2).padStart(18)}   ${(r.recoveryMs / base.recoveryMs).toFixed(2).padStart(10)}   ${(beyond(r) / beyond(base)).toFixed(2).padStart(25)}`,
    );
  }
}

if (process.argv[2] === "--app") await app(Number(process.argv[3]), process.argv[4]!, Number(process.argv[5]));
else await main();
