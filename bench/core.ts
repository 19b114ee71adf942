/**
 * npm run bench:core — a CPU-bound word count over generated text, in local[1], in local[2],
 * and as a hand-written single loop with no engine, on two corpora: the skewed 20k-word one
 * (5–19 words a line) and a Zipf one with 6k distinct words and 12-word lines (40 MB), the shape
 * of the held-out measurement. Prints throughput and the ratios for each.
 * Targets on a 2-core machine: local[2] ≥ 1.6× local[1]; local[1] ≥ 0.5× the hand-written loop.
 */
import { readFileSync, statSync } from "node:fs";
import { SparkContext } from "../src/index.js";
import { corpusFile, zipfCorpusFile } from "./textCorpus.js";

const MB = Number(process.env.BENCH_MB ?? 48);
const ZIPF_MB = Number(process.env.BENCH_ZIPF_MB ?? 40);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const corpora = [
  { name: "skewed 20k-word corpus", path: corpusFile(MB) },
  { name: "Zipf corpus, 6k words, 12-word lines", path: zipfCorpusFile(ZIPF_MB) },
];

function handWritten(path: string): number {
  const text = readFileSync(path, "utf8");
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.length === 0) continue;
    for (const w of line.split(" ")) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts.size;
}

/** One engine configuration: a fresh context, a warm-up job, then one measured job. */
async function engine(master: string, path: string): Promise<{ ms: number; distinct: number }> {
  // The job's functions ship by source. Reloading this module in each executor would only
  // repeat the corpus generation and the hand-written loop at its top level.
  const sc = new SparkContext({ master, appName: `bench-${master}`, conf: { "spark.executor.reloadModule": "false" } });
  try {
    const job = (): Promise<number> =>
      sc
        .textFile(path, 8)
        .flatMap((line) => line.split(" "))
        .map((w) => [w, 1] as [string, number])
        .reduceByKey((a, b) => a + b)
        .count();
    await job(); // warm-up: starts executors, compiles code
    const t0 = performance.now();
    const distinct = await job();
    return { ms: performance.now() - t0, distinct };
  } finally {
    await sc.stop();
  }
}

// Rounds interleave the configurations and corpora and each keeps its best time, so a burst of
// load from elsewhere on the machine cannot penalise one configuration alone.
const results = corpora.map((c) => ({ ...c, bytes: statSync(c.path).size, loop: Infinity, one: Infinity, two: Infinity, distinct: -1 }));
for (let round = 0; round < RUNS; round++) {
  for (const r of results) {
    const t0 = performance.now();
    const n = handWritten(r.path);
    r.loop = Math.min(r.loop, performance.now() - t0);
    const one = await engine("local[1]", r.path);
    const two = await engine("local[2]", r.path);
    r.one = Math.min(r.one, one.ms);
    r.two = Math.min(r.two, two.ms);
    if (one.distinct !== n || two.distinct !== n) {
      throw new Error(`bench: distinct word counts disagree on the ${r.name}: loop ${n}, local[1] ${one.distinct}, local[2] ${two.distinct}`);
    }
    r.distinct = n;
  }
}

for (const r of results) {
  const mbps = (ms: number): string => ((r.bytes / 1024 / 1024) / (ms / 1000)).toFixed(1);
  console.log(`word count over the ${r.name}: ${(r.bytes / 1024 / 1024).toFixed(1)} MB (${r.distinct} distinct words), best of ${RUNS} interleaved rounds`);
  console.log(`  hand-written loop   ${r.loop.toFixed(0).padStart(6)} ms  ${mbps(r.loop).padStart(7)} MB/s`);
  console.log(`  local[1]            ${r.one.toFixed(0).padStart(6)} ms  ${mbps(r.one).padStart(7)} MB/s`);
  console.log(`  local[2]            ${r.two.toFixed(0).padStart(6)} ms  ${mbps(r.two).padStart(7)} MB/s`);
  console.log(`  local[2] / local[1] = ${(r.one / r.two).toFixed(2)}x   (target >= 1.60x)`);
  console.log(`  local[1] / loop     = ${(r.loop / r.one).toFixed(2)}x   (target >= 0.50x)`);
}
