/**
 * Log analytics on Apache/Nginx access logs (combined format), in event time: status codes and
 * the top URLs per 1-minute window, the 5xx rate per client host over 5-minute windows sliding
 * every minute, and an alert when that rate passes a threshold. Malformed lines are counted and
 * written to a dead-letter output, never dropped.
 *
 * Usage: npm run example -- LogAnalytics [--socket host:port | --dir <directory>] [--out <directory>]
 *          [--threshold 0.2] [--seconds N] [--master local[2]]
 *   --socket reads log lines from a TCP server (e.g. `tail -F access.log | nc -lk 9999`);
 *   --dir reads each new file moved into the directory.
 *   Without either, a loopback server streams a built-in sample: ten minutes of traffic in which
 *   10.0.0.3 sees a burst of server errors.
 *   --out is where the windows, alerts and dead letters are written (a new temporary directory by default).
 *   --seconds N stops the application after N seconds (it runs until killed otherwise).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isMainThread } from "node:worker_threads";
import { SparkConf, StreamingContext, Seconds, Minutes, type DStream, type WindowResult } from "../src/index.js";
import { parseAccessLog, type AccessLogEntry } from "./support/accessLog.js";
import { runExample } from "./support/runExample.js";

const { values } = parseArgs({
  options: {
    socket: { type: "string" },
    dir: { type: "string" },
    out: { type: "string" },
    threshold: { type: "string", default: "0.2" },
    seconds: { type: "string" },
    master: { type: "string", default: "local[2]" },
  },
});
const threshold = Number(values.threshold);
if (!(threshold > 0 && threshold <= 1)) {
  console.error(`LogAnalytics: --threshold must be a fraction in (0, 1], got ${values.threshold}`);
  process.exit(2);
}

const sparkConf = new SparkConf().setAppName("LogAnalytics").setMaster(values.master!);
const ssc = new StreamingContext(sparkConf, Seconds(1));
const out = values.out ?? (isMainThread ? mkdtempSync(join(tmpdir(), "dstream-loganalytics-")) : join(tmpdir(), "unused"));
ssc.checkpoint(join(out, "checkpoint"));

let sample: { close(): void } | undefined;
let lines: DStream<string>;
if (values.dir !== undefined) lines = ssc.textFileStream(values.dir);
else {
  let [host, port] = (values.socket ?? "").split(":");
  if (values.socket === undefined) {
    // The embedded default. Executors reload this module only to rebuild its functions: only the driver serves.
    const { sampleAccessLog } = await import("./support/accessLog.js");
    const { startLineServer } = await import("./support/lineServer.js");
    const server = isMainThread ? await startLineServer(sampleAccessLog()) : { port: 1, close() {} };
    sample = server;
    [host, port] = ["127.0.0.1", String(server.port)];
    if (isMainThread) console.error(`No --socket or --dir given: streaming a sample access log from 127.0.0.1:${server.port}.`);
  }
  if (!host || !Number.isInteger(Number(port))) {
    console.error(`LogAnalytics: --socket must be host:port, got ${values.socket}`);
    process.exit(2);
  }
  lines = ssc.socketTextStream(host, Number(port));
}
if (isMainThread) console.error(`Writing windows, alerts and dead letters under ${out}.`);

// A receiver's partitions are its blocks, which change every batch: idleTimeout lets the watermark
// follow the blocks that still arrive. Records may be up to 10 s out of order.
const eventTime = { maxOutOfOrderness: Seconds(10), idleTimeout: Seconds(2) } as const;

// Lines that do not parse go to the dead letters with the parser's reason.
const checked = lines.withEventTime((line) => parseAccessLog(line).time, { ...eventTime, invalidEventTime: "deadLetter" });
const entries = checked.map(parseAccessLog);
const keyedBy = <K>(key: (e: AccessLogEntry) => K) => entries.map((e) => [key(e), e] as [K, AccessLogEntry]).withEventTime(([, e]) => e.time, eventTime);

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
const span = (w: WindowResult<unknown>): string => `${hhmm(w.start)}-${hhmm(w.end)}`;

const statusCounts = keyedBy((e) => e.status)
  .windowByEventTime(Minutes(1))
  .count()
  .map(([status, w]) => `status ${span(w)} ${status} ${w.value}`);

const topUrls = keyedBy((e) => e.url)
  .windowByEventTime(Minutes(1))
  .count()
  .transform((rdd) =>
    rdd
      .map(([url, w]) => [span(w), [url, w.value]] as [string, [string, number]])
      .groupByKey()
      .flatMap(([window, urls]) =>
        urls
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, 3)
          .map(([url, n], i) => `top ${window} ${i + 1}. ${url} ${n}`),
      ),
  );

const errorRates = keyedBy((e) => e.host)
  .windowByEventTime(Minutes(5), Minutes(1))
  .aggregate(
    (e) => [e.status >= 500 ? 1 : 0, 1] as [number, number],
    ([errors, total], e) => [errors + (e.status >= 500 ? 1 : 0), total + 1] as [number, number],
    ([e1, t1], [e2, t2]) => [e1 + e2, t1 + t2] as [number, number],
  );
const rates = errorRates.map(([host, w]) => `rate ${span(w)} ${host} ${w.value[0]}/${w.value[1]}`);
// Too few requests say nothing about a rate: at least 20 in the window.
const alerts = errorRates
  .filter(([, w]) => w.value[1] >= 20 && w.value[0] / w.value[1] > threshold)
  .map(([host, w]) => `ALERT ${span(w)} ${host} 5xx rate ${((100 * w.value[0]) / w.value[1]).toFixed(1)}% (${w.value[0]} of ${w.value[1]})`);
const malformed = checked.deadLetters().map(([line, reason]) => `malformed (${reason}): ${line}`);

statusCounts.union(topUrls).union(alerts).union(malformed).pprint(1000);
statusCounts.saveAsTextFiles(join(out, "status"), "txt");
topUrls.saveAsTextFiles(join(out, "top-urls"), "txt");
rates.saveAsTextFiles(join(out, "error-rates"), "txt");
alerts.saveAsTextFiles(join(out, "alerts"), "txt");
malformed.saveAsTextFiles(join(out, "dead-letters"), "txt");

await runExample(ssc, values.seconds);
if (isMainThread) console.error(`Malformed lines: ${checked.deadLetterCount()}.`);
sample?.close();
