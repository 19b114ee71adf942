/**
 * Counts the words of the messages a ZeroMQ publisher sends on one topic, every 2 seconds (a port
 * of Apache Bahir's ZeroMQWordCount).
 *
 * Usage: npx dstream run-example ZeroMQWordCount [<zeroMqUrl> <topic>] [--seconds N] [--master local[2]]
 *   <zeroMqUrl> is where the publisher's PUB socket is bound (e.g. tcp://127.0.0.1:1234) and
 *   <topic> the topic to subscribe to; the first frame of each message is the topic, the others
 *   are text. With no URL and topic, a PUB socket on loopback publishes Bahir's sample words.
 *   --seconds N stops the application after N seconds (it runs until killed otherwise).
 */
import { parseArgs } from "node:util";
import { isMainThread } from "node:worker_threads";
import { SparkConf, StreamingContext, Seconds } from "../src/index.js";
import { ZeroMQUtils } from "../src/connectors/zeromq/index.js";
import { runExample } from "./support/runExample.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: "string" }, master: { type: "string", default: "local[2]" } },
});
if (positionals.length === 1 || positionals.length > 2) {
  console.error("Usage: ZeroMQWordCount [<zeroMqUrl> <topic>] [--seconds N] [--master local[2]]");
  process.exit(1);
}
let [url, topic] = positionals as [string | undefined, string | undefined];
// The embedded default: a publisher on loopback. Executors reload this module on worker threads
// only to rebuild its functions; only the driver (the main thread) publishes and subscribes.
let sample: { url: string; close(): void } | undefined;
if (url === undefined) {
  topic = "foo";
  if (isMainThread) {
    const { startSampleZeroMQPublisher } = await import("./support/sampleZeroMQPublisher.js");
    sample = await startSampleZeroMQPublisher(topic);
    console.error(`No URL and topic given: subscribing to topic ${topic} of a sample publisher at ${sample.url}.`);
  }
  // In an executor the stream is only rebuilt, never started: any valid endpoint will do.
  url = sample?.url ?? "tcp://127.0.0.1:1234";
}

const sparkConf = new SparkConf().setAppName("ZeroMQWordCount").setMaster(values.master!);
// Create the context and set the batch size.
const ssc = new StreamingContext(sparkConf, Seconds(2));

const lines = ZeroMQUtils.createTextStream(ssc, url, topic!);
const words = lines.flatMap((line) => line.split(" "));
const wordCounts = words.map((x): [string, number] => [x, 1]).reduceByKey((a, b) => a + b);
wordCounts.print();

await runExample(ssc, values.seconds);
sample?.close();
