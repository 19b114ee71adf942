/**
 * The kill-and-resume harness every broker input's crash test shares: the fixture
 * test/fixtures/brokerWalApp.ts consumes messages the broker already holds, is SIGKILLed while
 * records flow, and is resumed with getOrCreate, several times. Since each input acknowledges a
 * message only once its block is in the write-ahead log, the broker delivers again whatever a kill
 * left unacknowledged: in the end every message is in some batch's output, duplicates allowed
 * (stored, then killed before the acknowledgement left), and nothing else is.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { ChildApp, waitUntil } from "../streaming/recovery/childApp.js";

export function processed(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^\d+\.json$/.test(n))
    .flatMap((n) => JSON.parse(readFileSync(join(dir, n), "utf8")) as string[]);
}

export interface CrashRun {
  /** Every record the output must hold, once each after deduplication. */
  readonly expected: readonly string[];
  /** The output's records in batch order, duplicates included. */
  readonly output: readonly string[];
}

/**
 * Runs the fixture for `connector` with `config` and kills it `kills` times once batches carry
 * records; `expected` is what the broker holds (published before or while it runs).
 */
export async function killMidStream(t: TestContext, connector: string, config: Record<string, string>, expected: readonly string[], kills = 3): Promise<CrashRun> {
  const work = mkdtempSync(join(tmpdir(), `dstream-${connector}-wal-`));
  const output = join(work, "out");
  mkdirSync(output);
  const start = (): ChildApp => new ChildApp("test/fixtures/brokerWalApp.ts", [connector, output, join(work, "cp"), JSON.stringify(config)]);
  let app = start();
  t.after(async () => {
    await app.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });
  const want = new Set(expected);
  const seen = (): Set<string> => new Set(processed(output));
  const done = (): boolean => {
    const s = seen();
    return expected.every((r) => s.has(r));
  };
  const killedAt: number[] = [];
  for (let k = 0; k < kills; k++) {
    await app.waitForLine((l) => /^BATCH \d+ [1-9]/.test(l), 60_000, "a batch with records");
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 400)));
    assert.equal((await app.kill("SIGKILL")).signal, "SIGKILL", `the application ended on its own:\n${app.stderr.slice(-2000)}`);
    killedAt.push(seen().size);
    if (done()) break;
    app = start();
  }
  t.diagnostic(`killed with ${killedAt.join(", ")} distinct records processed`);
  if (app.hasExited) app = start();
  await waitUntil(() => (done() ? true : undefined), 120_000, `every one of the ${want.size} messages is processed`);
  await app.kill("SIGTERM");
  const all = processed(output);
  const distinct = new Set(all);
  for (const r of expected) assert.ok(distinct.has(r), `message ${r} was processed`);
  assert.equal(distinct.size, want.size, "nothing but the broker's messages");
  t.diagnostic(`${all.length - want.size} records were processed twice (stored, then killed before the acknowledgement)`);
  return { expected, output: all };
}
