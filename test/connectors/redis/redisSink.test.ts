import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { sharedRedis } from "./sharedRedis.js";
import { RedisSink, type RedisSinkMode, type RedisSinkRecord } from "../../../src/connectors/redis/index.js";
import { Time } from "../../../src/index.js";
import { suiteContext, withStreaming } from "../../streaming/receivers/support.js";
import { REDIS_URL, advanceUntil, freePort, uniqueName } from "../services.js";

const redis = sharedRedis();

describe("RedisSink against Redis", () => {
  const sc = suiteContext("local[2]");

  /** Runs batches of pairs through a queueStream into a hash sink; `runs` identical runs model replays after recovery. */
  async function hashRuns(batches: Array<Array<[string, number]>>, key: string, queryId: string, runs: number): Promise<RedisSink[]> {
    const sinks: RedisSink[] = [];
    for (let r = 0; r < runs; r++) {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const queue = batches.map((b) => ssc.sparkContext.parallelize(b, 2));
        const sink = RedisSink.write(ssc.queueStream(queue), { url: REDIS_URL, queryId, mode: { type: "hash", key } });
        sinks.push(sink);
        ssc.start();
        await advanceUntil(clock, () => sink.written + sink.skipped >= batches.length * 2, `${batches.length} batches written`);
        await sink.close();
      });
    }
    return sinks;
  }

  test("hash mode: every batch lands through HSET, and a replay of the same batches writes nothing again", async () => {
    const key = uniqueName("dstream-sink-hash");
    const batches: Array<Array<[string, number]>> = [
      [["a", 1], ["b", 2], ["c", 3]],
      [["b", 20], ["d", 4]],
    ];
    const [first, replay] = await hashRuns(batches, key, uniqueName("q"), 2);
    assert.deepEqual({ ...(await redis.hGetAll(key)) }, { a: "1", b: "20", c: "3", d: "4" });
    assert.equal(first!.written, 4);
    assert.equal(replay!.written, 0);
    assert.equal(replay!.skipped, 4);
  });

  test("stream mode: a replayed partition is appended once (XADD would otherwise duplicate it); MAXLEN caps the stream", async () => {
    const key = uniqueName("dstream-sink-stream");
    const sink = directSink({ type: "stream", key });
    const records = Array.from({ length: 50 }, (_, i) => ({ n: String(i) }));
    assert.equal(await sink.writePartition(new Time(1000), 0, records), true);
    assert.equal(await sink.writePartition(new Time(1000), 0, records), false);
    assert.equal(await sink.writePartition(new Time(1000), 1, records.slice(0, 5)), true);
    const entries = await redis.xRange(key, "-", "+");
    assert.deepEqual(entries.map((e) => e.message.n), [...records, ...records.slice(0, 5)].map((r) => r.n));
    await sink.close();

    const capped = uniqueName("dstream-sink-stream");
    const c = directSink({ type: "stream", key: capped, maxLen: 10 });
    await c.writePartition(new Time(1000), 0, records);
    assert.deepEqual((await redis.xRange(capped, "-", "+")).map((e) => e.message.n), records.slice(40).map((r) => r.n));
    await c.close();
  });

  test("sortedSet mode keeps a running top-N across batches, once per batch", async () => {
    const key = uniqueName("dstream-sink-top");
    const sink = directSink({ type: "sortedSet", key, topN: 3 });
    await sink.writePartition(new Time(1000), 0, [["a", 5], ["b", 1], ["c", 9], ["d", 2]]);
    await sink.writePartition(new Time(2000), 0, [["e", 7], ["b", 10]]);
    assert.equal(await sink.writePartition(new Time(2000), 0, [["e", 7], ["b", 10]]), false);
    assert.deepEqual(await redis.zRangeWithScores(key, 0, -1), [
      { value: "e", score: 7 },
      { value: "c", score: 9 },
      { value: "b", score: 10 },
    ]);
    await sink.close();
  });

  test("bad input: malformed URL, bad options, records of the wrong shape, a key of another type", async () => {
    const ds = await withStreaming(sc(), async ({ ssc }) => {
      const s = ssc.queueStream<[string, number]>([]);
      assert.throws(() => RedisSink.write(s, { url: "http://x", queryId: "q", mode: { type: "hash", key: "k" } }), /RedisSink.write: malformed Redis URL "http:\/\/x\/?"/);
      assert.throws(() => RedisSink.write(s, { url: REDIS_URL, queryId: "", mode: { type: "hash", key: "k" } }), /queryId must be a non-empty string/);
      assert.throws(() => RedisSink.write(s, { url: REDIS_URL, queryId: "q", mode: { type: "sortedSet", key: "k", topN: 0 } }), /mode.topN must be a positive integer, got 0/);
      return true;
    });
    assert.equal(ds, true);
    const key = uniqueName("dstream-sink-bad");
    const z = directSink({ type: "sortedSet", key });
    await assert.rejects(z.writePartition(new Time(1000), 0, [["a", Number.NaN]] as RedisSinkRecord[]), /RedisSink \(sortedSet ".*"\): record \["a",null\] is not a \[member, score\] pair/);
    assert.equal(await redis.exists(key), 0, "nothing of a rejected batch is written");
    await redis.set(key, "a string");
    await assert.rejects(z.writePartition(new Time(1000), 0, [["a", 1]]), /holds another type than a sortedSet/);
    await z.close();
  });

  test("a sink whose server is down fails the batch with the command that starts it, and sets no marker", async () => {
    const port = await freePort();
    const sink = directSink({ type: "hash", key: uniqueName("k") }, `redis://127.0.0.1:${port}`);
    await assert.rejects(sink.writePartition(new Time(1000), 0, [["a", 1]]), new RegExp(`RedisSink: cannot connect to redis://127.0.0.1:${port}.*bash scripts/services.sh start redis`));
    assert.equal(sink.written, 0);
  });
});

function directSink(mode: RedisSinkMode, url = REDIS_URL): RedisSink {
  return RedisSink.create({ url, queryId: uniqueName("q"), mode });
}
