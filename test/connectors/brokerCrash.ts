/**
 * The kill-and-resume harness every broker input's crash test shares: the fixture
 * test/fixtures/brokerWalApp.ts consumes messages the broker already holds, is SIGKILLed while
 * records flow, and is resumed with getOrCreate, several times. Since each input acknowledges a
 * message only once its block is in the write-ahead log, the broker delivers again whatever a kill
 * left unacknowledged: in the end every message is in some batch's output, and nothing else is.
 * An input that deduplicates by id (`unique`) must also give each message once, although every
 * other kill lands just after a block is stored and before it is acknowledged; for the others,
 * duplicates are allowed (stored, then killed before the acknowledgement left).
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
export async function killMidStream(t: TestContext, connector: string, config: Record<string, string>, expected: readonly string[], options: { kills?: number; unique?: boolean } = {}): Promise<CrashRun> {
  const { kills = 3, unique = false } = options;
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
    if (unique && k % 2 === 0) await killBetweenStoreAndAck(app);
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
  const twice = all.length - want.size;
  t.diagnostic(`${twice} records were processed twice (stored, then killed before the acknowledgement)`);
  if (unique) assert.equal(twice, 0, `each message processed once; processed more than once: ${repeated(all).slice(0, 20).join(", ")}`);
  return { expected, output: all };
}

/** Asks the fixture to die right after its next block is stored, before the acknowledgement; SIGKILL if no block comes. */
async function killBetweenStoreAndAck(app: ChildApp): Promise<void> {
  app.signal("SIGUSR2");
  const timer = setTimeout(() => app.signal("SIGKILL"), 10_000);
  await app.exited;
  clearTimeout(timer);
}

function repeated(records: readonly string[]): string[] {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const r of records) (seen.has(r) ? out : seen).add(r);
  return [...out];
}
