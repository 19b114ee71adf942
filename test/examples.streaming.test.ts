import { readFileSync } from "node:fs";
/**
 * Runs every streaming example as a user would (`npm run example -- <Name> ...`, in a child
 * process, outside the test runner) against real inputs: a loopback TCP server this test runs,
 * or a directory it moves files into. Each example is told to stop after a few seconds.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cluster, hdfsDir } from "./connectors/hdfs/cluster.js";
import { startExample } from "./helpers/exampleProcess.js";
import { move, put } from "./helpers/fileBase.js";

const DASHES = "-".repeat(43);

interface Batch {
  time: number;
  lines: string[];
}

/** Splits print() output into batches, checking Spark's layout: dashes, Time, dashes, elements, blank line. */
function parseBatches(stdout: string): Batch[] {
  const lines = stdout.split("\n");
  const batches: Batch[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i] === "" && i === lines.length - 1) break;
    assert.equal(lines[i], DASHES, `line ${i + 1} of the output should open a batch:\n${stdout}`);
    const m = /^Time: (\d+) ms$/.exec(lines[i + 1] ?? "");
    assert.ok(m, `line ${i + 2} should be "Time: <ms> ms":\n${stdout}`);
    assert.equal(lines[i + 2], DASHES);
    i += 3;
    const elements: string[] = [];
    while (i < lines.length && lines[i] !== "") elements.push(lines[i++]!);
    assert.equal(lines[i], "", "a batch ends with an empty line");
    i++;
    batches.push({ time: Number(m[1]), lines: elements });
  }
  for (let k = 1; k < batches.length; k++) assert.ok(batches[k]!.time > batches[k - 1]!.time, "batches print in time order");
  return batches;
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

/** A loopback server that sends `text` to every connection. */
async function serve(text: string): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
    s.once("close", () => sockets.delete(s));
    s.write(text);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("streaming examples", { concurrency: false }, () => {
  test("NetworkWordCount counts the words of each batch read from a socket", async () => {
    const server = await serve("to be or not to be\n");
    try {
      const { code, stdout, stderr } = await startExample(["NetworkWordCount", "127.0.0.1", String(server.port), "--seconds", "4"]).exited;
      assert.equal(code, 0, stderr);
      const batches = parseBatches(stdout);
      assert.ok(batches.length >= 2, stdout);
      const withData = batches.filter((b) => b.lines.length > 0);
      assert.equal(withData.length, 1, stdout);
      assert.deepEqual(sorted(withData[0]!.lines), ["(be,2)", "(not,1)", "(or,1)", "(to,2)"]);
    } finally {
      await server.close();
    }
  });

  test("NetworkWordCount with no hostname and port counts the bundled sample text from its own server", async () => {
    const { code, stdout, stderr } = await startExample(["NetworkWordCount", "--seconds", "4"]).exited;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /No hostname and port given: streaming the bundled sample text from 127\.0\.0\.1:\d+\./);
    assert.doesNotMatch(stderr, /reloading .* failed/);
    const vocabulary = new Set(readFileSync(new URL("../examples/data/sample.txt", import.meta.url), "utf8").split(/\s+/));
    const elements = parseBatches(stdout).flatMap((b) => b.lines).filter((l) => l !== "...");
    assert.ok(elements.length > 0, stdout);
    for (const e of elements) {
      const m = /^\(([a-z]+),(\d+)\)$/.exec(e);
      assert.ok(m && vocabulary.has(m[1]!) && Number(m[2]) > 0, `unexpected element ${e}`);
    }
  });

  test("StatefulNetworkWordCount keeps counting from its initial state", async () => {
    const server = await serve("hello dstream hello\n");
    try {
      const { code, stdout, stderr } = await startExample(["StatefulNetworkWordCount", "127.0.0.1", String(server.port), "--seconds", "4"]).exited;
      assert.equal(code, 0, stderr);
      const withData = parseBatches(stdout).filter((b) => b.lines.length > 0);
      assert.equal(withData.length, 1, stdout);
      // One output per word seen, with the count so far; "hello" started at 1.
      assert.deepEqual(sorted(withData[0]!.lines), ["(dstream,1)", "(hello,2)", "(hello,3)"]);
    } finally {
      await server.close();
    }
  });

  test("WindowedWordCount reports each batch's words in every window that covers it", async () => {
    const server = await serve("spark streaming spark\n");
    try {
      const { code, stdout, stderr } = await startExample(["WindowedWordCount", "127.0.0.1", String(server.port), "2", "1", "--seconds", "5"]).exited;
      assert.equal(code, 0, stderr);
      const withData = parseBatches(stdout).filter((b) => b.lines.length > 0);
      // A 2-second window sliding every second covers the batch with the data twice.
      assert.equal(withData.length, 2, stdout);
      for (const b of withData) assert.deepEqual(sorted(b.lines), ["(spark,2)", "(streaming,1)"]);
      assert.equal(withData[1]!.time - withData[0]!.time, 1000);
    } finally {
      await server.close();
    }
  });

  test("HdfsWordCount counts the words of files moved into its directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hdfs-word-count-"));
    try {
      const running = startExample(["HdfsWordCount", dir, "--seconds", "10"]);
      // Files older than the stream are ignored: move one in once the first batch has run.
      await waitFor(() => running.stdout().includes("Time: "), "the first batch");
      writeFileSync(join(dir, ".words.txt.tmp"), "a rose is a rose\n");
      renameSync(join(dir, ".words.txt.tmp"), join(dir, "words.txt"));
      const { code, stdout, stderr } = await running.exited;
      assert.equal(code, 0, stderr);
      const withData = parseBatches(stdout).filter((b) => b.lines.length > 0);
      assert.equal(withData.length, 1, stdout);
      assert.deepEqual(sorted(withData[0]!.lines), ["(a,2)", "(is,1)", "(rose,2)"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("HdfsWordCount reads from HDFS when given an hdfs:// path", async () => {
    const dir = hdfsDir("hdfs-word-count");
    const running = startExample(["HdfsWordCount", dir, "--seconds", "12", "--namenode-http", cluster().webhdfs]);
    await waitFor(() => running.stdout().includes("Time: "), "the first batch");
    put(`${dir}/.words.txt.tmp`, "a rose is a rose\n");
    move(`${dir}/.words.txt.tmp`, `${dir}/words.txt`);
    const { code, stdout, stderr } = await running.exited;
    assert.equal(code, 0, stderr);
    const withData = parseBatches(stdout).filter((b) => b.lines.length > 0);
    assert.equal(withData.length, 1, stdout);
    assert.deepEqual(sorted(withData[0]!.lines), ["(a,2)", "(is,1)", "(rose,2)"]);
  });

  test("TwitterPopularTags with no token ranks the hashtags of its loopback stand-in for X over 60 s and 10 s windows", async () => {
    const { code, stdout, stderr } = await startExample(["TwitterPopularTags", "--seconds", "5"], { X_BEARER_TOKEN: "" }).exited;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /No X_BEARER_TOKEN set: reading made-up tweets from a loopback stand-in for X at http:\/\/127\.0\.0\.1:\d+\./);
    for (const window of [60, 10]) {
      const lists = stdout.split(`Popular topics in last ${window} seconds`).slice(1).map((block) => block.split("\n").slice(1).filter((l) => l.startsWith("#")));
      assert.ok(lists.some((l) => l.length > 0), `a non-empty ${window} s list in:\n${stdout}`);
      for (const l of lists.flat()) assert.match(l, /^#[a-z]+ \(\d+ tweets\)$/);
    }
  });

  test("QueueStream counts each queued RDD of 1..1000 by last digit", async () => {
    const { code, stdout, stderr } = await startExample(["QueueStream", "--seconds", "3"]).exited;
    assert.equal(code, 0, stderr);
    const withData = parseBatches(stdout).filter((b) => b.lines.length > 0);
    assert.ok(withData.length >= 1, stdout);
    const expected = Array.from({ length: 10 }, (_, d) => `(${d},100)`);
    for (const b of withData) assert.deepEqual(sorted(b.lines), sorted(expected));
  });

  test("a network example with incomplete arguments prints its usage", async () => {
    // With no arguments at all, NetworkWordCount serves its own sample text (tested above).
    const { code, stderr } = await startExample(["NetworkWordCount", "localhost"]).exited;
    assert.equal(code, 1);
    assert.match(stderr, /Usage: NetworkWordCount \[<hostname> <port>\]/);
    const stateful = await startExample(["StatefulNetworkWordCount"]).exited;
    assert.equal(stateful.code, 1);
    assert.match(stateful.stderr, /Usage: StatefulNetworkWordCount <hostname> <port>/);
  });
});
