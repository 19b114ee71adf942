/**
 * Bahir's ZeroMQWordCount, run as a user would (`npm run example -- ZeroMQWordCount ...`, a child
 * process): against a real PUB peer of this test's (another child process), and with no
 * arguments against its own sample publisher.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { startExample } from "../../helpers/exampleProcess.js";
import { ZeroMQPeer } from "./peer.js";

let pub: ZeroMQPeer | undefined;
after(async () => pub?.kill());

/** Word → total count over every batch's `(word,n)` lines. */
function totals(stdout: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of stdout.matchAll(/^\(([^,]*),(\d+)\)$/gm)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + Number(m[2]));
  return counts;
}

test("ZeroMQWordCount counts the words of the messages published on its topic, and no other topic's", { timeout: 150_000 }, async () => {
  pub = await ZeroMQPeer.start("pub");
  const running = startExample(["ZeroMQWordCount", pub.endpoint, "roses", "--seconds", "120"]);
  await pub.subscribed("roses");
  await pub.send("roses", "a rose is a rose");
  await pub.send("tulips", "a tulip");
  await pub.send("roses", "is a rose");
  const want = new Map([["a", 3], ["rose", 3], ["is", 2]]);
  const deadline = Date.now() + 90_000;
  while ((totals(running.stdout()).get("rose") ?? 0) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  running.kill("SIGTERM");
  const { code, stdout, stderr } = await running.exited;
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^-{43}\nTime: \d+ ms\n-{43}\n/m, "print()'s layout");
  assert.deepEqual(totals(stdout), want, stdout);
});

test("ZeroMQWordCount with no URL and topic counts the words of its own sample publisher", { timeout: 150_000 }, async () => {
  const { code, stdout, stderr } = await startExample(["ZeroMQWordCount", "--seconds", "5"]).exited;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /No URL and topic given: subscribing to topic foo of a sample publisher at tcp:\/\/127\.0\.0\.1:\d+\./);
  const counts = totals(stdout);
  assert.ok(counts.size > 0, stdout);
  for (const word of counts.keys()) assert.ok(["words", "may", "count", "infinitely"].includes(word), `unexpected word ${word} in:\n${stdout}`);
  // "count infinitely" is one message: its two words always come together.
  assert.equal(counts.get("count"), counts.get("infinitely"), stdout);
});

test("ZeroMQWordCount with a URL and no topic prints its usage", async () => {
  const { code, stderr } = await startExample(["ZeroMQWordCount", "tcp://127.0.0.1:1234"]).exited;
  assert.equal(code, 1);
  assert.match(stderr, /^Usage: ZeroMQWordCount \[<zeroMqUrl> <topic>\]/m);
});
