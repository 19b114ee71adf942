/**
 * FlumeUtils.createStream against a real Flume 1.11 agent (scripts/flume.sh): a sequence source
 * replicated into two file channels, drained by two Avro sinks, one plain and one with
 * compression-type = deflate, each pushing to its own receiver. Before the agent starts, the
 * plain receiver is sent bad input; it reports it and still gets every event exactly once.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createConnection } from "node:net";
import { deflateSync } from "node:zlib";
import { FlumeUtils } from "../../../src/connectors/flume/index.js";
import { encodeNettyFrame } from "../../../src/connectors/flume/NettyFrameCodec.js";
import { waitUntil } from "../../streaming/recovery/childApp.js";
import { FlumeAgent, freePort, waitForPort } from "./agent.js";
import { collect, flumeContext, range, receiverErrors, sortedNumerically } from "./support.js";

const N = 2000;

function send(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port }, () => s.end(bytes));
    // Done when the receiver drops the connection, or answers (an Avro error response).
    s.on("data", () => s.destroy());
    s.on("close", () => resolve());
    s.on("error", () => resolve());
  });
}

const plainPort = await freePort();
const deflatePort = await freePort();
const ssc = flumeContext();
const errors = receiverErrors(ssc);
const plain = collect(FlumeUtils.createStream(ssc, "127.0.0.1", plainPort));
const deflated = collect(FlumeUtils.createStream(ssc, "127.0.0.1", deflatePort, undefined, true));
let agent: FlumeAgent | undefined;

test.after(async () => {
  await agent?.stop();
  await ssc.stop();
});

test("bad input to the Avro source is reported with the connector, the value and the fix", async () => {
  ssc.start();
  await waitForPort(plainPort);
  await waitForPort(deflatePort);

  await send(plainPort, Buffer.from("GET / HTTP/1.1\r\n\r\n"));
  await waitUntil(() => errors.find((e) => e.includes("buffer count")), 10_000, "the HTTP request is reported");
  assert.match(errors.at(-1)!, /^Flume: malformed Avro-RPC frame from the Avro sink at 127\.0\.0\.1:\d+: buffer count 790644820 in the frame of serial 1195725856 .*check that the address is a Flume Avro sink or SparkSink/);

  await send(plainPort, deflateSync(encodeNettyFrame({ id: 1, payload: [Buffer.from("x")] })));
  await waitUntil(() => errors.find((e) => e.includes("zlib stream")), 10_000, "compressed data to a plain receiver is reported");
  assert.match(errors.at(-1)!, /create the stream with enableDecompression = true/);

  await send(deflatePort, encodeNettyFrame({ id: 1, payload: [Buffer.from("not compressed")] }));
  await waitUntil(() => errors.find((e) => e.includes("is not zlib-compressed")), 10_000, "plain data to a decompressing receiver is reported");
  assert.match(errors.at(-1)!, /enableDecompression = true; set the Avro sink's compression-type = deflate/);

  // Well-framed, but the request is not AvroSourceProtocol: the Avro layer cannot decode it.
  await send(plainPort, encodeNettyFrame({ id: 1, payload: [Buffer.alloc(40, 0xff)] }));
  await waitUntil(() => errors.find((e) => e.includes("could not be decoded")), 10_000, "an undecodable request is reported");
  assert.match(errors.at(-1)!, /^Flume: a request to the Avro source at 127\.0\.0\.1:\d+ could not be decoded or answered: .*Flume's AvroSourceProtocol/);
});

test(`${N} events from a real agent arrive exactly once, with their headers, plain and deflated`, { timeout: 240_000 }, async () => {
  agent = await FlumeAgent.start("push-test", `
push-test.sources = seq
push-test.channels = plain deflated
push-test.sinks = plain deflated
push-test.sources.seq.type = seq
push-test.sources.seq.totalEvents = ${N}
push-test.sources.seq.batchSize = 100
push-test.sources.seq.channels = plain deflated
push-test.sources.seq.interceptors = tag
push-test.sources.seq.interceptors.tag.type = static
push-test.sources.seq.interceptors.tag.key = origin
push-test.sources.seq.interceptors.tag.value = push-test
push-test.channels.plain.type = file
push-test.channels.plain.checkpointDir = $DIR/plain/checkpoint
push-test.channels.plain.dataDirs = $DIR/plain/data
push-test.channels.deflated.type = file
push-test.channels.deflated.checkpointDir = $DIR/deflated/checkpoint
push-test.channels.deflated.dataDirs = $DIR/deflated/data
push-test.sinks.plain.type = avro
push-test.sinks.plain.channel = plain
push-test.sinks.plain.hostname = 127.0.0.1
push-test.sinks.plain.port = ${plainPort}
push-test.sinks.plain.batch-size = 100
push-test.sinks.deflated.type = avro
push-test.sinks.deflated.channel = deflated
push-test.sinks.deflated.hostname = 127.0.0.1
push-test.sinks.deflated.port = ${deflatePort}
push-test.sinks.deflated.batch-size = 100
push-test.sinks.deflated.compression-type = deflate
`);
  // Every event acknowledged by the receivers (the sinks count only OK answers)...
  await agent.waitForMetrics(
    (m) => (Number(m["SINK.plain"]?.EventDrainSuccessCount) === N && Number(m["SINK.deflated"]?.EventDrainSuccessCount) === N ? true : undefined),
    180_000,
    `both sinks delivered ${N} events`,
  );
  // ...is in a batch once the batches after it have run; then nothing more may come.
  await waitUntil(() => (plain.bodies.length >= N && deflated.bodies.length >= N ? true : undefined), 30_000, "every acknowledged event is processed");
  await agent.stop();
  agent = undefined;
  await ssc.stop({ stopGracefully: true });
  for (const [name, got] of [["plain", plain], ["deflated", deflated]] as const) {
    assert.equal(got.bodies.length, N, `${name}: exactly ${N} events, none twice`);
    assert.deepEqual(sortedNumerically(got.bodies), range(N), `${name}: every sequence number once`);
    assert.ok(got.headers.every((h) => h.origin === "push-test"), `${name}: Flume's headers come along`);
  }
});
