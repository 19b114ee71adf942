/**
 * Per-device averages of sensor readings over a sliding window, from MQTT into PostgreSQL:
 * each reading is a number published to `<root>/<device>`; every slide, the average and count
 * of each device's readings in the last window are upserted into a table keyed by device,
 * exactly once per batch (PostgresSink's progress table).
 *
 * Usage: npm run example -- MqttSensorAverages [<brokerUrl> <topicRoot> <connectionString> <table>]
 *          [--window S] [--slide S] [--seconds N] [--master local[2]]
 *   Defaults: mqtt://127.0.0.1:1883, sensors, the PostgreSQL of scripts/services.sh
 *   (postgres://dstream:dstream@127.0.0.1:5432/dstream) and table sensor_averages, created if
 *   missing; start both servers with `bash scripts/services.sh start mosquitto postgresql`.
 *   Publish readings with `mosquitto_pub -t sensors/dev1 -m 21.5 -q 1`.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { SparkConf, StreamingContext, Seconds } from "../src/index.js";
import { MQTTUtils } from "../src/connectors/mqtt/index.js";
import { PostgresSink } from "../src/connectors/postgres/index.js";
import { runExample } from "./support/runExample.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    window: { type: "string", default: "10" },
    slide: { type: "string", default: "2" },
    seconds: { type: "string" },
    master: { type: "string", default: "local[2]" },
  },
});
if (positionals.length !== 0 && positionals.length !== 4) {
  console.error("Usage: MqttSensorAverages [<brokerUrl> <topicRoot> <connectionString> <table>] [--window S] [--slide S] [--seconds N] [--master local[2]]");
  process.exit(1);
}
const [brokerUrl, root, connectionString, table] =
  positionals.length === 4 ? positionals : ["mqtt://127.0.0.1:1883", "sensors", "postgres://dstream:dstream@127.0.0.1:5432/dstream", "sensor_averages"];

// The sink writes to a table that exists; this example makes its own.
const admin = new pg.Client({ connectionString });
try {
  await admin.connect();
  await admin.query(`CREATE TABLE IF NOT EXISTS ${table} (device text PRIMARY KEY, average double precision NOT NULL, readings integer NOT NULL)`);
} catch (e) {
  console.error(`MqttSensorAverages: cannot create table ${table}: ${(e as Error).message}. Is PostgreSQL running? (bash scripts/services.sh start postgresql)`);
  process.exit(1);
} finally {
  await admin.end().catch(() => undefined);
}

const slide = Seconds(Number(values.slide));
const sparkConf = new SparkConf().setAppName("MqttSensorAverages").setMaster(values.master!);
const ssc = new StreamingContext(sparkConf, slide);

// [topic, payload] pairs; QoS 1, so a reading is acknowledged once its block is stored.
const readings = MQTTUtils.createPairedStream(ssc, brokerUrl!, `${root}/+`, { qos: 1 })
  .map(([topic, payload]) => [topic.slice(topic.lastIndexOf("/") + 1), Number(payload)] as [string, number])
  .filter(([, v]) => Number.isFinite(v));

const averages = readings
  .map(([device, v]) => [device, [v, 1]] as [string, [number, number]])
  .reduceByKeyAndWindow((a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number], Seconds(Number(values.window)), slide)
  .map(([device, [sum, n]]) => ({ device, average: sum / n, readings: n }));

averages.print();
PostgresSink.write(averages, { connectionString: connectionString!, table: table!, columns: ["device", "average", "readings"], mode: "upsert", key: ["device"] });

await runExample(ssc, values.seconds);
