import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ZeroMQUtils } from "../../../src/connectors/zeromq/index.js";
import { collectAll, recordReceiverEvents, suiteContext, waitFor, withStreaming } from "../../streaming/receivers/support.js";
import { ZeroMQPeer } from "./peer.js";

const peers: ZeroMQPeer[] = [];
async function peer(kind: "pub" | "push", endpoint?: string): Promise<ZeroMQPeer> {
  const p = await ZeroMQPeer.start(kind, endpoint);
  peers.push(p);
  return p;
}
after(async () => {
  for (const p of peers) await p.kill();
});

describe("ZeroMQ against a real peer", () => {
  const sc = suiteContext("local[2]");

  test("PUB/SUB: the topic frame is skipped, every other frame of a multipart message arrives, other topics are filtered out", async () => {
    const pub = await peer("pub");
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const stream = ZeroMQUtils.createTextStream(ssc, pub.endpoint, ["alpha", "beta"]);
      const out = collectAll(stream);
      ssc.start();
      await pub.subscribed("alpha");
      await pub.subscribed("beta");
      await pub.send("alpha", "a1", "a2", "a3");
      await pub.send("gamma", "filtered");
      await pub.send("beta", "b1");
      await waitFor(() => stream.receivedRecords >= 4, "4 records");
      await clock.advance(1000);
      assert.deepEqual(out, ["a1", "a2", "a3", "b1"]);
    });
  });

  test("a publisher that restarts on the same endpoint: the receiver resubscribes by itself and keeps what it had", async () => {
    let pub = await peer("pub");
    const endpoint = pub.endpoint;
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const events = recordReceiverEvents(ssc);
      const stream = ZeroMQUtils.createTextStream(ssc, endpoint, "t");
      const out = collectAll(stream);
      ssc.start();
      await pub.subscribed("t");
      await pub.send("t", "before");
      await waitFor(() => stream.receivedRecords >= 1, "the first record");
      await pub.kill();
      pub = await peer("pub", endpoint);
      await pub.subscribed("t");
      await pub.send("t", "after");
      await waitFor(() => stream.receivedRecords >= 2, "the record sent after the restart");
      await clock.advance(1000);
      assert.deepEqual(out, ["before", "after"]);
      // Never restarted: the outage is only reported, once, while ZeroMQ reconnects by itself.
      assert.deepEqual(events.filter((e) => e.kind !== "error").map((e) => e.kind), ["started"]);
      assert.match(events.find((e) => e.kind === "error")?.message ?? "", new RegExp(`^ZeroMQ: (the peer at ${endpoint} disconnected|cannot connect the SUB socket to ${endpoint})`));
    });
  });

  test("a high-rate burst once subscribed: nothing is lost", async () => {
    const pub = await peer("pub");
    const n = 20_000;
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const stream = ZeroMQUtils.createTextStream(ssc, pub.endpoint, "");
      const out = collectAll(stream);
      ssc.start();
      await pub.subscribed("");
      await pub.burst(n, "all");
      await waitFor(() => stream.receivedRecords >= n, `${n} records`, 60_000);
      await clock.advance(1000);
      assert.equal(out.length, n);
      assert.equal(new Set(out).size, n);
      assert.equal(out[n - 1], `m${n - 1}`);
    });
  });

  test("PUSH/PULL: every frame is a record (no topic), and a burst arrives whole", async () => {
    const push = await peer("push");
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const stream = ZeroMQUtils.createPullStream(ssc, push.endpoint, ZeroMQUtils.textFrames);
      const out = collectAll(stream);
      ssc.start();
      await push.send("w1", "w2");
      await push.burst(5000);
      await waitFor(() => stream.receivedRecords >= 5002, "5002 records", 60_000);
      await clock.advance(1000);
      assert.deepEqual(out.slice(0, 3), ["w1", "w2", "m0"]);
      assert.equal(out.length, 5002);
    });
  });

  test("a bytesToObjects that throws: a clear error, the message is skipped, nothing already received is lost", async () => {
    const pub = await peer("pub");
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const events = recordReceiverEvents(ssc);
      const stream = ZeroMQUtils.createStream(ssc, pub.endpoint, "", (frames) => {
        const s = frames[0]!.toString();
        if (s === "bad") throw new Error("cannot decode bad");
        return [s];
      });
      const out = collectAll(stream);
      ssc.start();
      await pub.subscribed("");
      await pub.send("t", "good1");
      await pub.send("t", "bad");
      await pub.send("t", "good2");
      await waitFor(() => stream.receivedRecords >= 2 && events.some((e) => e.kind === "error"), "two records and the error");
      await clock.advance(1000);
      assert.deepEqual(out, ["good1", "good2"]);
      const error = events.find((e) => e.kind === "error")!;
      assert.match(error.message, /ZeroMQ: bytesToObjects threw on a message from tcp:\/\/127\.0\.0\.1:\d+ .*skipped.*make bytesToObjects accept/);
      assert.match(error.error, /cannot decode bad/);
    });
  });

  test("a malformed endpoint, an empty or bad topic list, or a bytesToObjects that is no function is a clear error naming the method, the value and the fix", async () => {
    await withStreaming(sc(), async ({ ssc }) => {
      assert.throws(() => ZeroMQUtils.createTextStream(ssc, "localhost:5555", "t"), /ZeroMQUtils\.createTextStream: malformed ZeroMQ endpoint "localhost:5555"; give an endpoint such as tcp:\/\/127\.0\.0\.1:5555/);
      assert.throws(() => ZeroMQUtils.createPullStream(ssc, "tcp://127.0.0.1", ZeroMQUtils.textFrames), /ZeroMQUtils\.createPullStream: ZeroMQ tcp endpoint "tcp:\/\/127\.0\.0\.1" needs host:port/);
      assert.throws(() => ZeroMQUtils.createTextStream(ssc, "tcp://127.0.0.1:70000", "t"), /port 70000, outside 1-65535/);
      const url = "tcp://127.0.0.1:5555";
      assert.throws(() => ZeroMQUtils.createStream(ssc, url, [], ZeroMQUtils.textFrames), /ZeroMQUtils\.createStream: subscribe lists no topic, so the SUB socket would receive nothing; use "" to subscribe to every topic/);
      assert.throws(() => ZeroMQUtils.createStream(ssc, url, [7 as unknown as string], ZeroMQUtils.textFrames), /ZeroMQUtils\.createStream: topic 7 is neither a string nor bytes; use ""/);
      assert.throws(() => ZeroMQUtils.createStream(ssc, url, "t", "utf8" as unknown as typeof ZeroMQUtils.textFrames), /ZeroMQUtils\.createStream: bytesToObjects must be a function from a message's frames to records, got utf8; pass e\.g\. ZeroMQUtils\.textFrames/);
      assert.throws(() => ZeroMQUtils.createPullStream(ssc, 5555 as unknown as string, ZeroMQUtils.textFrames), /ZeroMQUtils\.createPullStream: ZeroMQ endpoint must be a string, got 5555; give an endpoint such as tcp:\/\/127\.0\.0\.1:5555/);
    });
  });
});
