/**
 * Pushes an RDD of the numbers 1 to 1000 into a queue every second and counts them by their
 * last digit (a port of Spark's QueueStream).
 *
 * Usage: npm run example -- QueueStream [--seconds N] [--master local[2]]
 *   --seconds N pushes for N seconds (30, as in Spark, by default), then stops.
 */
import { parseArgs } from "node:util";
import { SparkConf, StreamingContext, Seconds, type RDD } from "../src/index.js";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "30" }, master: { type: "string", default: "local[2]" } },
});

const sparkConf = new SparkConf().setAppName("QueueStream").setMaster(values.master!);
// Create the context
const ssc = new StreamingContext(sparkConf, Seconds(1));

// Create the queue through which RDDs can be pushed to a QueueInputDStream
const rddQueue: Array<RDD<number>> = [];

// Create the QueueInputDStream and use it do some processing
const inputStream = ssc.queueStream(rddQueue);
const mappedStream = inputStream.map((x) => [x % 10, 1] as [number, number]);
const reducedStream = mappedStream.reduceByKey((a, b) => a + b);
reducedStream.print();
ssc.start();

// Create and push some RDDs into rddQueue. Waiting on the context rather than sleeping also
// ends the loop early if the context stops.
const oneToThousand = Array.from({ length: 1000 }, (_, i) => i + 1);
for (let i = 1; i <= Number(values.seconds); i++) {
  rddQueue.push(ssc.sparkContext.makeRDD(oneToThousand, 10));
  if (await ssc.awaitTerminationOrTimeout(1000)) break;
}
await ssc.stop();
