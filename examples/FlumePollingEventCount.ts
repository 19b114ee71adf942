/**
 * Counts the events pulled from the SparkSink inside a Flume agent, every 2 seconds (a port of
 * Spark's FlumePollingEventCount, the pull model).
 *
 * Usage: npm run example -- FlumePollingEventCount [<host> <port>] [--seconds N] [--master local[2]]
 *   <host> and <port> are the SparkSink's (the agent's sink of type
 *   org.apache.spark.streaming.flume.sink.SparkSink). With no host and port it polls
 *   127.0.0.1:41415, the SparkSink of the default agent of `bash scripts/flume.sh start`; feed
 *   that agent lines with `printf 'hello\n' > /dev/tcp/127.0.0.1/44444`.
 *   --seconds N stops the application after N seconds (it runs until killed otherwise).
 */
import { parseArgs } from "node:util";
import { isMainThread } from "node:worker_threads";
import { SparkConf, StreamingContext, Milliseconds } from "../src/index.js";
import { FlumeUtils } from "../src/connectors/flume/index.js";
import { runExample } from "./support/runExample.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: "string" }, master: { type: "string", default: "local[2]" } },
});
if (positionals.length === 1 || positionals.length > 2) {
  console.error("Usage: FlumePollingEventCount [<host> <port>] [--seconds N] [--master local[2]]");
  process.exit(1);
}
// The embedded default: the SparkSink of the agent of scripts/flume.sh.
const [host, port] = positionals.length === 2 ? positionals : ["127.0.0.1", "41415"];
if (positionals.length === 0 && isMainThread) {
  console.error("No host and port given: polling the SparkSink at 127.0.0.1:41415, of the agent of `bash scripts/flume.sh start` (send it lines on 127.0.0.1:44444).");
}

const batchInterval = Milliseconds(2000);
const sparkConf = new SparkConf().setAppName("FlumePollingEventCount").setMaster(values.master!);
const ssc = new StreamingContext(sparkConf, batchInterval);

// Create a flume stream that polls the Spark Sink running in a Flume agent
const stream = FlumeUtils.createPollingStream(ssc, host!, Number(port));

// Print out the count of events received from this server in each batch
stream.count().map((cnt) => `Received ${cnt} flume events.`).print();

await runExample(ssc, values.seconds);
