/**
 * examples/RecoverableNetworkWordCount.ts, run as a user runs it (npm run example), killed with
 * SIGKILL and run again: it resumes from its checkpoint on the same one-second grid, runs the
 * batches it missed while down, keeps appending to its output file, and creates its broadcast
 * and accumulator afresh (they are not restored, as in Spark).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChildApp, waitUntil } from "./childApp.js";

/** A text source like `nc -lk`: every line sent goes to every connected client. */
class LineSource {
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((s) => {
    this.sockets.add(s);
    s.on("close", () => this.sockets.delete(s));
    s.on("error", () => undefined);
  });

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return (this.server.address() as { port: number }).port;
  }

  get connections(): number {
    return this.sockets.size;
  }

  send(line: string): void {
    for (const s of this.sockets) s.write(line + "\n");
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

function outputLines(file: string): Array<{ time: number; counts: string }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => {
      const m = /^Counts at time (\d+) ms \[(.*)\]$/.exec(l);
      assert.ok(m, `an output line in Spark's format: ${l}`);
      return { time: Number(m[1]), counts: m[2]! };
    });
}

test("RecoverableNetworkWordCount resumes after SIGKILL on the same grid, appending to its output", { timeout: 180_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), "dstream-rnwc-"));
  const source = new LineSource();
  const port = await source.listen();
  const checkpoint = join(work, "checkpoint");
  const output = join(work, "out.txt");
  const run = (): ChildApp => new ChildApp("examples/run.ts", ["RecoverableNetworkWordCount", "127.0.0.1", String(port), checkpoint, output]);
  let app = run();
  t.after(async () => {
    await app.kill("SIGKILL");
    await source.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Sends `line` until a batch has counted `word` (data sent before the receiver connects is not received). */
  const feedUntilCounted = async (line: string, word: string): Promise<void> => {
    await waitUntil(() => (source.connections > 0 ? true : undefined), 60_000, "the receiver connects");
    await waitUntil(
      () => {
        if (outputLines(output).some((o) => o.counts.includes(`(${word},`))) return true;
        source.send(line);
        return undefined;
      },
      60_000,
      `a batch counts '${word}'`,
      300,
    );
  };

  await feedUntilCounted("hello world hello a", "hello");
  await app.waitForLine((l) => /^Dropped [1-9]\d* word\(s\) totally$/.test(l), 30_000, "the excluded word 'a' to be counted as dropped");
  const beforeKill = outputLines(output);
  await app.kill("SIGKILL");
  const killedAt = Date.now();

  app = run();
  // Nothing is sent until the resumed application has run a batch, so that batch's drop count
  // can only come from a restored accumulator.
  await app.waitForLine((l) => l.startsWith("Dropped "), 60_000, "the first batch after the restart");
  await feedUntilCounted("again and again b", "again");
  const after = outputLines(output);
  assert.deepEqual(after.slice(0, beforeKill.length), beforeKill, "the output file is appended to, not replaced, when the application resumes");
  const times = [...new Set(after.map((o) => o.time))].sort((a, b) => a - b);
  for (const time of times) assert.equal(time % 1000, 0, "batches are on the one-second grid");
  for (let i = 1; i < times.length; i++) {
    assert.equal(times[i]! - times[i - 1]!, 1000, `no batch is missing between ${times[i - 1]} and ${times[i]}: the batches missed while down ran on recovery`);
  }
  assert.ok(times.at(-1)! > killedAt, "batches after the restart were appended");
  assert.ok(after.every((o) => !/\((a|b|c),/.test(o.counts)), "excluded words never appear in the counts");
  // The accumulator is not restored: the resumed application counts drops from zero.
  const dropped = app.lines.filter((l) => l.startsWith("Dropped ")).map((l) => Number(/\d+/.exec(l)![0]));
  assert.equal(dropped[0], 0, `the first batch after the restart reports no drops: ${dropped.join(", ")}`);
  assert.ok(dropped.at(-1)! >= 1, "then 'b' is dropped");
  assert.match(app.lines.find((l) => l.startsWith("Appending to"))!, new RegExp(`^Appending to ${output}$`));
});
