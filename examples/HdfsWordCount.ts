/**
 * Counts words in new text files created in the given directory, every 2 seconds (a port of
 * Spark's HdfsWordCount). The directory may be local or on HDFS.
 *
 * Usage: npm run example -- HdfsWordCount <directory> [--seconds N] [--master local[2]] [--namenode-http host:port]
 *   <directory> is the directory to watch, a local path or hdfs://namenode:8020/path. Move
 *   complete text files into it (write them elsewhere, or under a name starting with "." or
 *   "_", then rename), and their words are counted in the next batch. --namenode-http is the
 *   NameNode's WebHDFS address (spark.hadoop.dfs.namenode.http-address; default: the hdfs://
 *   host, port 9870).
 */
import { parseArgs } from "node:util";
import { SparkConf, StreamingContext, Seconds } from "../src/index.js";
// Registers hdfs:// and webhdfs:// paths.
import "../src/connectors/hdfs/index.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: "string" }, master: { type: "string", default: "local[2]" }, "namenode-http": { type: "string" } },
});
if (positionals.length < 1) {
  console.error("Usage: HdfsWordCount <directory> [--seconds N] [--master local[2]] [--namenode-http host:port]");
  process.exit(1);
}

const sparkConf = new SparkConf().setAppName("HdfsWordCount").setMaster(values.master!);
if (values["namenode-http"]) sparkConf.set("spark.hadoop.dfs.namenode.http-address", values["namenode-http"]);
// Create the context
const ssc = new StreamingContext(sparkConf, Seconds(2));

// Create the FileInputDStream on the directory and use the stream to count words in new files created
const lines = ssc.textFileStream(positionals[0]!);
const words = lines.flatMap((line) => line.split(" "));
const wordCounts = words.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b);
wordCounts.print();
ssc.start();
if (values.seconds === undefined) {
  await ssc.awaitTermination();
} else {
  await ssc.awaitTerminationOrTimeout(Number(values.seconds) * 1000);
  await ssc.stop({ stopGracefully: true });
}
