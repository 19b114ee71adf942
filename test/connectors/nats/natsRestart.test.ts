/**
 * A restart of the NATS server mid-stream (a server of the test's own, never the shared one):
 * the receiver reconnects with backoff, reports the outage in the receiver table, and resumes its
 * durable consumer. Messages whose acknowledgement the outage lost come again and are dropped by
 * stream sequence, so every message arrives exactly once and none is left unacknowledged.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { NatsUtils, type NatsJetStreamReceiver } from "../../../src/connectors/nats/index.js";
import { collectAll, recordReceiverEvents, suiteContext, waitFor, withStreaming } from "../../streaming/receivers/support.js";
import { advanceUntil } from "../services.js";
import { PrivateNats, consumerState, publishAll, streamWith } from "./jetstream.js";

const sc = suiteContext("local[2]", { "spark.streaming.receiver.maxRate": "2000" });
const range = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `m${from + i}`);

test("a server restart mid-stream: the receiver reconnects, resumes its consumer, and every message arrives exactly once", async (t) => {
  const server = await PrivateNats.start(t);
  const first = 2000;
  const stream = "restart";
  let nc = await connect({ servers: server.servers, reconnect: false });
  await streamWith(nc, stream, range(first));
  await nc.close();
  await withStreaming(sc(), async ({ ssc, clock }) => {
    const events = recordReceiverEvents(ssc);
    const input = NatsUtils.createJetStream(ssc, { servers: server.servers, stream, consumer: "c", batchSize: 100, ackWaitMs: 1000 });
    const out = collectAll(input);
    ssc.start();
    // The rate limit (2000/s) keeps the receiver mid-stream when the server goes.
    await waitFor(() => input.receivedRecords >= 200, "the first messages");
    await server.kill();
    await waitFor(() => events.some((e) => e.kind === "error" && /^NATS JetStream: (connection to .* closed|cannot connect)/.test(e.message)), "the receiver to report the outage");
    assert.ok(input.receivedRecords < first, "the server went mid-stream");
    await server.restart();
    nc = await connect({ servers: server.servers, reconnect: false });
    await publishAll(nc, `${stream}.in`, range(500, first));
    const n = first + 500;
    await advanceUntil(clock, () => out.length >= n, `all ${n} messages`);
    // A lost acknowledgement's redelivery comes after the 1 s ack wait; give it the chance to be (wrongly) stored.
    const deadline = Date.now() + 20_000;
    while ((await consumerState(nc, stream, "c")).ackFloor < n && Date.now() < deadline) await clock.advance(1000);
    await clock.advance(1000);
    assert.deepEqual(out.map((m) => m.seq), Array.from({ length: n }, (_, i) => i + 1), "each stream sequence once, in order");
    assert.deepEqual(out.map((m) => m.data), range(n));
    assert.deepEqual(await consumerState(nc, stream, "c"), { ackPending: 0, pending: 0, ackFloor: n });
    t.diagnostic(`${(input.getReceiver() as NatsJetStreamReceiver<string>).duplicateMessages} redeliveries dropped by stream sequence`);
    await nc.close();
  });
});
