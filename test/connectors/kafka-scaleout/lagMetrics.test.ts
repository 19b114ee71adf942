/**
 * A copy's /metrics has its consumer lag per input partition, its tasks and its group
 * generation, and the REST API's streaming/sources and the Streaming page's card say the same: the lag is there for every
 * partition of its tasks, never negative, above 0 while rate-limited input waits, and 0 once
 * the input is drained. A word count copy has the lag of its repartition partitions too.
 * In-process, with real clients: the lag follows the end offsets while no batch commits, leaves
 * out the repartition markers, and a broker that stops answering leaves the last lag, with its age.
 */
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { KafkaClients, type KafkaAdminClient } from "../../../src/connectors/kafka/index.js";
import { ScaleOutMetrics } from "../../../src/connectors/kafka-scaleout/index.js";
import { MARKER_HEADER, TIME_HEADER } from "../../../src/connectors/kafka-scaleout/RepartitionReader.js";
import { parsePrometheus, type PromSample } from "../../ui/support.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "../kafka/broker.js";
import { eventually, startCopy, wordLines, type Copy } from "./copies.js";

const broker = useBroker();
const LAG = "dstream_scaleout_consumer_lag_records";

async function scrape(url: string): Promise<PromSample[]> {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  return parsePrometheus(await res.text()).samples;
}

describe("KafkaScaleOut lag in /metrics (the copy is a child process)", () => {
  it("per-partition lag, tasks and generation; the lag reaches 0 once the input is drained", async () => {
    const partitions = 4;
    const input = await broker.createTopic(uniqueTopic("so-lag-in"), partitions);
    const output = await broker.createTopic(uniqueTopic("so-lag-out"), 2);
    let copy: Copy | undefined;
    try {
      copy = startCopy({ app: uniqueTopic("so-lag-app"), instance: "a", input, output, extra: ["--rate", "10"] });
      const report = await copy.report;
      const url = await copy.ui;
      // 10 records per partition per second: 80 per partition wait for about 8 s.
      await broker.produce(Array.from({ length: partitions * 80 }, (_, i) => ({ topic: input, partition: i % partitions, value: `v${i}` })));

      const lagged = await eventually(async () => {
        const lag = (await scrape(url)).filter((s) => s.name === LAG);
        return lag.some((s) => s.value > 0) ? lag : undefined;
      }, "a positive lag while the rate-limited input waits");
      assert.deepEqual(lagged.map((s) => Number(s.labels.partition)).sort(), [0, 1, 2, 3], "one lag sample per input partition of the copy's tasks");
      for (const s of lagged) {
        assert.equal(s.labels.topic, input);
        assert.ok(s.value >= 0 && s.value <= 80, `lag ${s.value} of partition ${s.labels.partition} is within the input`);
      }

      const drained = await eventually(async () => {
        const samples = await scrape(url);
        const lag = samples.filter((s) => s.name === LAG);
        return lag.length === partitions && lag.every((s) => s.value === 0) ? samples : undefined;
      }, "the lag of every partition reaches 0 once the input is drained");
      const one = (name: string): number => {
        const found = drained.filter((s) => s.name === name);
        assert.equal(found.length, 1, `one ${name} sample`);
        return found[0]!.value;
      };
      assert.equal(one("dstream_scaleout_tasks"), partitions);
      assert.equal(one("dstream_scaleout_task_count"), partitions);
      assert.equal(one("dstream_scaleout_group_generation"), report.generationId);
      assert.deepEqual(drained.filter((s) => s.name === "dstream_scaleout_task_assigned").map((s) => Number(s.labels.task)).sort(), [0, 1, 2, 3]);

      const [app] = (await (await fetch(`${url}/api/v1/applications`)).json()) as Array<{ id: string }>;
      const sources = (await (await fetch(`${url}/api/v1/applications/${app!.id}/streaming/sources`)).json()) as Array<{ name: string; generationId: number; tasks: number[]; lag: Array<{ partition: number; lag: number; endOffset: number }> }>;
      const so = sources.find((s) => s.name === "kafka-scaleout");
      assert.ok(so, `streaming/sources lists kafka-scaleout: ${JSON.stringify(sources)}`);
      assert.equal(so.generationId, report.generationId);
      assert.deepEqual([...so.tasks].sort(), [0, 1, 2, 3]);
      assert.deepEqual(so.lag.map((l) => [l.partition, l.lag, l.endOffset]), [0, 1, 2, 3].map((p) => [p, 0, 80]));

      const page = await (await fetch(`${url}/streaming/`)).text();
      const card = /<section class="card source-card" data-source="kafka-scaleout">([\s\S]*?)<\/section>/.exec(page)?.[1];
      assert.ok(card, "the Streaming page has a kafka-scaleout card");
      for (const p of [0, 1, 2, 3]) assert.match(card, new RegExp(`${LAG}</td><td>[^<]*partition=${p}</td><td class="value">0</td>`), `the card shows partition ${p}'s lag`);
    } finally {
      copy?.kill();
      await copy?.ended;
    }
  });

  it("a word count copy: lag per repartition partition too (kind label), above 0 while re-keyed words wait, 0 once drained", async () => {
    const partitions = 4;
    const input = await broker.createTopic(uniqueTopic("so-lagwc-in"), partitions);
    const output = await broker.createTopic(uniqueTopic("so-lagwc-out"), 3);
    const app = uniqueTopic("so-lagwc-app");
    const repartition = `${app}-words-repartition`;
    let copy: Copy | undefined;
    try {
      copy = startCopy({ app, instance: "a", input, output, mode: "wordcount", extra: ["--rate", "10"] });
      await copy.report;
      const url = await copy.ui;
      await broker.produce(wordLines(input, partitions, 60).records);
      const ofKind = (samples: PromSample[], kind: string): PromSample[] => samples.filter((s) => s.name === LAG && s.labels.kind === kind);

      // Each batch's words wait in the repartition topic until the next batch reduces them.
      const waiting = await eventually(async () => {
        const rep = ofKind(await scrape(url), "repartition");
        return rep.some((s) => s.value > 0) ? rep : undefined;
      }, "a positive repartition lag while re-keyed words wait");
      assert.deepEqual(waiting.map((s) => Number(s.labels.partition)).sort(), [0, 1, 2, 3], "one repartition lag sample per task");
      for (const s of waiting) assert.equal(s.labels.topic, repartition);

      const drained = await eventually(async () => {
        const samples = await scrape(url);
        const [inp, rep] = [ofKind(samples, "input"), ofKind(samples, "repartition")];
        return inp.length === partitions && rep.length === partitions && [...inp, ...rep].every((s) => s.value === 0) ? samples : undefined;
      }, "every input and repartition lag reaches 0 once the input is drained");
      assert.equal(drained.filter((s) => s.name === LAG).length, 2 * partitions, "only input and repartition samples");
      const [appInfo] = (await (await fetch(`${url}/api/v1/applications`)).json()) as Array<{ id: string }>;
      const sources = (await (await fetch(`${url}/api/v1/applications/${appInfo!.id}/streaming/sources`)).json()) as Array<{ name: string; lag: Array<{ kind: string; topic: string; partition: number; lag: number }> }>;
      const rest = sources.find((s) => s.name === "kafka-scaleout")!.lag.filter((l) => l.kind === "repartition");
      assert.deepEqual(rest.map((l) => [l.topic, l.partition, l.lag]), [0, 1, 2, 3].map((p) => [repartition, p, 0]), "streaming/sources has the repartition lag");
    } finally {
      copy?.kill();
      await copy?.ended;
    }
  });
});

describe("ScaleOutMetrics in-process, with real clients against the broker", () => {
  const task = (tasks: number[]) => ({ generationId: 3, memberId: "m", leader: true, tasks });
  const lagOf = (m: ScaleOutMetrics): Record<string, number> => Object.fromEntries(m.lag().map((l) => [`${l.kind} ${l.topic.endsWith("-repartition") ? "r" : "i"}${l.partition}`, l.lag]));
  const marker = (topic: string, partition: number, upstream: number) => ({ topic, partition, value: "", headers: { [TIME_HEADER]: "1000", [MARKER_HEADER]: String(upstream) } });
  const pair = (topic: string, partition: number, w: string) => ({ topic, partition, value: JSON.stringify([w, 1]), headers: { [TIME_HEADER]: "1000" } });

  it("the lag grows with the input while no batch commits, and a repartition partition's markers are not counted", async () => {
    const input = await broker.createTopic(uniqueTopic("so-lagm-in"), 2);
    const rep = await broker.createTopic(`${uniqueTopic("so-lagm")}-words-repartition`, 2);
    await broker.produce(Array.from({ length: 20 }, (_, i) => ({ topic: input, partition: i % 2, value: `v${i}` })));
    // Partition 0: three pairs, then two upstream tasks' markers; partition 1: markers only.
    await broker.produce([pair(rep, 0, "a"), pair(rep, 0, "b"), pair(rep, 0, "c"), marker(rep, 0, 0), marker(rep, 0, 1), marker(rep, 1, 0), marker(rep, 1, 1)]);
    const m = new ScaleOutMetrics({
      applicationId: "lagm",
      instanceId: "a",
      inputTopics: () => [input],
      repartitionTopics: () => [rep],
      taskCount: () => 2,
      admin: () => broker.admin,
      consumer: () => KafkaClients.consumer({ "bootstrap.servers": BOOTSTRAP, "isolation.level": "read_committed" }),
      cacheMs: 1_000,
    });
    try {
      m.assigned(task([0, 1]));
      m.committed({ inputRanges: [0, 1].map((partition) => ({ topic: input, partition, untilOffset: 10 })), repartitionOffsets: [0, 1].map((partition) => ({ topic: rep, partition, offset: 0 })) });
      await m.refresh();
      assert.deepEqual(lagOf(m), { "input i0": 0, "input i1": 0, "repartition r0": 3, "repartition r1": 0 }, "3 pairs wait on repartition partition 0; markers are not lag");

      // No batch commits from here on: the lag must still follow the input.
      await broker.produce([...Array.from({ length: 5 }, (_, i) => ({ topic: input, partition: 0, value: `w${i}` })), pair(rep, 1, "d")]);
      await delay(1_100);
      await m.refresh();
      assert.deepEqual(lagOf(m), { "input i0": 5, "input i1": 0, "repartition r0": 3, "repartition r1": 1 }, "the lag grew without a committed batch");
      const samples = m.gauges().find((g) => g.name === "dstream_scaleout_consumer_lag_records")!.samples;
      assert.deepEqual(
        samples.map((s) => [s.labels.kind, s.labels.topic, s.labels.partition, s.value]),
        [["input", input, 0, 5], ["input", input, 1, 0], ["repartition", rep, 0, 3], ["repartition", rep, 1, 1]],
      );

      // A batch commits past the end offsets just read (input partition 0 now ends at 18), and
      // the reducer past the pairs of repartition partition 0 (its markers follow them): drained.
      await broker.produce(Array.from({ length: 3 }, (_, i) => ({ topic: input, partition: 0, value: `x${i}` })));
      m.committed({ inputRanges: [0, 1].map((partition) => ({ topic: input, partition, untilOffset: partition === 0 ? 16 : 10 })), repartitionOffsets: [{ topic: rep, partition: 0, offset: 3 }, { topic: rep, partition: 1, offset: 3 }] });
      await m.refresh();
      assert.deepEqual(lagOf(m), { "input i0": 2, "input i1": 0, "repartition r0": 0, "repartition r1": 0 }, "a commit makes the next request read the end offsets anew");
      for (const l of m.lag()) assert.ok(l.endOffset >= l.processedOffset, `${l.kind} ${l.partition}: end ${l.endOffset} is not below the committed ${l.processedOffset}`);
    } finally {
      await m.close();
    }
  });

  it("a broker that stops answering: a refresh ends within its bound and the last lag stays, with its age", async () => {
    const input = await broker.createTopic(uniqueTopic("so-lagm-hang"), 1);
    await broker.produce(Array.from({ length: 4 }, (_, i) => ({ topic: input, partition: 0, value: `v${i}` })));
    // Accepts connections and never answers, as a hung broker does.
    const sockets: Socket[] = [];
    const silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const silentAdmin = KafkaClients.admin({ "bootstrap.servers": `127.0.0.1:${(silent.address() as AddressInfo).port}` });
    let answered = false;
    const hung = {
      endOffsets: (...a: Parameters<KafkaAdminClient["endOffsets"]>) => {
        const p = silentAdmin.endOffsets(...a);
        p.finally(() => (answered = true)).catch(() => undefined);
        return p;
      },
    } as unknown as KafkaAdminClient;
    let admin = broker.admin;
    const m = new ScaleOutMetrics({
      applicationId: "lagm-hang",
      instanceId: "a",
      inputTopics: () => [input],
      repartitionTopics: () => [],
      taskCount: () => 1,
      admin: () => admin,
      consumer: () => KafkaClients.consumer({ "bootstrap.servers": BOOTSTRAP, "isolation.level": "read_committed" }),
      cacheMs: 50,
      timeoutMs: 300,
    });
    const age = (): number | undefined => m.gauges().find((g) => g.name === "dstream_scaleout_lag_age_seconds")!.samples[0]?.value;
    try {
      m.assigned(task([0]));
      m.committed({ inputRanges: [{ topic: input, partition: 0, untilOffset: 1 }] });
      assert.equal(age(), undefined, "no age before the first read");
      await m.refresh();
      assert.deepEqual(lagOf(m), { "input i0": 3 });
      admin = hung;
      await broker.produce([{ topic: input, partition: 0, value: "late" }]);
      await delay(400);
      const readAt = m.status().lagReadAt as number;
      await m.refresh();
      assert.equal(answered, false, "the refresh ended without waiting for the silent broker");
      assert.deepEqual(lagOf(m), { "input i0": 3 }, "the last lag stays while the broker does not answer");
      assert.ok(age()! >= 0.4, `the lag's age (${age()} s) counts from the last answer`);
      // The broker comes back: its connections reset, the hung read fails, and the next one reads anew.
      for (const s of sockets) s.destroy();
      silent.close();
      admin = broker.admin;
      await eventually(async () => {
        await delay(60);
        await m.refresh();
        return lagOf(m)["input i0"] === 4 ? true : undefined;
      }, "the lag is read again once the broker answers", 30_000);
      assert.ok((m.status().lagReadAt as number) > readAt, "the age restarts with the new read");
    } finally {
      await m.close();
      for (const s of sockets) s.destroy();
      silent.close();
      await silentAdmin.close().catch(() => undefined);
    }
  });
});
