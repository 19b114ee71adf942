import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { MqttClient } from "mqtt";
import { MQTTUtils } from "../../../src/connectors/mqtt/index.js";
import { collectAll, recordReceiverEvents, suiteContext, waitFor, withStreaming } from "../../streaming/receivers/support.js";
import { MQTT_URL, uniqueName, advanceUntil } from "../services.js";
import { firstDelivered, freePort, PrivateMosquitto, publishAll, publisher } from "./mosquitto.js";

const N = 2000;
let pub: MqttClient;
before(async () => {
  pub = await publisher();
});
after(async () => {
  await pub?.endAsync();
});

const numbered = (topic: (i: number) => string, n: number, from = 0): Array<[string, string]> =>
  Array.from({ length: n }, (_, k) => [topic(from + k), `m${from + k}`]);
const range = (n: number): string[] => Array.from({ length: n }, (_, i) => `m${i}`);

describe("MQTTUtils against Mosquitto", () => {
  const sc = suiteContext("local[2]");

  for (const qos of [1, 2] as const) {
    test(`QoS ${qos} through wildcards: every message exactly once, each acknowledged (the resumed session holds nothing older than a later marker)`, async () => {
      const root = uniqueName("dstream-mqtt");
      const clientId = uniqueName("c");
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const stream = MQTTUtils.createPairedStream(ssc, MQTT_URL, [`${root}/+/temp`, `${root}/all/#`], { qos, clientId });
        const out = collectAll(stream);
        ssc.start();
        await waitForSubscription(pub, `${root}/probe/temp`, () => stream.receivedRecords > 0);
        await publishAll(pub, numbered((i) => (i % 2 ? `${root}/dev${i % 7}/temp` : `${root}/all/x/${i % 3}`), N), qos);
        await pub.publishAsync(`${root}/dev1/humidity`, "not subscribed", { qos });
        await advanceUntil(clock, () => out.filter(([, p]) => p !== "probe").length >= N, `${N} messages`);
        const payloads = out.map(([, p]) => p).filter((p) => p !== "probe");
        assert.deepEqual([...payloads].sort(), range(N).sort());
        assert.ok(out.every(([t]) => t.startsWith(root) && !t.endsWith("humidity")), "only the subscribed topics");
      });
      // Stopped: anything unacknowledged stays in the session and would come before the marker.
      await pub.publishAsync(`${root}/dev1/temp`, "marker", { qos });
      assert.equal(await firstDelivered(MQTT_URL, clientId), "marker");
    });
  }

  test("QoS 0: messages arrive once", async () => {
    const root = uniqueName("dstream-mqtt0");
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const stream = MQTTUtils.createStream(ssc, MQTT_URL, `${root}/#`, { qos: 0, cleanSession: true });
      const out = collectAll(stream);
      ssc.start();
      await waitForSubscription(pub, `${root}/probe`, () => stream.receivedRecords > 0);
      await publishAll(pub, numbered(() => `${root}/x`, 200), 0);
      await advanceUntil(clock, () => out.filter((p) => p !== "probe").length >= 200, "200 messages");
      assert.deepEqual(out.filter((p) => p !== "probe"), range(200));
    });
  });

  test("an undecodable payload is reported (connector, topic, fix), acknowledged and skipped; later messages arrive", async () => {
    const root = uniqueName("dstream-mqtt-bad");
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const events = recordReceiverEvents(ssc);
      const stream = MQTTUtils.createStream(ssc, MQTT_URL, `${root}/#`, { clientId: uniqueName("bad") });
      const out = collectAll(stream);
      ssc.start();
      await waitForSubscription(pub, `${root}/probe`, () => stream.receivedRecords > 0);
      await pub.publishAsync(`${root}/x`, Buffer.from([0xff, 0xfe, 0x41]), { qos: 1 });
      await pub.publishAsync(`${root}/x`, "after", { qos: 1 });
      await advanceUntil(clock, () => out.includes("after"), "the message after the bad one");
      assert.deepEqual(out.filter((p) => p !== "probe"), ["after"]);
      const error = events.find((e) => e.kind === "error");
      assert.ok(error, "a receiver error was reported");
      assert.match(error.message, new RegExp(`MQTT: the decoder threw on a 3-byte message on topic "${root}/x".*createMessageStream`));
    });
  });

  test("bad arguments: malformed URL, bad topic filters and qos get errors naming the value and the fix", () => {
    const ssc = {} as Parameters<typeof MQTTUtils.createStream>[0];
    assert.throws(() => MQTTUtils.createStream(ssc, "127.0.0.1:1883", "t"), /MQTTUtils.createStream: malformed MQTT broker URL "127.0.0.1:1883"; give the broker as mqtt:\/\//);
    assert.throws(() => MQTTUtils.createStream(ssc, "http://127.0.0.1", "t"), /malformed MQTT broker URL "http:\/\/127.0.0.1"/);
    assert.throws(() => MQTTUtils.createStream(ssc, MQTT_URL, "a/#/b"), /invalid topic filter "a\/#\/b": "\+" must be a whole level and "#" the whole last level/);
    assert.throws(() => MQTTUtils.createStream(ssc, MQTT_URL, "a/b+"), /invalid topic filter "a\/b\+"/);
    assert.throws(() => MQTTUtils.createStream(ssc, MQTT_URL, []), /give at least one topic filter/);
    assert.throws(() => MQTTUtils.createStream(ssc, MQTT_URL, "t", { qos: 3 as 1 }), /qos must be 0, 1 or 2, got 3/);
  });

  test("no broker at the URL: the receiver reports the address and how to fix it, and keeps retrying", async () => {
    const port = await freePort();
    await withStreaming(sc(), async ({ ssc }) => {
      const events = recordReceiverEvents(ssc);
      MQTTUtils.createStream(ssc, `mqtt://127.0.0.1:${port}`, "t").foreachRDD(() => undefined);
      ssc.start();
      await waitFor(() => events.filter((e) => e.kind === "error").length >= 2, "two failed attempts");
      const e = events.find((x) => x.kind === "error")!;
      assert.match(e.message, new RegExp(`MQTT: cannot connect to mqtt://127.0.0.1:${port} \\(ECONNREFUSED\\); start the broker or fix the broker URL; reconnecting in \\d+ ms`));
    });
  });

  test("a broker restart mid-stream: the receiver reconnects, resumes its session and gets every message", async () => {
    const broker = await PrivateMosquitto.start();
    const root = uniqueName("dstream-mqtt-restart");
    try {
      const p = await publisher(broker.url);
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const events = recordReceiverEvents(ssc);
        const stream = MQTTUtils.createStream(ssc, broker.url, `${root}/#`, { clientId: uniqueName("r") });
        const out = collectAll(stream);
        ssc.start();
        await waitForSubscription(p, `${root}/probe`, () => stream.receivedRecords > 0);
        await publishAll(p, numbered(() => `${root}/x`, 300), 1);
        await waitFor(() => stream.receivedRecords >= 301, "the first 300");
        p.end(true);
        await broker.stop();
        await waitFor(() => events.some((e) => e.kind === "error" && /connection to .* closed|cannot connect/.test(e.message)), "the receiver to see the broker go");
        await broker.run();
        const p2 = await publisher(broker.url);
        // Published while the receiver may still be away: the persistent session queues them.
        await publishAll(p2, numbered(() => `${root}/x`, 300, 300), 1);
        await advanceUntil(clock, () => new Set(out).size >= 601, "the 300 after the restart");
        await p2.endAsync();
        assert.deepEqual([...new Set(out)].filter((x) => x !== "probe").sort(), range(600).sort());
      });
    } finally {
      await broker.close();
    }
  });
});


/** Publishes probes until `arrived` says one came through: the receiver's subscription is then active. */
async function waitForSubscription(client: MqttClient, topic: string, arrived: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!arrived()) {
    if (Date.now() > deadline) throw new Error(`no probe on ${topic} reached the receiver`);
    await client.publishAsync(topic, "probe", { qos: 0 });
    await new Promise((r) => setTimeout(r, 20));
  }
}
