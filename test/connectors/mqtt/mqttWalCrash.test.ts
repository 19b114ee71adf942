/**
 * MQTT with the write-ahead log, killed mid-stream: the receiver's persistent session holds
 * N QoS 1 messages; the application is SIGKILLed while it consumes them (rate-limited) and
 * resumed with getOrCreate. Every message is processed, and at the end the session holds none
 * unacknowledged.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MQTT_URL, uniqueName } from "../services.js";
import { killMidStream } from "../brokerCrash.js";
import { connected, firstDelivered, publishAll, publisher } from "./mosquitto.js";

const N = 3000;

test("SIGKILL mid-stream with the WAL, then getOrCreate: every message the broker held is processed, none is left unacknowledged", { timeout: 300_000 }, async (t) => {
  const pub = await publisher();
  const topic = uniqueName("dstream-mqtt-wal");
  const clientId = uniqueName("wal");
  // The session exists before anything is published, so the broker queues every message for it.
  const session = await connected(MQTT_URL, { clientId, clean: false, properties: { sessionExpiryInterval: 0xffffffff } });
  await session.subscribeAsync(topic, { qos: 1 });
  session.end(true);
  const expected = Array.from({ length: N }, (_, i) => `m${i}`);
  await publishAll(pub, expected.map((m) => [topic, m]), 1);
  await killMidStream(t, "mqtt", { url: MQTT_URL, topic, clientId, maxRate: "400" }, expected);
  await pub.publishAsync(topic, "marker", { qos: 1 });
  assert.equal(await firstDelivered(MQTT_URL, clientId), "marker");
  await pub.endAsync();
});
