/**
 * Shared by the socket benchmarks: a feeder that serves a corpus file's lines over TCP at a fixed
 * rate, from a thread of its own so that pacing does not wait on the benchmark's event loop.
 */
import { Worker } from "node:worker_threads";

/** The feeder: a TCP server in its own thread writing corpus lines at `rate` lines/s, paced every 5 ms. */
const feederSource = `
const { parentPort, workerData } = require("node:worker_threads");
const net = require("node:net");
const fs = require("node:fs");
const text = fs.readFileSync(workerData.corpus);
const starts = [0];
for (let i = 0; i < text.length; i++) if (text[i] === 10) starts.push(i + 1);
const lines = starts.length - 1;
const rate = workerData.rate;
const server = net.createServer((socket) => {
  socket.setNoDelay(false);
  socket.on("error", () => {});
  const t0 = performance.now();
  let sent = 0;
  let next = 0;
  let blocked = false;
  const tick = () => {
    if (blocked) return;
    const due = Math.floor((rate * (performance.now() - t0)) / 1000) - sent;
    let n = Math.min(due, rate); // never more than a second's worth in one write
    while (n > 0) {
      const take = Math.min(n, lines - next);
      const chunk = text.subarray(starts[next], starts[next + take]);
      next = (next + take) % lines;
      sent += take;
      n -= take;
      if (!socket.write(chunk)) {
        blocked = true;
        socket.once("drain", () => { blocked = false; });
        break;
      }
    }
  };
  const timer = setInterval(tick, 5);
  socket.once("close", () => clearInterval(timer));
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
parentPort.on("message", () => {
  let cpuMs = NaN;
  try {
    const stat = fs.readFileSync("/proc/thread-self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    cpuMs = ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {}
  parentPort.postMessage({ cpuMs });
  server.close(() => process.exit(0));
});
`;

export function startFeeder(corpus: string, rate: number): Promise<{ port: number; stop(): Promise<number> }> {
  const worker = new Worker(feederSource, { eval: true, workerData: { corpus, rate } });
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", (port: number) =>
      resolve({
        port,
        /** Stops the feeder; resolves to the CPU milliseconds its thread used. */
        stop: async () => {
          const cpu = new Promise<number>((r) => worker.once("message", (m: { cpuMs: number }) => r(m.cpuMs)));
          worker.postMessage("stop");
          const cpuMs = await Promise.race([cpu, new Promise<number>((r) => setTimeout(() => r(NaN), 2000))]);
          await worker.terminate();
          return cpuMs;
        },
      }),
    );
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
