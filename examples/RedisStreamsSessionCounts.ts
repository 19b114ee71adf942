/**
 * Counts the events of each session read from a Redis stream with mapWithState, and keeps the
 * running count of every session in a Redis hash, each batch written once (RedisSink).
 *
 * Usage: npm run example -- RedisStreamsSessionCounts <redisUrl> <inputStream> <outputHash> [--seconds N] [--checkpoint DIR] [--master local[2]]
 *   <inputStream> is a Redis stream whose entries have a `session` field, e.g.
 *     redis-cli XADD clicks '*' session s1 page /home
 *   <outputHash> receives session -> events seen so far (redis-cli HGETALL <outputHash>).
 *   The stream is read in the consumer group "dstream-sessions" from its beginning.
 *   --seconds N stops the application after N seconds (it runs until killed otherwise).
 *   --checkpoint defaults to a temporary directory removed at exit.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SparkConf, StreamingContext, Seconds, StateSpec, type State } from "../src/index.js";
import { RedisSink, RedisUtils } from "../src/connectors/redis/index.js";
import { runExample } from "./support/runExample.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: "string" }, checkpoint: { type: "string" }, master: { type: "string", default: "local[2]" } },
});
if (positionals.length !== 3) {
  console.error("Usage: RedisStreamsSessionCounts <redisUrl> <inputStream> <outputHash> [--seconds N] [--checkpoint DIR] [--master local[2]]");
  process.exit(1);
}
const [url, inputStream, outputHash] = positionals as [string, string, string];

const sparkConf = new SparkConf().setAppName("RedisStreamsSessionCounts").setMaster(values.master!);
const ssc = new StreamingContext(sparkConf, Seconds(1));
// The executors (threads of this process) reload this file, so they compute the same default path.
const checkpointDir = values.checkpoint ?? join(tmpdir(), `RedisStreamsSessionCounts-${process.pid}`);
if (values.checkpoint === undefined) process.once("exit", () => rmSync(checkpointDir, { recursive: true, force: true }));
ssc.checkpoint(checkpointDir);

const events = RedisUtils.createStream(ssc, { url, key: inputStream, group: "dstream-sessions", consumer: "session-counts" });
const sessions = events.map((e) => [e.fields.session ?? "(no session)", 1] as [string, number]);

// A stream of (session, events so far), one per event
const countSoFar = (session: string, one: number | undefined, state: State<number>): [string, number] => {
  const sum = (one ?? 0) + (state.getOption() ?? 0);
  state.update(sum);
  return [session, sum];
};
// The highest count of each session in the batch is its count at the batch's end.
const latest = sessions.mapWithState(StateSpec.function(countSoFar)).reduceByKey((a, b) => Math.max(a, b));
RedisSink.write(latest, { url, queryId: `RedisStreamsSessionCounts:${outputHash}`, mode: { type: "hash", key: outputHash } });
latest.print();

await runExample(ssc, values.seconds);
