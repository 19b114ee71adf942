/**
 * A word count that runs as N copies sharing the work through Kafka (see docs/scale-out.md).
 * Start it several times with the same <applicationId> and a different <instanceId> each: the
 * copies split the partitions of <inputTopic>, re-key words through
 * <applicationId>-words-repartition, and write each batch's counts ([word, count]) to
 * <outputTopic> in one transaction per batch per copy.
 *
 * Usage: npm run example -- ScaleOutWordCount <brokers> <applicationId> <instanceId> <inputTopic> <outputTopic> [--master local[1]] [--batch-ms 1000]
 *
 * Example (two terminals):
 *   bash scripts/kafka.sh start
 *   npm run example -- ScaleOutWordCount 127.0.0.1:9092 wc copy-1 lines counts
 *   npm run example -- ScaleOutWordCount 127.0.0.1:9092 wc copy-2 lines counts
 */
import { parseArgs } from "node:util";
import { Milliseconds, SparkConf, StreamingContext } from "../src/index.js";
import { KafkaScaleOut } from "../src/connectors/kafka-scaleout/index.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { master: { type: "string", default: "local[1]" }, "batch-ms": { type: "string", default: "1000" } },
});
if (positionals.length < 5) {
  console.error("Usage: ScaleOutWordCount <brokers> <applicationId> <instanceId> <inputTopic> <outputTopic> [--master local[1]] [--batch-ms 1000]");
  process.exit(1);
}
const [brokers, applicationId, instanceId, inputTopic, outputTopic] = positionals as [string, string, string, string, string];

const conf = new SparkConf().setAppName(`ScaleOutWordCount-${instanceId}`).setMaster(values.master!);
const ssc = new StreamingContext(conf, Milliseconds(Number(values["batch-ms"])));
const so = new KafkaScaleOut(ssc, { applicationId, instanceId, kafkaParams: { "bootstrap.servers": brokers, "auto.offset.reset": "earliest" } });

const lines = so.createStream([inputTopic]);
const pairs = lines.flatMap((r) => r.value.split(" ")).map((w): [string, number] => [w, 1]);
// Every copy counts the words that hash to its partitions, whichever copy read them.
const counts = so.repartition("words", pairs).reduceByKey((a, b) => a + b);
so.writeTransactional(counts, outputTopic);
counts.print();

const report = await so.start();
console.log(`copy ${instanceId}: tasks [${report.tasks.join(", ")}] of ${report.taskCount}; repartition ${report.repartition}`);
await ssc.awaitTermination();
