import { mkdirSync, writeFileSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

/** xorshift32 in [0, 1): deterministic by seed, so a corpus file can be reused across runs. */
function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function benchDir(): string {
  const dir = join(tmpdir(), "dstream-bench");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Generated English-like text: a fixed vocabulary drawn with a skewed (Zipf-like) distribution,
 * so word counting sees both hot keys and a long tail, as real text does. Deterministic by seed.
 */
export function corpusFile(megabytes: number, seed = 42): string {
  const dir = benchDir();
  const path = join(dir, `corpus-${megabytes}mb-${seed}.txt`);
  if (existsSync(path) && statSync(path).size >= megabytes * 1024 * 1024) return path;
  const rand = xorshift(seed);
  const vocab: string[] = [];
  const letters = "abcdefghijklmnopqrstuvwxyz";
  for (let i = 0; i < 20000; i++) {
    let w = "";
    const len = 2 + Math.floor(rand() * 9);
    for (let j = 0; j < len; j++) w += letters[Math.floor(rand() * 26)];
    vocab.push(w);
  }
  const target = megabytes * 1024 * 1024;
  const chunks: string[] = [];
  let size = 0;
  while (size < target) {
    const words: string[] = [];
    const n = 5 + Math.floor(rand() * 15);
    for (let i = 0; i < n; i++) words.push(vocab[Math.floor(vocab.length * Math.pow(rand(), 3))]!);
    const line = words.join(" ") + "\n";
    chunks.push(line);
    size += line.length;
  }
  writeFileSync(path, chunks.join(""));
  return path;
}

/**
 * Zipf-distributed text (rank k drawn with probability ∝ 1/k) over a vocabulary of `distinct`
 * words, `wordsPerLine` words on every line: the shape of the held-out word count (about 6k
 * distinct words, 12-word lines), whose few very hot keys and short tail stress the shuffle's
 * combining differently from `corpusFile`'s. Deterministic by seed.
 */
export function zipfCorpusFile(megabytes: number, distinct = 6000, wordsPerLine = 12, seed = 7): string {
  const dir = benchDir();
  const path = join(dir, `zipf-${megabytes}mb-${distinct}w-${wordsPerLine}l-${seed}.txt`);
  if (existsSync(path) && statSync(path).size >= megabytes * 1024 * 1024) return path;
  const rand = xorshift(seed);
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const seen = new Set<string>();
  const vocab: string[] = [];
  while (vocab.length < distinct) {
    let w = "";
    const len = 2 + Math.floor(rand() * 9);
    for (let j = 0; j < len; j++) w += letters[Math.floor(rand() * 26)];
    if (!seen.has(w)) (seen.add(w), vocab.push(w));
  }
  // Shorter words are commoner, as in real text: rank the vocabulary by length.
  vocab.sort((a, b) => a.length - b.length);
  const cdf = new Float64Array(distinct);
  let sum = 0;
  for (let k = 0; k < distinct; k++) cdf[k] = sum += 1 / (k + 1);
  const draw = (): string => {
    const u = rand() * sum;
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return vocab[lo]!;
  };
  const target = megabytes * 1024 * 1024;
  const chunks: string[] = [];
  let size = 0;
  const words: string[] = new Array<string>(wordsPerLine);
  while (size < target) {
    for (let i = 0; i < wordsPerLine; i++) words[i] = draw();
    const line = words.join(" ") + "\n";
    chunks.push(line);
    size += line.length;
  }
  writeFileSync(path, chunks.join(""));
  return path;
}
