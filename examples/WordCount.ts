/**
 * Word count on the RDD engine: the batch job every streaming word count builds on.
 * Usage: npm run example -- WordCount [file] [master]   (defaults: bundled sample text, local[2])
 */
import { fileURLToPath } from "node:url";
import { SparkContext } from "../src/index.js";

const input = process.argv[2] ?? fileURLToPath(new URL("./data/sample.txt", import.meta.url));
const master = process.argv[3] ?? "local[2]";

const sc = new SparkContext({ master, appName: "WordCount" });
const counts = sc
  .textFile(input)
  .flatMap((line) => line.split(/\s+/))
  .filter((word) => word.length > 0)
  .map((word) => [word, 1] as [string, number])
  .reduceByKey((a, b) => a + b);

const top = await counts.takeOrdered(10, (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
console.log(`Top words in ${input} (${await counts.count()} distinct):`);
for (const [word, n] of top) console.log(`${String(n).padStart(6)}  ${word}`);
await sc.stop();
