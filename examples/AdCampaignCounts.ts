/**
 * The Yahoo Streaming Benchmark's pipeline ("ad serving"), in event time: JSON ad events are
 * parsed, views kept, each ad joined to its campaign through a broadcast table, and views counted
 * per campaign in 10-second event-time windows.
 *
 * Output is exactly-once: each batch's closed windows go to a directory named after the batch
 * time, whose part files are written under a temporary name and renamed into place. The
 * checkpoint fixes what each batch contains, so a batch rerun after a crash rewrites the same
 * directory with the same lines: a consumer reading complete part files never sees a window
 * twice or a partial one.
 *
 * Usage: npx dstream run-example AdCampaignCounts [--bootstrap host:port --topic name [--max-rate-per-partition N]]
 *          [--out <directory>] [--seconds N] [--master local[2]]
 *   --bootstrap/--topic read YSB's JSON events from a Kafka topic (the direct stream, from the
 *   earliest offset); ad ids must be those of the table below (ad-0000 .. ad-0063). Run it
 *   again with the same --out after a crash and it resumes from the checkpoint there
 *   (StreamingContext.getOrCreate), rerunning the batches it missed with the same offsets.
 *   --max-rate-per-partition caps the records a batch reads per partition and second
 *   (spark.streaming.kafka.maxRatePerPartition).
 *   Without them, a loopback server streams 4000 generated events (seed 42) over two minutes of
 *   event time.
 *   --out is where the counts are written (a new temporary directory by default).
 *   --seconds N stops the application after N seconds (it runs until killed otherwise).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isMainThread } from "node:worker_threads";
import { SparkConf, StreamingContext, Seconds, type DStream } from "../src/index.js";
import { adCampaignTable, type AdEvent } from "./support/adEvents.js";
import { runExample } from "./support/runExample.js";

const { values } = parseArgs({
  options: {
    bootstrap: { type: "string" },
    topic: { type: "string" },
    out: { type: "string" },
    seconds: { type: "string" },
    master: { type: "string", default: "local[2]" },
    "max-rate-per-partition": { type: "string" },
  },
});
if ((values.bootstrap === undefined) !== (values.topic === undefined)) {
  console.error("AdCampaignCounts: --bootstrap and --topic go together, e.g. --bootstrap 127.0.0.1:9092 --topic ad-events");
  process.exit(2);
}

// The embedded default. Executors reload this module only to rebuild its functions: only the driver serves.
let sample: { close(): void; port: number } | undefined;
if (values.bootstrap === undefined) {
  const { sampleAdEvents } = await import("./support/adEvents.js");
  const { startLineServer } = await import("./support/lineServer.js");
  sample = isMainThread ? await startLineServer(sampleAdEvents()) : { port: 1, close() {} };
  if (isMainThread) console.error(`No --bootstrap/--topic given: streaming generated ad events from 127.0.0.1:${sample.port}.`);
}
const kafka = values.bootstrap === undefined ? undefined : await import("./support/kafkaLines.js");
const out = values.out ?? (isMainThread ? mkdtempSync(join(tmpdir(), "dstream-adcampaigns-")) : join(tmpdir(), "unused"));
const checkpointDir = join(out, "checkpoint");
if (isMainThread) console.error(`Writing campaign counts under ${out}.`);

/** The application's graph; getOrCreate also calls it to resume, so it builds the same graph every time. */
function createContext(): StreamingContext {
  const sparkConf = new SparkConf().setAppName("AdCampaignCounts").setMaster(values.master!);
  if (values["max-rate-per-partition"] !== undefined) sparkConf.set("spark.streaming.kafka.maxRatePerPartition", values["max-rate-per-partition"]);
  const ssc = new StreamingContext(sparkConf, Seconds(1));
  ssc.checkpoint(checkpointDir);

  let lines: DStream<string>;
  if (kafka !== undefined) {
    lines = kafka.kafkaLines(ssc, values.bootstrap!, values.topic!, "dstream-ad-campaign-counts");
  } else {
    lines = ssc.socketTextStream("127.0.0.1", sample!.port);
  }

  const campaigns = ssc.sparkContext.broadcast(adCampaignTable());

  const parse = (line: string): AdEvent => {
    const e = JSON.parse(line) as AdEvent;
    const time = Number(e.event_time);
    if (!Number.isFinite(time)) throw new Error(`event_time ${JSON.stringify(e.event_time)} is not epoch milliseconds`);
    return e;
  };
  // Unparseable events go to the dead letters with the reason, never dropped silently.
  const checked = lines.withEventTime((line) => Number(parse(line).event_time), { maxOutOfOrderness: Seconds(5), idleTimeout: Seconds(2), invalidEventTime: "deadLetter" });
  const views = checked
    .map(parse)
    .filter((e) => e.event_type === "view")
    .map((e) => [campaigns.value[e.ad_id] ?? `unknown-ad ${e.ad_id}`, Number(e.event_time)] as [string, number])
    .withEventTime(([, time]) => time, { maxOutOfOrderness: Seconds(5), idleTimeout: Seconds(2) });

  const iso = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
  const counts = views
    .windowByEventTime(Seconds(10))
    .count()
    .map(([campaign, w]) => `${campaign} ${iso(w.start)}-${iso(w.end)} ${w.value}`);
  const malformed = checked.deadLetters().map(([line, reason]) => `malformed (${reason}): ${line}`);

  counts.union(malformed).pprint(1000);
  counts.saveAsTextFiles(join(out, "counts"), "txt");
  malformed.saveAsTextFiles(join(out, "dead-letters"), "txt");
  return ssc;
}

// Kafka can replay what a checkpointed batch read, so a rerun resumes; a socket cannot (and the
// embedded server's port is new each run), so that path always starts afresh.
const ssc = kafka !== undefined ? StreamingContext.getOrCreate(checkpointDir, createContext) : createContext();
await runExample(ssc, values.seconds);
sample?.close();
