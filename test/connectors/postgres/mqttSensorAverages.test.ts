/**
 * The MqttSensorAverages example run as a user would, against the Mosquitto and PostgreSQL of
 * scripts/services.sh: readings published over MQTT end up as each device's average and count
 * in the table.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startExample } from "../../helpers/exampleProcess.js";
import { publishAll, publisher } from "../mqtt/mosquitto.js";
import { MQTT_URL, requireService, uniqueName } from "../services.js";
import { POSTGRES_URL, uniqueTable, usePostgres } from "./support.js";

const query = usePostgres();

test("MqttSensorAverages upserts each device's windowed average into PostgreSQL", { timeout: 150_000 }, async (t) => {
  await requireService("mosquitto");
  const root = uniqueName("sensors");
  const table = uniqueTable("sensor_averages");
  const running = startExample(["MqttSensorAverages", MQTT_URL, root, POSTGRES_URL, table, "--window", "30", "--slide", "1"]);
  const pub = await publisher();
  t.after(async () => {
    running.kill("SIGKILL");
    await running.exited;
    pub.end(true);
  });
  const rowsOf = async (): Promise<Array<Record<string, unknown>>> => {
    try {
      return await query(`SELECT device, average, readings FROM ${table} ORDER BY device`);
    } catch {
      return []; // the example has not created its table yet
    }
  };
  // The subscription is made once the receiver runs: publish a probe until it lands in the table.
  const deadline = Date.now() + 90_000;
  while (!(await rowsOf()).some((r) => r.device === "probe")) {
    if (Date.now() > deadline) throw new Error(`the probe reading never reached ${table}\n${running.stdout().slice(-2000)}`);
    await pub.publishAsync(`${root}/probe`, "1", { qos: 1 });
    await new Promise((r) => setTimeout(r, 500));
  }
  const readings: Record<string, number[]> = { dev1: [20, 21, 22.5], dev2: [-3, 5], dev3: [100] };
  await publishAll(pub, Object.entries(readings).flatMap(([d, vs]) => vs.map((v) => [`${root}/${d}`, String(v)] as [string, string])), 1);
  await publishAll(pub, [[`${root}/dev3`, "not a number"]], 1);
  const expected = Object.entries(readings).map(([device, vs]) => ({ device, average: vs.reduce((a, b) => a + b, 0) / vs.length, readings: vs.length }));
  let rows: Array<Record<string, unknown>> = [];
  while (Date.now() < deadline + 30_000) {
    rows = (await rowsOf()).filter((r) => r.device !== "probe");
    if (JSON.stringify(rows) === JSON.stringify(expected)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(rows, expected, running.stdout().slice(-2000));
});
