/**
 * The push model with the write-ahead log, killed mid-stream: a real agent (sequence source,
 * file channel, Avro sink) pushes to test/fixtures/flumePushWalApp.ts, which is SIGKILLed while
 * events flow and resumed with getOrCreate on the same port. The receiver answers OK only once a
 * batch is in the log, so every event the agent saw acknowledged (all of them, at the end) must
 * appear in some batch's output; duplicates are allowed (stored, then killed before OK).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChildApp, waitUntil } from "../../streaming/recovery/childApp.js";
import { FlumeAgent, freePort } from "./agent.js";
import { range } from "./support.js";

const N = 3000;
const KILLS = 3;

function processed(dir: string): string[] {
  return readdirSync(dir).filter((n) => /^\d+\.json$/.test(n)).flatMap((n) => JSON.parse(readFileSync(join(dir, n), "utf8")) as string[]);
}

test("killing the application mid-stream with the WAL on loses no acknowledged event", { timeout: 300_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), "dstream-flume-wal-"));
  const output = join(work, "out");
  mkdirSync(output);
  const port = await freePort();
  const start = (): ChildApp => new ChildApp("test/fixtures/flumePushWalApp.ts", [String(port), output, join(work, "cp")]);
  let app = start();
  let agent: FlumeAgent | undefined;
  t.after(async () => {
    await app.kill("SIGKILL");
    await agent?.stop();
    rmSync(work, { recursive: true, force: true });
  });
  await app.waitForLine((l) => l === "STARTED", 60_000, "the application to start");
  agent = await FlumeAgent.start("push-wal", `
push-wal.sources = seq
push-wal.channels = c
push-wal.sinks = avro
push-wal.sources.seq.type = seq
push-wal.sources.seq.totalEvents = ${N}
push-wal.sources.seq.batchSize = 20
push-wal.sources.seq.channels = c
push-wal.channels.c.type = file
push-wal.channels.c.checkpointDir = $DIR/checkpoint
push-wal.channels.c.dataDirs = $DIR/data
push-wal.sinks.avro.type = avro
push-wal.sinks.avro.channel = c
push-wal.sinks.avro.hostname = 127.0.0.1
push-wal.sinks.avro.port = ${port}
push-wal.sinks.avro.batch-size = 20
`);
  const delivered = async (): Promise<number> => Number((await agent!.metrics())["SINK.avro"]?.EventDrainSuccessCount ?? 0);
  const kills: string[] = [];
  for (let k = 0; k < KILLS; k++) {
    // Kill while events flow: after a batch with records, at some point within the next batches.
    await app.waitForLine((l) => /^BATCH \d+ [1-9]/.test(l) && !kills.includes(l), 60_000, "a batch with records");
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 400)));
    const acked = await delivered();
    assert.equal((await app.kill("SIGKILL")).signal, "SIGKILL", `the application ended on its own:\n${app.stderr.slice(-2000)}`);
    kills.push(`${acked} acknowledged`);
    if (acked >= N) break;
    app = start();
    await app.waitForLine((l) => l === "STARTED", 60_000, "the application to restart");
  }
  t.diagnostic(`killed at: ${kills.join("; ")}`);
  if (app.hasExited) {
    app = start();
    await app.waitForLine((l) => l === "STARTED", 60_000, "the last life to start");
  }
  await agent.waitForMetrics((m) => (Number(m["SINK.avro"]?.EventDrainSuccessCount) === N ? true : undefined), 180_000, `the agent saw all ${N} events acknowledged`);
  await waitUntil(() => (new Set(processed(output)).size >= N ? true : undefined), 60_000, "every acknowledged event is processed");
  const seen = new Set(processed(output));
  for (const s of range(N)) assert.ok(seen.has(s), `acknowledged event ${s} was processed`);
  assert.equal(seen.size, N, "nothing but the agent's events");
  t.diagnostic(`${processed(output).length - N} events were processed twice (stored, then killed before OK reached the agent)`);
});
