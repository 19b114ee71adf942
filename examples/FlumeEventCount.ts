/**
 * Counts the events a Flume agent's Avro sink pushes to this application, every 2 seconds (a port
 * of Spark's FlumeEventCount, the push model).
 *
 * Usage: npm run example -- FlumeEventCount [<host> <port>] [--seconds N] [--master local[2]]
 *   <host> and <port> are where this application's Avro-RPC server listens: the agent's Avro sink
 *   has `hostname = <host>` and `port = <port>`. With no host and port it listens on
 *   127.0.0.1:41414, where the default agent of `bash scripts/flume.sh start` pushes; feed that
 *   agent lines with `printf 'hello\n' > /dev/tcp/127.0.0.1/44444`.
 *   --seconds N stops the application after N seconds (it runs until killed otherwise).
 */
import { parseArgs } from "node:util";
import { isMainThread } from "node:worker_threads";
import { SparkConf, StreamingContext, Milliseconds, StorageLevel } from "../src/index.js";
import { FlumeUtils } from "../src/connectors/flume/index.js";
import { runExample } from "./support/runExample.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: "string" }, master: { type: "string", default: "local[2]" } },
});
if (positionals.length === 1 || positionals.length > 2) {
  console.error("Usage: FlumeEventCount [<host> <port>] [--seconds N] [--master local[2]]");
  process.exit(1);
}
// The embedded default: the address the agent of scripts/flume.sh pushes to.
const [host, port] = positionals.length === 2 ? positionals : ["127.0.0.1", "41414"];
if (positionals.length === 0 && isMainThread) {
  console.error("No host and port given: listening on 127.0.0.1:41414, where the agent of `bash scripts/flume.sh start` pushes (send it lines on 127.0.0.1:44444).");
}

const batchInterval = Milliseconds(2000);
const sparkConf = new SparkConf().setAppName("FlumeEventCount").setMaster(values.master!);
const ssc = new StreamingContext(sparkConf, batchInterval);

// Create a flume stream; Spark's MEMORY_ONLY_SER_2 is MEMORY_ONLY_SER here (one machine, no replicas)
const stream = FlumeUtils.createStream(ssc, host!, Number(port), StorageLevel.MEMORY_ONLY_SER);

// Print out the count of events received from this server in each batch
stream.count().map((cnt) => `Received ${cnt} flume events.`).print();

await runExample(ssc, values.seconds);
