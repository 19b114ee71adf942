/**
 * Counts words received from a TCP server over a sliding window: every slide interval, the
 * counts of the last window's worth of batches (the streaming guide's reduceByKeyAndWindow
 * example, on Spark's NetworkWordCount).
 *
 * Usage: npm run example -- WindowedWordCount <hostname> <port> [<windowSeconds> <slideSeconds>] [--seconds N] [--master local[2]]
 *   The window defaults to 30 seconds, sliding every 10; batches are 1 second. Run a server with
 *   `nc -lk 9999`, then `npm run example -- WindowedWordCount localhost 9999`.
 */
import { parseArgs } from "node:util";
import { SparkConf, StreamingContext, Seconds } from "../src/index.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: "string" }, master: { type: "string", default: "local[2]" } },
});
if (positionals.length < 2) {
  console.error("Usage: WindowedWordCount <hostname> <port> [<windowSeconds> <slideSeconds>] [--seconds N] [--master local[2]]");
  process.exit(1);
}
const [hostname, port, windowSeconds = "30", slideSeconds = "10"] = positionals as [string, string, string?, string?];

const sparkConf = new SparkConf().setAppName("WindowedWordCount").setMaster(values.master!);
const ssc = new StreamingContext(sparkConf, Seconds(1));

const lines = ssc.socketTextStream(hostname, Number(port));
const pairs = lines.flatMap((line) => line.split(" ")).map((word) => [word, 1] as [string, number]);
// Reduce last `windowSeconds` of data, every `slideSeconds`
const windowedWordCounts = pairs.reduceByKeyAndWindow((a, b) => a + b, Seconds(Number(windowSeconds)), Seconds(Number(slideSeconds)));
windowedWordCounts.print();
ssc.start();
if (values.seconds === undefined) {
  await ssc.awaitTermination();
} else {
  await ssc.awaitTerminationOrTimeout(Number(values.seconds) * 1000);
  await ssc.stop({ stopGracefully: true });
}
