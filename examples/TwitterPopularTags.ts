/**
 * The most popular hashtags over the last 60 and the last 10 seconds of tweets from X's filtered
 * stream (a port of Spark's TwitterPopularTags).
 *
 * Usage: npm run example -- TwitterPopularTags [<filters>...] [--seconds N] [--master local[2]]
 *   With X_BEARER_TOKEN set, reads X API v2's filtered stream with <filters> as its rules.
 *   Without it, a built-in loopback server stands in for X and streams made-up tweets.
 *   --seconds N stops the application after N seconds (it runs until killed otherwise).
 */
import { parseArgs } from "node:util";
import { isMainThread } from "node:worker_threads";
import { SparkConf, StreamingContext, Seconds } from "../src/index.js";
import { TwitterUtils } from "../src/connectors/twitter/index.js";
import { runExample } from "./support/runExample.js";

const { positionals: filters, values } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: "string" }, master: { type: "string", default: "local[2]" } },
});

const sparkConf = new SparkConf().setAppName("TwitterPopularTags").setMaster(values.master!);
let token = process.env.X_BEARER_TOKEN;
// The embedded default: a stand-in for X on loopback. Executors reload this module on worker
// threads only to rebuild its functions; only the driver (the main thread) serves and connects.
let sample: { apiBase: string; close(): void } | undefined;
if (token === undefined || token === "") {
  token = "sample-token";
  if (isMainThread) {
    const { startSampleTweetServer } = await import("./support/sampleTweetServer.js");
    sample = await startSampleTweetServer();
    console.error(`No X_BEARER_TOKEN set: reading made-up tweets from a loopback stand-in for X at ${sample.apiBase}.`);
  }
  sparkConf.set("spark.twitter.apiBase", sample?.apiBase ?? "http://127.0.0.1:1");
}
const ssc = new StreamingContext(sparkConf, Seconds(2));
const stream = TwitterUtils.createStream(ssc, { bearerToken: token }, filters);

const hashTags = stream.flatMap((status) => status.text.split(" ").filter((w) => w.startsWith("#")));

for (const windowSeconds of [60, 10]) {
  const topCounts = hashTags
    .map((tag): [string, number] => [tag, 1])
    .reduceByKeyAndWindow((a, b) => a + b, Seconds(windowSeconds))
    .map(([topic, count]): [number, string] => [count, topic])
    .transform((rdd) => rdd.sortByKey(false));
  topCounts.foreachRDD(async (rdd) => {
    const topList = await rdd.take(10);
    console.log(`\nPopular topics in last ${windowSeconds} seconds (${await rdd.count()} total):`);
    for (const [count, tag] of topList) console.log(`${tag} (${count} tweets)`);
  });
}

await runExample(ssc, values.seconds);
sample?.close();
