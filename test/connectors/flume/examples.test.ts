/**
 * Spark's two Flume examples, FlumeEventCount (push) and FlumePollingEventCount (pull), run as a
 * user would (`npm run example -- <Name> ...`, a child process) against real Flume 1.11 agents:
 * one of this file's own, whose netcat source is replicated into an Avro sink that pushes to the
 * push example and a SparkSink the polling example polls, and, with no arguments, the default
 * agent of `bash scripts/flume.sh start`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startExample, type Running } from "../../helpers/exampleProcess.js";
import { FlumeAgent, freePort } from "./agent.js";
import { range, sendLines } from "./support.js";

const netcatPort = await freePort();
const pushPort = await freePort();
const sinkPort = await freePort();
const agent = await FlumeAgent.start("examples-test", `
examples-test.sources = lines
examples-test.channels = push pull
examples-test.sinks = avro spark
examples-test.sources.lines.type = netcat
examples-test.sources.lines.bind = 127.0.0.1
examples-test.sources.lines.port = ${netcatPort}
examples-test.sources.lines.channels = push pull
examples-test.channels.push.type = file
examples-test.channels.push.checkpointDir = $DIR/push/checkpoint
examples-test.channels.push.dataDirs = $DIR/push/data
examples-test.channels.pull.type = file
examples-test.channels.pull.checkpointDir = $DIR/pull/checkpoint
examples-test.channels.pull.dataDirs = $DIR/pull/data
examples-test.sinks.avro.type = avro
examples-test.sinks.avro.channel = push
examples-test.sinks.avro.hostname = 127.0.0.1
examples-test.sinks.avro.port = ${pushPort}
examples-test.sinks.spark.type = org.apache.spark.streaming.flume.sink.SparkSink
examples-test.sinks.spark.channel = pull
examples-test.sinks.spark.hostname = 127.0.0.1
examples-test.sinks.spark.port = ${sinkPort}
`);
test.after(() => agent.stop());

/** The sum of the example's "Received N flume events." lines, checking that they come in print()'s batches. */
function received(stdout: string): number {
  let sum = 0;
  for (const m of stdout.matchAll(/^Received (\d+) flume events\.$/gm)) sum += Number(m[1]);
  return sum;
}

/** Runs the example until it has counted at least `n` events, then stops it with SIGTERM, as Ctrl-C would. */
async function countUntil(running: Running, n: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const deadline = Date.now() + 90_000;
  while (received(running.stdout()) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  running.kill("SIGTERM");
  return running.exited;
}

test("FlumeEventCount counts the events a Flume agent's Avro sink pushes to it, each once", { timeout: 150_000 }, async () => {
  // Sent before the example listens: the Avro sink holds them in its file channel and retries.
  await sendLines(netcatPort, range(25, "push"));
  const { code, stdout, stderr } = await countUntil(startExample(["FlumeEventCount", "127.0.0.1", String(pushPort), "--seconds", "120"]), 25);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^-{43}\nTime: \d+ ms\n-{43}\nReceived \d+ flume events\.\n/m, "print()'s layout");
  assert.equal(received(stdout), 25, stdout);
});

test("FlumePollingEventCount counts the events it pulls from the agent's SparkSink, each once", { timeout: 150_000 }, async () => {
  const { code, stdout, stderr } = await countUntil(startExample(["FlumePollingEventCount", "127.0.0.1", String(sinkPort), "--seconds", "120"]), 25);
  assert.equal(code, 0, stderr);
  assert.equal(received(stdout), 25, stdout);
});

test("with no host and port, the examples use the default agent of scripts/flume.sh", { timeout: 150_000 }, async () => {
  await promisify(execFile)("bash", ["scripts/flume.sh", "status"]).catch((e: { stderr?: string }) => {
    throw new Error(`the default Flume agent is not running; start it with: bash scripts/flume.sh start\n${e.stderr ?? ""}`);
  });
  const pulling = startExample(["FlumePollingEventCount", "--seconds", "120"]);
  const pushed = startExample(["FlumeEventCount", "--seconds", "120"]);
  // The default agent replicates its netcat source (127.0.0.1:44444) to both sinks. Other users
  // of that agent may have left events in its channels: count at least ours.
  await sendLines(44444, range(5, "default"));
  for (const [name, running, address] of [["FlumePollingEventCount", pulling, "polling the SparkSink at 127.0.0.1:41415"], ["FlumeEventCount", pushed, "listening on 127.0.0.1:41414"]] as const) {
    const { code, stdout, stderr } = await countUntil(running, 5);
    assert.equal(code, 0, `${name}: ${stderr}`);
    assert.ok(stderr.includes(`No host and port given: ${address}`), stderr);
    assert.ok(received(stdout) >= 5, `${name}: ${stdout}`);
  }
});

test("a Flume example with one argument prints its usage", async () => {
  for (const name of ["FlumeEventCount", "FlumePollingEventCount"]) {
    const { code, stderr } = await startExample([name, "localhost"]).exited;
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`^Usage: ${name} \\[<host> <port>\\]`, "m"));
  }
});
