/**
 * Consumes messages from one or more topics in Kafka and does wordcount (a port of Spark's
 * DirectKafkaWordCount).
 *
 * Usage: npm run example -- DirectKafkaWordCount <brokers> <groupId> <topics> [--seconds N] [--master local[2]]
 *   <brokers> is a list of one or more Kafka brokers
 *   <groupId> is a consumer group name to consume from topics
 *   <topics> is a list of one or more kafka topics to consume from
 *   --seconds N stops the application gracefully after N seconds (it runs until killed otherwise)
 *
 * Example:
 *   bash scripts/kafka.sh start
 *   npm run example -- DirectKafkaWordCount 127.0.0.1:9092 consumer-group topic1,topic2
 */
import { parseArgs } from "node:util";
import { SparkConf, StreamingContext, Seconds } from "../src/index.js";
import { ConsumerStrategies, KafkaUtils, LocationStrategies, StringDeserializer } from "../src/connectors/kafka/index.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: "string" }, master: { type: "string", default: "local[2]" } },
});
if (positionals.length < 3) {
  console.error(`
Usage: DirectKafkaWordCount <brokers> <groupId> <topics> [--seconds N] [--master local[2]]
  <brokers> is a list of one or more Kafka brokers
  <groupId> is a consumer group name to consume from topics
  <topics> is a list of one or more kafka topics to consume from
`);
  process.exit(1);
}
const [brokers, groupId, topics] = positionals as [string, string, string];

// Create context with 2 second batch interval
const sparkConf = new SparkConf().setAppName("DirectKafkaWordCount").setMaster(values.master!);
const ssc = new StreamingContext(sparkConf, Seconds(2));

// Create direct kafka stream with brokers and topics
const topicsSet = new Set(topics.split(","));
const kafkaParams = {
  "bootstrap.servers": brokers,
  "group.id": groupId,
  "key.deserializer": StringDeserializer,
  "value.deserializer": StringDeserializer,
} as const;
const messages = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(topicsSet, kafkaParams));

// Get the lines, split them into words, count the words and print
const lines = messages.map((r) => r.value);
const words = lines.flatMap((l) => l.split(" "));
const wordCounts = words.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b);
wordCounts.print();

// Start the computation
ssc.start();
if (values.seconds === undefined) {
  await ssc.awaitTermination();
} else {
  await ssc.awaitTerminationOrTimeout(Number(values.seconds) * 1000);
  await ssc.stop({ stopGracefully: true });
}
