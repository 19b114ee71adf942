#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof, or the inspector's Profiler.stop): self time by
// function and by file, so a benchmark's hot spots can be read without DevTools.
//   node scripts/cpuprofile-top.mjs FILE [N=30]
import { readFileSync } from "node:fs";

const [file, nArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/cpuprofile-top.mjs FILE.cpuprofile [N]");
  process.exit(2);
}
const top = Number(nArg ?? 30);
const p = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
// timeDeltas[i] is the time before samples[i]; the time a sample stands for is the next delta.
const self = new Map();
for (let i = 0; i < p.samples.length; i++) {
  const dt = p.timeDeltas[i + 1] ?? 0;
  self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const short = (url) => url.replace(/^file:\/\/.*?\/(src|bench|node_modules|test)\//, "$1/").replace(/^node:/, "node:");
const fns = new Map();
const files = new Map();
for (const [id, us] of self) {
  const cf = byId.get(id).callFrame;
  const where = cf.url ? short(cf.url) : "(native)";
  const fn = `${cf.functionName || "(anonymous)"}  ${where}${cf.url ? `:${cf.lineNumber + 1}` : ""}`;
  fns.set(fn, (fns.get(fn) ?? 0) + us);
  files.set(where, (files.get(where) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms`;
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
console.log(`\nself time by function (top ${top}):`);
for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
console.log(`\nself time by file (top ${Math.min(top, 20)}):`);
for (const [k, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, Math.min(top, 20))) console.log(`${pct(us)}  ${k}`);
