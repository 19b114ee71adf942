import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { NatsUtils, type NatsMessage } from "../../../src/connectors/nats/index.js";
import { collectAll, recordReceiverEvents, suiteContext, waitFor, withStreaming } from "../../streaming/receivers/support.js";
import { NATS_SERVERS, advanceUntil, freePort, uniqueName } from "../services.js";
import { PrivateNats, consumerState, deleteStream, publishAll, sharedNats, streamWith } from "./jetstream.js";

const range = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `m${from + i}`);
/** Stream names JetStream accepts: no dots. */
async function waitForAsync(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const streamName = (prefix: string): string => uniqueName(prefix).replace(/\./g, "_");

describe("NatsUtils.createJetStream against nats-server", () => {
  const sc = suiteContext("local[2]");
  let nc: NatsConnection;
  const streams: string[] = [];
  before(async () => {
    nc = await sharedNats();
  });
  after(async () => {
    for (const s of streams) await deleteStream(nc, s);
    await nc?.close();
  });

  test("N messages exactly once, in stream order, each acknowledged", async () => {
    const n = 3000;
    const stream = streamName("dstream-nats");
    streams.push(stream);
    await streamWith(nc, stream, range(n));
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const out = collectAll(NatsUtils.createJetStream(ssc, { servers: NATS_SERVERS, stream, consumer: "c1", batchSize: 250 }));
      ssc.start();
      await advanceUntil(clock, () => out.length >= n, `${n} messages`);
      assert.deepEqual(out.map((m) => m.data), range(n));
      assert.deepEqual(out.map((m) => m.seq), Array.from({ length: n }, (_, i) => i + 1));
      assert.ok(out.every((m) => m.subject === `${stream}.in` && m.timestamp > 0));
    });
    const state = await consumerState(nc, stream, "c1");
    assert.deepEqual(state, { ackPending: 0, pending: 0, ackFloor: n });
  });

  test("given subjects, a missing stream and consumer are created; headers and a decoder reach the records", async () => {
    const stream = streamName("dstream-nats-created");
    streams.push(stream);
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const decode = (p: Uint8Array): number => JSON.parse(new TextDecoder().decode(p)) as number;
      const out: Array<NatsMessage<number>> = collectAll(NatsUtils.createJetStream(ssc, { servers: `nats://${NATS_SERVERS}`, stream, consumer: "c", subjects: [`${stream}.*`], decode }));
      ssc.start();
      // The receiver creates the stream once it connects: publish when it exists.
      const jsm = await jetstreamManager(nc);
      await waitForAsync(() => jsm.streams.info(stream).then(() => true, () => false), `stream ${stream} to be created`);
      const h = headers();
      h.set("k", "v");
      await jetstream(nc).publish(`${stream}.a`, "41", { headers: h });
      await jetstream(nc).publish(`${stream}.b`, "42");
      await advanceUntil(clock, () => out.length >= 2, "two messages");
      assert.deepEqual(out.map((m) => [m.subject, m.data, m.seq, m.headers]), [
        [`${stream}.a`, 41, 1, { k: ["v"] }],
        [`${stream}.b`, 42, 2, undefined],
      ]);
    });
  });

  test("a malformed server URL, an unknown stream without subjects and an undecodable payload get errors naming the connector, the value and the fix", async () => {
    const ssc0 = {} as Parameters<typeof NatsUtils.createJetStream>[0];
    assert.throws(() => NatsUtils.createJetStream(ssc0, { servers: "http://127.0.0.1:4222", stream: "s", consumer: "c" }), /NatsUtils.createJetStream: malformed NATS server URL "http:\/\/127.0.0.1:4222"; give nats:\/\/host:port, tls:\/\/host:port or host:port/);
    assert.throws(() => NatsUtils.createJetStream(ssc0, { servers: "127.0.0.1:port", stream: "s", consumer: "c" }), /malformed NATS server URL "127.0.0.1:port"/);
    assert.throws(() => NatsUtils.createJetStream(ssc0, { servers: NATS_SERVERS, stream: "a.b", consumer: "c" }), /stream must be a non-empty name without spaces, "\.", .*got "a.b"/);
    const missing = streamName("dstream-nats-missing");
    const bad = streamName("dstream-nats-bad");
    streams.push(bad);
    await streamWith(nc, bad, [new Uint8Array([0xff, 0xfe]), "ok"]);
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const events = recordReceiverEvents(ssc);
      NatsUtils.createJetStream(ssc, { servers: NATS_SERVERS, stream: missing, consumer: "c" }).foreachRDD(() => undefined);
      const out = collectAll(NatsUtils.createJetStream(ssc, { servers: NATS_SERVERS, stream: bad, consumer: "c" }));
      ssc.start();
      await advanceUntil(clock, () => out.length >= 1 && events.filter((e) => e.kind === "error").length >= 2, "the good message and two errors");
      const messages = events.filter((e) => e.kind === "error").map((e) => e.message);
      assert.ok(
        messages.some((m) => m.startsWith(`NATS JetStream: stream "${missing}" does not exist at ${NATS_SERVERS}; create it (nats stream add ${missing} --subjects '<subject>'), fix the stream name, or pass subjects to NatsUtils.createJetStream`)),
        messages.join("\n"),
      );
      assert.ok(messages.some((m) => m.startsWith(`NATS JetStream: the decoder threw on the 2-byte message 1 on subject "${bad}.in" of stream "${bad}"; it was terminated`) && m.endsWith("publish UTF-8 text or pass a decode function to NatsUtils.createJetStream")), messages.join("\n"));
      assert.deepEqual(out.map((m) => [m.seq, m.data]), [[2, "ok"]]);
    });
    const state = await consumerState(nc, bad, "c");
    assert.deepEqual([state.ackPending, state.pending], [0, 0]);
  });

  test("a server that needs a login: a wrong password is reported with the fix (the password never shown), the right one reads", async (t) => {
    const server = await PrivateNats.start(t, { user: "app", pass: "s3cret" });
    const stream = streamName("dstream-nats-auth");
    const admin = await connect({ servers: server.servers, user: "app", pass: "s3cret", reconnect: false });
    t.after(() => admin.close());
    await streamWith(admin, stream, range(20));
    await withStreaming(sc(), async ({ ssc }) => {
      const events = recordReceiverEvents(ssc);
      NatsUtils.createJetStream(ssc, { servers: `nats://app:wrong@127.0.0.1:${server.port}`, stream, consumer: "c" }).foreachRDD(() => undefined);
      ssc.start();
      await waitFor(() => events.some((e) => e.kind === "error"), "the refused login");
      const e = events.find((x) => x.kind === "error")!;
      assert.match(e.message, /^NATS JetStream: nats:\/\/app:\*\*\*@127\.0\.0\.1:\d+ refused the login: .*check the user and password/);
      assert.ok(!e.message.includes("wrong"), e.message);
    });
    await withStreaming(sc(), async ({ ssc, clock }) => {
      const out = collectAll(NatsUtils.createJetStream(ssc, { servers: `nats://app:s3cret@127.0.0.1:${server.port}`, stream, consumer: "c" }).map((m) => m.data));
      ssc.start();
      await advanceUntil(clock, () => out.length >= 20, "20 messages");
      assert.deepEqual([...out].sort(), range(20).sort());
    });
  });

  test("a server that is not there: the receiver table shows the error with the fix, and the receiver keeps retrying", async () => {
    const port = await freePort();
    await withStreaming(sc(), async ({ ssc }) => {
      const events = recordReceiverEvents(ssc);
      NatsUtils.createJetStream(ssc, { servers: `127.0.0.1:${port}`, stream: "s", consumer: "c" }).foreachRDD(() => undefined);
      ssc.start();
      await waitFor(() => events.filter((e) => e.kind === "error").length >= 2, "two failed attempts");
      const e = events.find((x) => x.kind === "error")!;
      assert.match(e.message, new RegExp(`^NATS JetStream: cannot connect to 127.0.0.1:${port} \\(connection refused\\); start the server \\(nats-server -js\\) or fix servers; reconnecting in \\d+ ms$`));
    });
  });
});
