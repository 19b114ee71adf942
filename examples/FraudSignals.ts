/**
 * Risk control on card payments: per card, mapWithState keeps what three velocity rules need and
 * emits a risk signal when one fires:
 *   velocity  more than --max-per-minute payments (default 5) within 60 s of event time;
 *   countries payments from 3 or more countries within an hour;
 *   amount    an amount above 5 × the card's running mean, once the card has 5 payments.
 * StateSpec.timeout frees the state of a card that has not paid for --timeout seconds (one last
 * call, with state.isTimingOut(), prints what is dropped), so state follows the active cards.
 *
 * Usage: npx dstream run-example FraudSignals [--bootstrap host:port [--topic payments]]
 *          [--max-per-minute 5] [--timeout 3] [--seconds N] [--checkpoint <directory>] [--master local[2]]
 *   --bootstrap reads JSON payments ({"id","card","amount","country","time"}, time in epoch ms)
 *   from a Kafka topic (payments by default) with the direct stream, from the earliest offset.
 *   Without it, twelve batches of generated payments (seed 7, ten minutes of event time each)
 *   are queued in-process, one per batch.
 *   --seconds N stops the application after N seconds (it runs until killed otherwise).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isMainThread } from "node:worker_threads";
import { SparkConf, StreamingContext, Seconds, StateSpec, type DStream, type RDD, type State } from "../src/index.js";
import { byTime, type Payment } from "./support/payments.js";
import { runExample } from "./support/runExample.js";

const { values } = parseArgs({
  options: {
    bootstrap: { type: "string" },
    topic: { type: "string", default: "payments" },
    "max-per-minute": { type: "string", default: "5" },
    timeout: { type: "string", default: "3" },
    seconds: { type: "string" },
    checkpoint: { type: "string" },
    master: { type: "string", default: "local[2]" },
  },
});
const maxPerMinute = Number(values["max-per-minute"]);
const timeoutSeconds = Number(values.timeout);
if (!Number.isInteger(maxPerMinute) || maxPerMinute < 1 || !(timeoutSeconds > 0)) {
  console.error(`FraudSignals: --max-per-minute must be a positive integer and --timeout a positive number of seconds, got ${values["max-per-minute"]} and ${values.timeout}`);
  process.exit(2);
}

const sparkConf = new SparkConf().setAppName("FraudSignals").setMaster(values.master!);
const ssc = new StreamingContext(sparkConf, Seconds(1));
ssc.checkpoint(values.checkpoint ?? (isMainThread ? mkdtempSync(join(tmpdir(), "dstream-fraudsignals-")) : join(tmpdir(), "unused")));

let payments: DStream<Payment>;
if (values.bootstrap !== undefined) {
  const { kafkaLines } = await import("./support/kafkaLines.js");
  payments = kafkaLines(ssc, values.bootstrap, values.topic!, "dstream-fraud-signals").map((line) => JSON.parse(line) as Payment);
} else {
  // The embedded default: one queued RDD per batch, so each batch holds the same payments on every run.
  const queue: Array<RDD<Payment>> = [];
  if (isMainThread) {
    const { samplePayments } = await import("./support/payments.js");
    for (const batch of samplePayments()) queue.push(ssc.sparkContext.parallelize(batch, 1));
    console.error(`No --bootstrap given: queueing ${queue.length} batches of generated payments.`);
  }
  payments = ssc.queueStream(queue);
}

/** What the rules remember of a card: its count and total for the mean, and its last hour of payments. */
interface CardState {
  count: number;
  total: number;
  recent: Array<[time: number, country: string]>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const hhmmss = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

// A batch's payments of one card arrive together, so they are judged in event-time order whatever the partitioning.
const judge = (card: string, batch: Payment[] | undefined, state: State<CardState>): string[] => {
  if (state.isTimingOut()) {
    const s = state.get();
    return [`freed ${card}: idle for ${timeoutSeconds} s after ${s.count} payments, mean ${(s.total / s.count).toFixed(2)}`];
  }
  const s: CardState = state.getOption() ?? { count: 0, total: 0, recent: [] };
  const signals: string[] = [];
  for (const p of [...(batch ?? [])].sort(byTime)) {
    const at = `signal ${card} at ${hhmmss(p.time)}`;
    const hour = s.recent.filter(([t]) => t > p.time - HOUR);
    const inMinute = 1 + hour.filter(([t]) => t > p.time - MINUTE).length;
    if (inMinute > maxPerMinute) signals.push(`${at} velocity: ${inMinute} payments within 60 s`);
    const countries = new Set(hour.map(([, c]) => c));
    if (!countries.has(p.country) && countries.size >= 2) signals.push(`${at} countries: ${[...countries, p.country].sort().join(", ")} within 1 h`);
    if (s.count >= 5 && p.amount > 5 * (s.total / s.count)) signals.push(`${at} amount: ${p.amount.toFixed(2)} > 5 × mean ${(s.total / s.count).toFixed(2)}`);
    s.count++;
    s.total += p.amount;
    s.recent = [...hour, [p.time, p.country]];
  }
  state.update(s);
  return signals;
};

const perCard = payments
  .map((p) => [p.card, p] as [string, Payment])
  .groupByKey()
  .mapWithState(StateSpec.function(judge).timeout(Seconds(timeoutSeconds)));
// Timeouts are found when the state is checkpointed: every batch, so that a card is freed as soon as it is idle.
perCard.checkpoint(Seconds(1));

const lines = perCard.flatMap((ls) => ls);
const signals = lines.filter((l) => l.startsWith("signal "));
const counts = signals.count().map((n) => `signals: ${n}`);
const tracked = perCard.stateSnapshots().count().map((n) => `tracked cards: ${n}`);

lines.union(counts).union(tracked).pprint(1000);

await runExample(ssc, values.seconds);
