/**
 * Records the bytes of real Avro-RPC sessions for the frame codec's tests: a Flume agent's Avro
 * sink sends to a second agent's Avro source through a recording proxy on loopback, once plain
 * and once with compression-type = deflate, and the proxy writes both directions, chunk by chunk,
 * to test/fixtures/flume/avro-sessions.json. Run it again only to refresh the fixture:
 *
 *   node --import tsx test/connectors/flume/recordFixture.ts
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { FlumeAgent, freePort, waitForPort } from "./agent.js";

const OUT = fileURLToPath(new URL("../../fixtures/flume/avro-sessions.json", import.meta.url));
const EVENTS = 7;

interface Chunk {
  from: "sink" | "source";
  hex: string;
}

async function record(compression: "none" | "deflate"): Promise<Chunk[]> {
  const sourcePort = await freePort();
  const proxyPort = await freePort();
  const chunks: Chunk[] = [];
  const sockets: Socket[] = [];
  const proxy = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: sourcePort });
    sockets.push(client, upstream);
    client.on("data", (b: Buffer) => {
      chunks.push({ from: "sink", hex: b.toString("hex") });
      upstream.write(b);
    });
    upstream.on("data", (b: Buffer) => {
      chunks.push({ from: "source", hex: b.toString("hex") });
      client.write(b);
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(proxyPort, "127.0.0.1", resolve));
  const receiving = await FlumeAgent.start("record-source", `
record-source.sources = avro
record-source.channels = c
record-source.sinks = drop
record-source.sources.avro.type = avro
record-source.sources.avro.bind = 127.0.0.1
record-source.sources.avro.port = ${sourcePort}
record-source.sources.avro.compression-type = ${compression}
record-source.sources.avro.channels = c
record-source.channels.c.type = memory
record-source.sinks.drop.type = null
record-source.sinks.drop.channel = c
`);
  await waitForPort(sourcePort);
  const sending = await FlumeAgent.start("record-sink", `
record-sink.sources = seq
record-sink.channels = c
record-sink.sinks = avro
record-sink.sources.seq.type = seq
record-sink.sources.seq.totalEvents = ${EVENTS}
record-sink.sources.seq.channels = c
record-sink.sources.seq.interceptors = tag
record-sink.sources.seq.interceptors.tag.type = static
record-sink.sources.seq.interceptors.tag.key = origin
record-sink.sources.seq.interceptors.tag.value = fixture
record-sink.channels.c.type = memory
record-sink.sinks.avro.type = avro
record-sink.sinks.avro.hostname = 127.0.0.1
record-sink.sinks.avro.port = ${proxyPort}
record-sink.sinks.avro.batch-size = 3
record-sink.sinks.avro.compression-type = ${compression}
record-sink.sinks.avro.channel = c
`);
  try {
    await receiving.waitForMetrics((m) => (Number(m["SOURCE.avro"]?.EventAcceptedCount) === EVENTS ? true : undefined), 60_000, `the Avro source accepted ${EVENTS} events`);
    // The last answer may still be on its way through the proxy.
    await sending.waitForMetrics((m) => (Number(m["SINK.avro"]?.EventDrainSuccessCount) === EVENTS ? true : undefined), 60_000, `the Avro sink drained ${EVENTS} events`);
  } finally {
    await sending.stop();
    await receiving.stop();
    for (const s of sockets) s.destroy();
    proxy.close();
  }
  return chunks;
}

const plain = await record("none");
const deflate = await record("deflate");
mkdirSync(fileURLToPath(new URL("../../fixtures/flume/", import.meta.url)), { recursive: true });
writeFileSync(OUT, JSON.stringify({ recordedWith: "Flume 1.11.0 Avro sink -> Flume 1.11.0 Avro source, seq source, static interceptor origin=fixture, batch-size 3", events: EVENTS, plain, deflate }, null, 1) + "\n");
console.log(`wrote ${OUT}: ${plain.length} plain chunks, ${deflate.length} deflate chunks`);
