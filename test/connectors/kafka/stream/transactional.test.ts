/**
 * Kafka → Kafka exactly once (KafkaSink.writeTransactional). In process: each batch's output
 * and input offsets commit together, a failed batch commits neither, a restart resumes from the
 * committed offsets. Then the real thing: the application runs as a child process, is killed
 * with SIGKILL at random points of its progress (inside and between transactions), and is
 * restarted each time; a read_committed consumer of the output sees every input's result once.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  ConsumerStrategies,
  KafkaClients,
  KafkaSink,
  KafkaUtils,
  LocationStrategies,
  type ProducerRecord,
} from "../../../../src/connectors/kafka/index.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "../broker.js";
import { MASTERS, streamParams, suiteContext, withStreaming } from "./support.js";

const broker = useBroker();
const root = fileURLToPath(new URL("../../../..", import.meta.url));

/**
 * Every committed record of `topic` as [key, value], read with isolation.level=read_committed.
 * With `openTransaction: "allowed"` a transaction left open by a killed run may hold the last
 * stable offset back: what is committed before it is read. Otherwise no transaction may stay open.
 */
async function readCommitted(topic: string, partitions: number, openTransaction: "allowed" | "refused" = "refused"): Promise<Array<[string, string]>> {
  const consumer = KafkaClients.consumer({ "bootstrap.servers": BOOTSTRAP, "group.id": "tx-test-reader", "isolation.level": "read_committed", "fetch.max.wait.ms": 50 });
  try {
    const out: Array<[string, string]> = [];
    for (let p = 0; p < partitions; p++) {
      // The coordinator writes commit markers after commitTransaction returns: until they land,
      // the last stable offset lags the log's end. Wait until no transaction is open.
      const tp = [{ topic, partition: p }];
      let [end] = await broker.admin.endOffsets(tp, "read_committed");
      let [high] = await broker.admin.endOffsets(tp, "read_uncommitted");
      const waitUntil = Date.now() + (openTransaction === "allowed" ? 5_000 : 60_000);
      while (end!.offset !== high!.offset && Date.now() < waitUntil) {
        await new Promise((r) => setTimeout(r, 25));
        [end] = await broker.admin.endOffsets(tp, "read_committed");
        [high] = await broker.admin.endOffsets(tp, "read_uncommitted");
      }
      assert.ok(openTransaction === "allowed" || end!.offset === high!.offset, `${topic}-${p}: a transaction is still open (last stable offset ${end!.offset}, log end ${high!.offset})`);
      consumer.assign([{ topic, partition: p }]);
      const records = await consumer.fetchRange({ topic, partition: p }, 0, end!.offset, { timeoutMs: 20_000 });
      for (const r of records) out.push([String(r.key), String(r.value)]);
    }
    return out;
  } finally {
    await consumer.close();
  }
}

/** Sums the values of each key. */
function totals(records: ReadonlyArray<[string, string]>): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, v] of records) m.set(k, (m.get(k) ?? 0) + Number(v));
  return m;
}

const WORDS = ["apple", "banana", "cherry", "date", "elder", "fig", "grape"];

/** Input record i: "r<i>" followed by 1–3 words, deterministic. */
function inputLine(i: number): string {
  const n = 1 + (i % 3);
  return [`r${i}`, ...Array.from({ length: n }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]!)].join(" ");
}

function expectedWordCounts(ids: readonly number[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of ids) for (const w of inputLine(i).split(" ").slice(1)) m.set(`w:${w}`, (m.get(`w:${w}`) ?? 0) + 1);
  return m;
}

/** Asserts the committed output holds every id exactly once with value 1, and exact word totals. */
function assertExactlyOnce(output: ReadonlyArray<[string, string]>, ids: readonly number[]): void {
  const idRecords = output.filter(([k]) => k.startsWith("id:"));
  const counts = new Map<string, number>();
  for (const [k, v] of idRecords) {
    assert.equal(v, "1", `${k} has value ${v}`);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const duplicated = [...counts].filter(([, c]) => c > 1).map(([k]) => k);
  const missing = ids.map((i) => `id:r${i}`).filter((k) => !counts.has(k));
  assert.deepEqual(
    { duplicated: duplicated.slice(0, 10), duplicatedCount: duplicated.length, missing: missing.slice(0, 10), missingCount: missing.length },
    { duplicated: [], duplicatedCount: 0, missing: [], missingCount: 0 },
  );
  assert.equal(counts.size, ids.length);
  const words = new Map([...totals(output)].filter(([k]) => k.startsWith("w:")));
  assert.deepEqual(new Map([...words].sort()), new Map([...expectedWordCounts(ids)].sort()));
}

const lines = (topic: string, partitions: number, from: number, to: number): ProducerRecord[] =>
  Array.from({ length: to - from }, (_, k) => ({ topic, partition: (from + k) % partitions, value: inputLine(from + k) }));

for (const master of MASTERS) {
  describe(`KafkaSink.writeTransactional [${master}]`, () => {
    const sc = suiteContext(master);

    it("commits each batch's output with its input offsets; a restart resumes from them with no duplicate", async () => {
      const input = await broker.createTopic(uniqueTopic("tx-in"), 2);
      const output = await broker.createTopic(uniqueTopic("tx-out"), 2);
      const params = streamParams({ "isolation.level": "read_committed" });
      const txid = uniqueTopic("txid");
      const app = (ssc: Parameters<Parameters<typeof withStreaming>[1]>[0]["ssc"]) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([input], params));
        const results = stream
          .flatMap((r) => {
            const [id, ...words] = r.value.split(" ");
            return [[`id:${id}`, 1] as [string, number], ...words.map((w) => [`w:${w}`, 1] as [string, number])];
          })
          .reduceByKey((a, b) => a + b);
        return KafkaSink.writeTransactional(results, output, { kafkaParams: { "bootstrap.servers": BOOTSTRAP }, transactionalId: txid, serializer: ([k, n]) => ({ key: k, value: String(n) }) });
      };
      await broker.produce(lines(input, 2, 0, 30));
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const writer = app(ssc);
        ssc.start();
        await clock.advance(1000);
        await broker.produce(lines(input, 2, 30, 50));
        await clock.advance(1000);
        await clock.advance(1000); // nothing new: no transaction at all
        assert.equal(writer.committedBatches, 2);
      });
      assert.deepEqual(await broker.admin.listConsumerGroupOffsets(params["group.id"]), [
        { topic: input, partition: 0, offset: 25 },
        { topic: input, partition: 1, offset: 25 },
      ]);
      await broker.produce(lines(input, 2, 50, 60));
      await withStreaming(sc(), async ({ ssc, clock }) => {
        app(ssc);
        ssc.start();
        await clock.advance(1000);
      });
      assertExactlyOnce(await readCommitted(output, 2), Array.from({ length: 60 }, (_, i) => i));
    });

    it("a batch that fails commits neither its output nor its offsets, and later batches refuse to skip it", async () => {
      const input = await broker.createTopic(uniqueTopic("tx-fail-in"), 1);
      const output = await broker.createTopic(uniqueTopic("tx-fail-out"), 1);
      const params = streamParams({ "isolation.level": "read_committed" });
      await broker.produce(lines(input, 1, 0, 5));
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([input], params));
        KafkaSink.writeTransactional(
          stream.map((r) => r.value),
          output,
          {
            kafkaParams: { "bootstrap.servers": BOOTSTRAP },
            transactionalId: uniqueTopic("txid"),
            serializer: (v) => {
              if (v.startsWith("r6 ")) throw new Error("cannot serialize r6");
              return v;
            },
          },
        );
        ssc.start();
        await clock.advance(1000);
        await broker.produce(lines(input, 1, 5, 10));
        await clock.advance(1000);
        await assert.rejects(ssc.awaitTerminationOrTimeout(0), /cannot serialize r6/);
        await broker.produce(lines(input, 1, 10, 12));
        await clock.advance(1000);
      });
      assert.deepEqual(await broker.admin.listConsumerGroupOffsets(params["group.id"]), [{ topic: input, partition: 0, offset: 5 }]);
      assert.deepEqual(
        (await readCommitted(output, 1)).map(([, v]) => v.split(" ")[0]),
        ["r0", "r1", "r2", "r3", "r4"],
      );
    });
  });
}

describe("KafkaSink.writeTransactional: settings checked where it is defined", () => {
  const sc = suiteContext("local[1]");

  it("needs a Kafka direct stream with a group.id, and a transactionalId", async () => {
    await withStreaming(sc(), async ({ ssc }) => {
      const kafkaParams = { "bootstrap.servers": BOOTSTRAP };
      assert.throws(() => KafkaSink.writeTransactional(ssc.queueStream([["a"]]), "out", { kafkaParams, transactionalId: "x" }), /not computed from a Kafka direct stream/);
      const { "group.id": _g, ...noGroup } = streamParams();
      const anonymous = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(["t"], noGroup));
      assert.throws(() => KafkaSink.writeTransactional(anonymous, "out", { kafkaParams, transactionalId: "x" }), /Kafka 0\.10 direct stream \[\d+\] has no group\.id/);
      const stream = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(["t"], streamParams()));
      assert.throws(() => KafkaSink.writeTransactional(stream, "out", { kafkaParams }), /a transactionalId is required/);
      assert.throws(() => KafkaSink.writeTransactional(stream, "out", { kafkaParams: { "bootstrap.servers": "nohost" }, transactionalId: "x" }), /Invalid url in bootstrap\.servers: nohost/);
    });
  });
});

/** The sink's debug lines that mark a batch's progress through its transaction. */
const PHASES = ["collected", "began transaction", "sent records", "sent offsets", "committed transaction"] as const;
type Phase = (typeof PHASES)[number];
type KillPlan = { kind: "phase"; phase: Phase; occurrence: number } | { kind: "time"; afterMs: number };

function phaseOf(line: string): Phase | undefined {
  const m = /transactional sink .*: batch \d+ ms: (collected|began transaction|sent \d+ records|sent offsets|committed transaction)/.exec(line);
  if (!m) return undefined;
  return (m[1]!.startsWith("sent ") && !m[1]!.startsWith("sent offsets") ? "sent records" : m[1]) as Phase;
}

interface AppRun {
  /** Resolves with how the child ended. */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
  readonly committed: () => number;
}

function startApp(args: readonly string[], onPhase: (phase: Phase, run: AppRun) => void, guardMs = 300_000): AppRun {
  const env: NodeJS.ProcessEnv = { ...process.env, DSTREAM_LOG_LEVEL: "debug" };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/kafkaTransactionalApp.ts", ...args], { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  let pending = "";
  let committed = 0;
  const run: AppRun = {
    ended: new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal, stderr }))),
    kill: () => void child.kill("SIGKILL"),
    committed: () => committed,
  };
  // A hang guard for a run that never reaches its planned kill: SIGTERM, which the test does not
  // count as a planned kill. Generous, since a loaded machine is slow to start the application.
  if (Number.isFinite(guardMs)) {
    const guard = setTimeout(() => child.kill("SIGTERM"), guardMs);
    void run.ended.then(() => clearTimeout(guard));
  }
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    pending += d;
    const parts = pending.split("\n");
    pending = parts.pop()!;
    for (const line of parts) {
      const phase = phaseOf(line);
      if (phase === "committed transaction") committed++;
      if (phase) onPhase(phase, run);
    }
  });
  return run;
}

describe("Kafka → Kafka exactly once across SIGKILLs (child process)", () => {
  it("a read_committed consumer of the output sees every input's result exactly once", async (t) => {
    const partitions = 3;
    const total = 6000;
    const input = await broker.createTopic(uniqueTopic("eo-in"), partitions);
    const output = await broker.createTopic(uniqueTopic("eo-out"), 2);
    await broker.produce(lines(input, partitions, 0, total));
    const group = uniqueTopic("eo-group");
    // 40 records per partition per 250 ms batch: 50 batches to read everything, far more than the kills leave behind.
    const args = ["--brokers", BOOTSTRAP, "--input", input, "--output", output, "--group", group, "--txid", uniqueTopic("eo-tx"), "--batch-ms", "250", "--rate", "160"];
    // Every phase of a transaction at least once, then random ones; each at a random occurrence.
    const phases = [...PHASES].sort(() => Math.random() - 0.5);
    const plans: KillPlan[] = [
      ...phases.map((phase): KillPlan => ({ kind: "phase", phase, occurrence: 1 + Math.floor(Math.random() * 3) })),
      { kind: "time", afterMs: 200 + Math.floor(Math.random() * 1500) },
      { kind: "phase", phase: PHASES[Math.floor(Math.random() * PHASES.length)]!, occurrence: 1 + Math.floor(Math.random() * 2) },
    ];
    const log: string[] = [];
    for (const plan of plans) {
      let seen = 0;
      let killed = false;
      let timer: NodeJS.Timeout | undefined;
      const run = startApp(args, (phase, r) => {
        if (killed) return;
        if (plan.kind === "time") {
          if (timer === undefined && phase === "collected") timer = setTimeout(() => ((killed = true), r.kill()), plan.afterMs);
        } else if (phase === plan.phase && ++seen === plan.occurrence) {
          killed = true;
          r.kill();
        }
      });
      const end = await run.ended;
      clearTimeout(timer);
      log.push(`${JSON.stringify(plan)}: ${run.committed()} batch(es) committed, then ${end.signal ?? `exit ${end.code}`}`);
      assert.equal(end.signal, "SIGKILL", `the app was killed as planned (${JSON.stringify(plan)}), not ended by itself:\n${end.stderr.slice(-3000)}`);
    }
    // The last run left a transaction open, so the group's offsets are unstable until the next
    // run fences it; the committed output up to it shows how far the runs got.
    const progress = new Set((await readCommitted(output, 2, "allowed")).filter(([k]) => k.startsWith("id:")).map(([k]) => k)).size;
    assert.ok(progress > 0 && progress < total, `the kills fell in the middle of the stream (${progress} of ${total} inputs committed):\n${log.join("\n")}`);
    // A last run reads the rest; it ends when the group's committed offsets reach the input's end.
    // How long that takes depends on the machine's load: it fails only if the offsets stop moving.
    const final = startApp(args, () => undefined, Infinity);
    try {
      const ends = await broker.admin.endOffsets(Array.from({ length: partitions }, (_, p) => ({ topic: input, partition: p })));
      const target = ends.reduce((n, e) => n + e.offset, 0);
      let reached = -1;
      let movedAt = Date.now();
      for (;;) {
        // Unstable while a batch's transaction is open: asked again a moment later.
        const committed = await broker.admin.listConsumerGroupOffsets(group).catch(() => []);
        const sum = committed.reduce((n, c) => n + c.offset, 0);
        if (committed.length === partitions && sum === target) break;
        if (sum > reached) [reached, movedAt] = [sum, Date.now()];
        const exited = await Promise.race([final.ended, new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]);
        assert.equal(exited, undefined, `the last run ended by itself before reading everything (${reached} of ${target}):\n${exited?.stderr.slice(-3000)}`);
        assert.ok(Date.now() - movedAt < 120_000, `the group's offsets of ${input} stopped at ${reached} of ${target} for 2 minutes`);
      }
    } finally {
      final.kill();
      await final.ended;
    }
    t.diagnostic(`${input} → ${output}, kills: ${log.join("; ")}`);
    assertExactlyOnce(await readCommitted(output, 2), Array.from({ length: total }, (_, i) => i));
  });
});
