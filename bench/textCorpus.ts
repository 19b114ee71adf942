import { mkdirSync, writeFileSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

/**
 * Generated English-like text: a fixed vocabulary drawn with a skewed (Zipf-like) distribution,
 * so word counting sees both hot keys and a long tail, as real text does. Deterministic by seed.
 */
export function corpusFile(megabytes: number, seed = 42): string {
  const dir = join(tmpdir(), "dstream-bench");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `corpus-${megabytes}mb-${seed}.txt`);
  if (existsSync(path) && statSync(path).size >= megabytes * 1024 * 1024) return path;
  let state = seed >>> 0 || 1;
  const rand = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
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
