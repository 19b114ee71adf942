/**
 * npm run bench:core — a CPU-bound word count over generated text, in local[1], in local[2],
 * and as a hand-written single loop with no engine. Prints throughput and the ratios.
 * Targets on a 2-core machine: local[2] ≥ 1.6× local[1]; local[1] ≥ 0.5× the hand-written loop.
 */
import { readFileSync, statSync } from "node:fs";
import { SparkContext } from "../src/index.js";
import { corpusFile } from "./textCorpus.js";

const MB = Number(process.env.BENCH_MB ?? 48);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const path = corpusFile(MB);
const bytes = statSync(path).size;

function handWritten(): number {
  const text = readFileSync(path, "utf8");
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.length === 0) continue;
    for (const w of line.split(" ")) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts.size;
}

async function engine(master: string): Promise<{ best: number; distinct: number }> {
  // The job's functions ship by source. Reloading this module in each executor would only
  // repeat the corpus generation and the hand-written loop at its top level.
  const sc = new SparkContext({ master, appName: `bench-${master}`, conf: { "spark.executor.reloadModule": "false" } });
  try {
    const job = async (): Promise<number> => {
      const counts = sc
        .textFile(path, 8)
        .flatMap((line) => line.split(" "))
        .map((w) => [w, 1] as [string, number])
        .reduceByKey((a, b) => a + b);
      return counts.count();
    };
    const distinct = await job(); // warm-up: starts executors, compiles code
    let best = Infinity;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const n = await job();
      best = Math.min(best, performance.now() - t0);
      if (n !== distinct) throw new Error(`bench: ${master} counted ${n} distinct words, expected ${distinct}`);
    }
    return { best, distinct };
  } finally {
    await sc.stop();
  }
}

function timeBest(f: () => number): { best: number; result: number } {
  let result = f();
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    result = f();
    best = Math.min(best, performance.now() - t0);
  }
  return { best, result };
}

const mbps = (ms: number): string => ((bytes / 1024 / 1024) / (ms / 1000)).toFixed(1);
const loop = timeBest(handWritten);
const one = await engine("local[1]");
const two = await engine("local[2]");
if (one.distinct !== loop.result || two.distinct !== loop.result) {
  throw new Error(`bench: distinct word counts disagree: loop ${loop.result}, local[1] ${one.distinct}, local[2] ${two.distinct}`);
}
console.log(`word count over ${(bytes / 1024 / 1024).toFixed(1)} MB (${loop.result} distinct words), best of ${RUNS} runs`);
console.log(`  hand-written loop   ${loop.best.toFixed(0).padStart(6)} ms  ${mbps(loop.best).padStart(7)} MB/s`);
console.log(`  local[1]            ${one.best.toFixed(0).padStart(6)} ms  ${mbps(one.best).padStart(7)} MB/s`);
console.log(`  local[2]            ${two.best.toFixed(0).padStart(6)} ms  ${mbps(two.best).padStart(7)} MB/s`);
const r21 = one.best / two.best;
const r1l = loop.best / one.best;
console.log(`  local[2] / local[1] = ${r21.toFixed(2)}x   (target >= 1.60x)`);
console.log(`  local[1] / loop     = ${r1l.toFixed(2)}x   (target >= 0.50x)`);
