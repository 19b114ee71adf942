/**
 * dstream's side of bench:vs-spark: the same word counts as SparkWordCounts.java, each in a process
 * of its own, reporting each completed batch on standard output in the same line format.
 *
 *   socket MASTER PORT BATCH_MS                       socketTextStream on 127.0.0.1:PORT until killed
 *   kafka MASTER BOOTSTRAP TOPIC RATE BATCH_MS TOTAL  direct stream from the earliest offsets, with
 *                                                     maxRatePerPartition RATE, until TOTAL records
 */
import { Milliseconds, SparkContext, StreamingContext, type DStream } from "../../src/index.js";
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from "../../src/connectors/kafka/index.js";

const [mode, master, ...rest] = process.argv.slice(2);
const batchMs = Number(mode === "socket" ? rest[1] : rest[3]);
const total = mode === "kafka" ? Number(rest[4]) : Infinity;
// Module reload would re-run this program's top level on every executor; every function here ships by source.
const sc = new SparkContext({ master: master!, appName: `vs-spark-${mode}`, conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false" } });
if (mode === "kafka") sc.conf.set("spark.streaming.kafka.maxRatePerPartition", rest[2]!);
const ssc = new StreamingContext(sc, Milliseconds(batchMs));

let seen = 0;
let startedAt = 0;
let drained!: () => void;
const done = new Promise<void>((r) => (drained = r));
ssc.addStreamingListener({
  onBatchCompleted: ({ batchInfo: b }) => {
    const line = { time: b.batchTime.milliseconds, records: b.numRecords, processingMs: b.processingDelay ?? -1, schedulingMs: b.schedulingDelay ?? -1, totalMs: b.totalDelay ?? -1 };
    console.log(`BATCH ${JSON.stringify(line)}`);
    seen += b.numRecords;
    if (seen >= total) {
      console.log(`DONE ${JSON.stringify({ elapsedMs: Date.now() - startedAt })}`);
      drained();
    }
  },
});

let lines: DStream<string>;
if (mode === "socket") {
  lines = ssc.socketTextStream("127.0.0.1", Number(rest[0]));
} else {
  const params = {
    "bootstrap.servers": rest[0]!,
    "group.id": `vs-spark-${process.pid}-${Date.now()}`,
    "auto.offset.reset": "earliest",
    "enable.auto.commit": false,
    "max.partition.fetch.bytes": 8 * 1024 * 1024,
    "fetch.max.bytes": 64 * 1024 * 1024,
  };
  lines = KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe([rest[1]!], params)).map((r) => r.value);
}
lines
  .flatMap((l) => l.split(" "))
  .map((w) => [w, 1] as [string, number])
  .reduceByKey((a, b) => a + b)
  .foreachRDD(async (rdd) => {
    await rdd.count();
  });
startedAt = Date.now();
ssc.start();
console.log("STARTED");
if (mode === "kafka") {
  await done;
  await ssc.stop();
} else {
  await ssc.awaitTermination();
}
