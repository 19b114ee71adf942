/**
 * One copy of the word count that bench:scaleout (bench/scaleout.ts) starts as a child process.
 *
 *   --mode repartition: lines -> words -> so.repartition("words") -> reduceByKey -> so.writeTransactional
 *   --mode direct:      lines -> words -> reduceByKey on the copy's own input -> so.writeTransactional
 *                       (what the repartition topic costs: no re-keying, so the counts are per copy)
 *
 * Prints on stdout "REPORT <json>" once started, "ASSIGNED <json>" after every rebalance and
 * "COMMITTED <json>" after every batch's transaction; each carries `at`, this process's Date.now()
 * when it happened, so that the parent times events where they happen, not when it reads them.
 *
 * Usage: node --import tsx bench/scaleOutCopy.ts --brokers B --app ID --instance ID --input T --output T
 *          [--mode repartition|direct] [--master local[1]] [--batch-ms 1000] [--rate 0] [--session-ms 6000]
 *          [--first-batch-delay-ms 4000]
 */
import { parseArgs } from "node:util";
import { Milliseconds, SparkConf, StreamingContext } from "../src/index.js";
import { KafkaScaleOut } from "../src/connectors/kafka-scaleout/index.js";

const { values } = parseArgs({
  options: {
    brokers: { type: "string" },
    app: { type: "string" },
    instance: { type: "string" },
    input: { type: "string" },
    output: { type: "string" },
    mode: { type: "string", default: "repartition" },
    master: { type: "string", default: "local[1]" },
    "batch-ms": { type: "string", default: "1000" },
    rate: { type: "string", default: "0" },
    "session-ms": { type: "string", default: "6000" },
    "first-batch-delay-ms": { type: "string", default: "4000" },
  },
});
for (const k of ["brokers", "app", "instance", "input", "output"] as const) {
  if (values[k] === undefined) throw new Error(`bench/scaleOutCopy: --${k} is required`);
}
if (values.mode !== "repartition" && values.mode !== "direct") throw new Error(`bench/scaleOutCopy: --mode is repartition or direct, got '${values.mode}'`);

const conf = new SparkConf().setAppName(`bench-scaleout-${values.instance}`).setMaster(values.master!).set("spark.ui.enabled", "false");
if (Number(values.rate) > 0) conf.set("spark.streaming.kafka.maxRatePerPartition", values.rate!);
const ssc = new StreamingContext(conf, Milliseconds(Number(values["batch-ms"])));
const so = new KafkaScaleOut(ssc, {
  applicationId: values.app!,
  instanceId: values.instance!,
  kafkaParams: { "bootstrap.servers": values.brokers!, "auto.offset.reset": "earliest" },
  sessionTimeoutMs: Number(values["session-ms"]),
  firstBatchDelayMs: Number(values["first-batch-delay-ms"]),
});
const pairs = so
  .createStream([values.input!])
  .flatMap((r) => r.value.split(" "))
  .map((w): [string, number] => [w, 1]);
const counts = (values.mode === "repartition" ? so.repartition("words", pairs) : pairs).reduceByKey((a, b) => a + b);
so.writeTransactional(counts, values.output!);

const say = (tag: string, o: object): void => void process.stdout.write(`${tag} ${JSON.stringify({ at: Date.now(), ...o })}\n`);
so.onAssigned((s) => say("ASSIGNED", { generationId: s.generationId, tasks: s.tasks }));
so.onBatchCommitted((b) => say("COMMITTED", { time: b.time, generationId: b.generationId, tasks: b.tasks, inputRanges: b.inputRanges, records: b.records }));
if (process.env.BENCH_SO_TRACE === "1") {
  // Where a batch's time goes: its submission (after the inputs' prepareBatch), its start, and each output operation.
  ssc.addStreamingListener({
    onBatchCompleted: ({ batchInfo: b }) => {
      const ops = [...b.outputOperationInfos.values()].map((o) => `${o.description}=${o.duration ?? "?"}ms`).join(" ");
      process.stderr.write(`TRACE batch ${b.batchTime.milliseconds} records ${b.numRecords} submitted +${b.submissionTime - b.batchTime.milliseconds}ms scheduling ${b.schedulingDelay}ms processing ${b.processingDelay}ms ${ops}\n`);
    },
  });
}
// Stopping with SIGTERM exits normally, so that a copy run with --cpu-prof writes its profile.
process.once("SIGTERM", () => process.exit(0));
say("REPORT", await so.start());
await ssc.awaitTermination();
